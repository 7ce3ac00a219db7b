/* term: the terminal warren-tty runs on: raw mode that is always undone, and its window size.
 * Relaying bytes is left to recv.c and attach.c. */
#pragma once

#include <glib.h>

typedef struct _TtyTerm TtyTerm;

/* Put `fd` in raw mode when it is a terminal (otherwise the guard does nothing). Freeing the
 * guard restores the saved settings; so does tty_term_restore(), which may be called more
 * than once. */
TtyTerm *tty_term_raw (int fd, GError **error);
void tty_term_restore (TtyTerm *term);
void tty_term_free (TtyTerm *term);

/* The window size of `fd`; FALSE when it has none (not a terminal). 0x0 is a valid answer. */
gboolean tty_term_get_size (int fd, guint16 *out_rows, guint16 *out_cols);
/* Set the size of a pty; a 0x0 size (a terminal that reports none) is not passed on. */
void tty_term_set_size (int fd, guint16 rows, guint16 cols);

/* Write all of `buf` to a non-blocking fd, waiting for room when it is full. For the client
 * side only: the server never waits. */
gboolean tty_term_write_all (int fd, const void *buf, gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TtyTerm, tty_term_free)
