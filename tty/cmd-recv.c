#include "cmd.h"

#include "recv.h"
#include "wr-error.h"

static char *opt_mode, *opt_pid_file;
static gboolean opt_no_stdin;
static int opt_idle_timeout = 10000;

static const GOptionEntry entries[] = {
  { "mode", 'm', 0, G_OPTION_ARG_STRING, &opt_mode,
    "single (default): relay one console to this terminal; null: drain consoles forever", "MODE" },
  { "pid-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_pid_file,
    "Write our pid to FILE once the socket listens", "FILE" },
  { "no-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_no_stdin, "Do not relay standard input", NULL },
  { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &opt_idle_timeout,
    "Close a connection that sends nothing within MS milliseconds (default 10000)", "MS" },
  { NULL },
};

static int
run (int argc, char **argv, GError **error)
{
  TtyRecvOptions options = { 0 };

  if (!tty_cmd_parse (&tty_cmd_recv, &argc, &argv, 1, 1, error))
    return -1;
  if (opt_mode != NULL && !g_str_equal (opt_mode, "single") && !g_str_equal (opt_mode, "null"))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "recv: --mode: \"%s\" is not single or null", opt_mode),
           -1;
  if (opt_idle_timeout <= 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "recv: --idle-timeout: must be > 0"), -1;
  options.socket_path = argv[1];
  options.null_mode = opt_mode != NULL && g_str_equal (opt_mode, "null");
  options.pid_file = opt_pid_file;
  options.no_stdin = opt_no_stdin;
  options.idle_timeout_ms = (guint)opt_idle_timeout;
  return tty_recv_run (&options, error) ? 0 : -1;
}

const TtyCommand tty_cmd_recv = {
  "recv", "SOCKET", "Receive one console on SOCKET and relay it to this terminal (runc's recvtty).",
  run,    entries,
};
