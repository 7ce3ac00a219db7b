/* cmd: what warren-tty's subcommands share: the entry point, option parsing with GOption and
 * the --socket default. Each cmd-<name>.c holds one command. */
#pragma once

#include <glib.h>

typedef struct
{
  const char *name;
  const char *args;
  const char *summary;
  /* argv[0] is the command name. Returns the exit status, or -1 with error set. */
  int (*run) (int argc, char **argv, GError **error);
  const GOptionEntry *options;
} TtyCommand;

extern const TtyCommand tty_cmd_recv, tty_cmd_serve, tty_cmd_list, tty_cmd_attach, tty_cmd_socket;

/* Parse argv with the command's options, then require min..max positional arguments. */
gboolean tty_cmd_parse (const TtyCommand *cmd, int *argc, char ***argv, int min, int max,
                        GError **error);
char *tty_cmd_help (const TtyCommand *cmd);
/* `path` when given, else the default socket. */
char *tty_cmd_socket_path (const char *path, GError **error);
