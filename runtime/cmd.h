/* cmd: what every subcommand shares: its entry point signature, option parsing with GOption,
 * and the global options parsed by main.c. */
#pragma once

#include <glib.h>

#include "container.h"

typedef struct
{
  const char *name;
  const char *args;      /* "[options] <container-id>" */
  const char *summary;
  /* argv[0] is the command name. Returns the exit status, or -1 with error set. */
  int (*run) (const ContainerGlobals *g, int argc, char **argv, GError **error);
  const GOptionEntry *options;
} Command;

extern const Command cmd_check, cmd_create, cmd_start, cmd_run, cmd_state, cmd_list, cmd_kill,
    cmd_delete, cmd_spec, cmd_exec;

/* Parse argv with the command's options; leaves the positional arguments in argv. */
gboolean cmd_parse (const Command *cmd, int *argc, char ***argv, GError **error);
/* Require exactly `n` positional arguments (after the command name). */
gboolean cmd_expect_args (const Command *cmd, int argc, int min, int max, GError **error);
char *cmd_help (const Command *cmd);
