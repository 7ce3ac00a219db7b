/* recv: `warren-tty recv`, recvtty's job: accept one console and relay it to this terminal
 * (or, in null mode, accept consoles forever and drain them). Serving many sessions is
 * server.c's. */
#pragma once

#include <glib.h>

typedef struct
{
  const char *socket_path;
  gboolean null_mode;
  const char *pid_file;
  gboolean no_stdin;
  guint idle_timeout_ms;
} TtyRecvOptions;

gboolean tty_recv_run (const TtyRecvOptions *options, GError **error);
