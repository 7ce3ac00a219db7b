#include "cmd.h"

static char *format;
static gboolean quiet;

static const GOptionEntry entries[] = {
  { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "table (default) or json", "FORMAT" },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only the ids", NULL },
  { NULL },
};

static int
run (const ContainerGlobals *g, int argc, char **argv, GError **error)
{
  if (!cmd_parse (&cmd_list, &argc, &argv, error) || !cmd_expect_args (&cmd_list, argc, 0, 0, error))
    return -1;
  return container_list (g, format != NULL ? format : "table", quiet, error) ? 0 : -1;
}

const Command cmd_list = {
  "list", "[OPTION…]", "List the containers in the state root.", run, entries,
};
