/* socket: the unix socket warren-tty listens on and that its clients connect to: the
 * default path, safe creation (0600, 0700 directories, no symlinks), the peer's uid check.
 * What travels over a connection is left to console.c and protocol.c. */
#pragma once

#include <glib.h>

/* $XDG_RUNTIME_DIR/warren-tty/console.sock, or /run/warren-tty/console.sock as root. */
char *tty_socket_default_path (GError **error);

/* Listen at `path` (non-blocking, close-on-exec). Missing parent directories are created
 * 0700; a symlink or a non-socket at `path` is refused, as is a socket another server still
 * answers on; a stale socket is replaced. The socket is created 0600. */
int tty_socket_listen (const char *path, GError **error);

/* Accept one connection (non-blocking, close-on-exec) and check the peer has our uid. Returns
 * -1 with G_IO_ERROR_WOULD_BLOCK when nothing is pending. */
int tty_socket_accept (int listen_fd, GError **error);

/* When accept fails with G_IO_ERROR_TOO_MANY_OPEN_FILES the connection stays queued and the
 * listening socket readable, so polling it again would spin: stop polling it and try again
 * after this long (an idle connection timing out frees an fd). */
#define TTY_SOCKET_ACCEPT_PAUSE_MS 100

int tty_socket_connect (const char *path, GError **error);
