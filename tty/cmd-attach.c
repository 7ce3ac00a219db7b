#include "cmd.h"

#include "attach.h"

static char *opt_socket, *opt_detach_keys;

static const GOptionEntry entries[] = {
  { "socket", 's', 0, G_OPTION_ARG_FILENAME, &opt_socket,
    "The server's socket (default: `warren-tty socket`)", "SOCKET" },
  { "detach-keys", 0, 0, G_OPTION_ARG_STRING, &opt_detach_keys,
    "Key sequence that detaches (default ctrl-p,ctrl-q; empty: never)", "KEYS" },
  { NULL },
};

static int
run (int argc, char **argv, GError **error)
{
  g_autofree char *socket_path = NULL;
  TtyAttachOptions options = { 0 };

  if (!tty_cmd_parse (&tty_cmd_attach, &argc, &argv, 1, 1, error))
    return -1;
  if (!tty_detach_keys_parse (opt_detach_keys != NULL ? opt_detach_keys : TTY_DETACH_KEYS_DEFAULT,
                              &options.keys, error))
    return g_prefix_error (error, "attach: "), -1;
  socket_path = tty_cmd_socket_path (opt_socket, error);
  if (socket_path == NULL)
    return -1;
  options.socket_path = socket_path;
  options.name = argv[1];
  return tty_attach_run (&options, error) ? 0 : -1;
}

const TtyCommand tty_cmd_attach = {
  "attach",
  "NAME",
  "Attach this terminal to a session: scrollback, then both ways until the detach keys.",
  run,
  entries,
};
