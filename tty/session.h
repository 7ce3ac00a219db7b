/* session: one console held by the server: the pty master, its scrollback ring, its log file
 * and the clients attached to it. Accepting consoles and naming sessions is server.c's. */
#pragma once

#include <glib.h>

#define TTY_SESSION_MAX_CLIENTS 16
/* Input from clients that the pty has not taken yet. */
#define TTY_SESSION_MAX_INPUT (64 * 1024)

typedef struct _TtySession TtySession;

/* Takes `master` (a checked pty master) and `log_fd` (-1 for none). */
TtySession *tty_session_new (const char *name, int master, gsize scrollback, int log_fd);
void tty_session_free (TtySession *session);

const char *tty_session_get_name (const TtySession *session);
gboolean tty_session_is_running (const TtySession *session);
guint tty_session_n_clients (const TtySession *session);
/* Output over the session's life, and what the scrollback holds now. */
guint64 tty_session_bytes (const TtySession *session);
gsize tty_session_scrollback (const TtySession *session);

/* Hand a connection over to the session: it answers the attach request, replays the
 * scrollback, then relays; `rest` is what the client sent after its request line. Takes `fd`. */
void tty_session_attach (TtySession *session, int fd, guint16 rows, guint16 cols,
                         const guint8 *rest, gsize rest_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TtySession, tty_session_free)
