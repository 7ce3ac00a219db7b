/* server: `warren-tty serve`: accepts consoles and clients on one socket, names sessions, and
 * answers list and attach requests. A session's own relay is session.c's. */
#pragma once

#include <glib.h>

#define TTY_SERVER_MAX_SESSIONS 256
#define TTY_SERVER_MAX_PENDING 1024

typedef struct
{
  const char *socket_path;
  const char *log_dir;
  gsize scrollback;
  guint idle_timeout_ms;
} TtyServeOptions;

gboolean tty_server_run (const TtyServeOptions *options, GError **error);
