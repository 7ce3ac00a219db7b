/* ring: the scrollback of a session, a byte ring that never holds more than its capacity.
 * What the bytes mean (terminal output) and where they are replayed is left to session.c. */
#pragma once

#include <glib.h>

typedef struct _TtyRing TtyRing;

/* The buffer grows on demand up to `capacity` bytes, so a quiet session costs little. */
TtyRing *tty_ring_new (gsize capacity);
void tty_ring_free (TtyRing *ring);
/* Keeps the last `capacity` bytes of everything appended. */
void tty_ring_append (TtyRing *ring, const void *data, gsize len);
/* The bytes held, oldest first. */
GBytes *tty_ring_contents (const TtyRing *ring);
gsize tty_ring_length (const TtyRing *ring);
/* Memory held by the buffer (never more than the capacity). */
gsize tty_ring_allocated (const TtyRing *ring);
/* Bytes appended over the ring's life. */
guint64 tty_ring_total (const TtyRing *ring);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TtyRing, tty_ring_free)
