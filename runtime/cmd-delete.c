#include "cmd.h"

static gboolean force;

static const GOptionEntry entries[] = {
  { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "Kill the container first if it is running",
    NULL },
  { NULL },
};

static int
run (const ContainerGlobals *g, int argc, char **argv, GError **error)
{
  if (!cmd_parse (&cmd_delete, &argc, &argv, error)
      || !cmd_expect_args (&cmd_delete, argc, 1, 1, error))
    return -1;
  return container_delete (g, argv[1], force, error) ? 0 : -1;
}

const Command cmd_delete = {
  "delete", "[OPTION…] CONTAINER-ID",
  "Delete a container's state (and with --force, kill it first).", run, entries,
};
