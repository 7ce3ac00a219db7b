/* console: the first message on a connection. A runtime sends one pty master with
 * SCM_RIGHTS and the container id as payload; a warren-tty client sends a request line and no
 * fd. Checking that a received fd is a pty master lives here; sessions are server.c's. */
#pragma once

#include <glib.h>

/* Read one message from a non-blocking socket. Returns the number of payload bytes (0 at end
 * of stream), or -1 with error set (G_IO_ERROR_WOULD_BLOCK when nothing is there yet).
 * *out_master is a checked pty master when the message carried one, else -1. A message with
 * more than one fd, other control data, truncated control data or an fd that is not a pty
 * master is refused: every fd it carried is closed. */
gssize tty_console_recv (int sock, guint8 *payload, gsize max, int *out_master, GError **error);

/* TRUE when `fd` is the master side of a pty (TIOCGPTN answers only there). */
gboolean tty_console_is_pty_master (int fd);
