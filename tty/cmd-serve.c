#include "cmd.h"

#include "server.h"
#include "wr-error.h"

static char *opt_socket, *opt_log_dir;
static gint64 opt_scrollback = 1024 * 1024;
static int opt_idle_timeout = 10000;

static const GOptionEntry entries[] = {
  { "socket", 's', 0, G_OPTION_ARG_FILENAME, &opt_socket,
    "Listen on SOCKET (default: `warren-tty socket`)", "SOCKET" },
  { "log-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_log_dir,
    "Append each session's output to DIR/NAME.log", "DIR" },
  { "scrollback", 0, 0, G_OPTION_ARG_INT64, &opt_scrollback,
    "Bytes of output kept per session for attach (default 1048576)", "BYTES" },
  { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &opt_idle_timeout,
    "Close a connection that sends no console or request within MS milliseconds (default "
    "10000)",
    "MS" },
  { NULL },
};

static int
run (int argc, char **argv, GError **error)
{
  g_autofree char *socket_path = NULL;
  TtyServeOptions options = { 0 };

  if (!tty_cmd_parse (&tty_cmd_serve, &argc, &argv, 0, 0, error))
    return -1;
  if (opt_scrollback < 0 || opt_scrollback > 256 * 1024 * 1024)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "serve: --scrollback: must be 0 to 268435456 bytes"),
           -1;
  if (opt_idle_timeout <= 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "serve: --idle-timeout: must be > 0"),
           -1;
  socket_path = tty_cmd_socket_path (opt_socket, error);
  if (socket_path == NULL)
    return -1;
  options.socket_path = socket_path;
  options.log_dir = opt_log_dir;
  options.scrollback = (gsize)opt_scrollback;
  options.idle_timeout_ms = (guint)opt_idle_timeout;
  return tty_server_run (&options, error) ? 0 : -1;
}

const TtyCommand tty_cmd_serve = {
  "serve", "",      "Hold consoles received on the socket as named sessions to list and attach to.",
  run,     entries,
};
