#include "cmd.h"

#include <stdio.h>

static int
run (const ContainerGlobals *g, int argc, char **argv, GError **error)
{
  g_autofree char *json = NULL;

  if (!cmd_parse (&cmd_state, &argc, &argv, error)
      || !cmd_expect_args (&cmd_state, argc, 1, 1, error))
    return -1;
  json = container_state (g, argv[1], error);
  if (json == NULL)
    return -1;
  printf ("%s\n", json);
  return 0;
}

const Command cmd_state = {
  "state", "CONTAINER-ID", "Print the state of a container as OCI state JSON.", run, NULL,
};
