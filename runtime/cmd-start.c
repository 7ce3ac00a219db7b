#include "cmd.h"

static int
run (const ContainerGlobals *g, int argc, char **argv, GError **error)
{
  if (!cmd_parse (&cmd_start, &argc, &argv, error)
      || !cmd_expect_args (&cmd_start, argc, 1, 1, error))
    return -1;
  return container_start (g, argv[1], error) ? 0 : -1;
}

const Command cmd_start = {
  "start", "CONTAINER-ID", "Start the process of a created container.", run, NULL,
};
