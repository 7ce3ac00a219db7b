#include "cmd.h"

#include <signal.h>

static gboolean all;

static const GOptionEntry entries[] = {
  { "all", 'a', 0, G_OPTION_ARG_NONE, &all,
    "Signal every process of the container (its pid namespace)", NULL },
  { NULL },
};

static int
run (const ContainerGlobals *g, int argc, char **argv, GError **error)
{
  int sig = SIGTERM;

  if (!cmd_parse (&cmd_kill, &argc, &argv, error) || !cmd_expect_args (&cmd_kill, argc, 1, 2, error))
    return -1;
  if (argc == 3 && !container_parse_signal (argv[2], &sig, error))
    return -1;
  return container_kill (g, argv[1], sig, all, error) ? 0 : -1;
}

const Command cmd_kill = {
  "kill", "[OPTION…] CONTAINER-ID [SIGNAL]",
  "Send a signal (default SIGTERM; a name such as KILL or SIGKILL, or a number) to the "
  "container's init.",
  run, entries,
};
