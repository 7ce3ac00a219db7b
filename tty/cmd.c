#include "cmd.h"

#include <string.h>

#include "socket.h"
#include "wr-error.h"

static GOptionContext *
context_for (const TtyCommand *cmd)
{
  g_autofree char *param = g_strdup_printf ("%s %s", cmd->name, cmd->args);
  GOptionContext *ctx = g_option_context_new (param);

  g_option_context_set_summary (ctx, cmd->summary);
  if (cmd->options != NULL)
    g_option_context_add_main_entries (ctx, cmd->options, NULL);
  return ctx;
}

gboolean
tty_cmd_parse (const TtyCommand *cmd, int *argc, char ***argv, int min, int max, GError **error)
{
  g_autoptr (GOptionContext) ctx = context_for (cmd);
  int n;

  if (!g_option_context_parse (ctx, argc, argv, error))
    return g_prefix_error (error, "%s: ", cmd->name), FALSE;
  if (*argc > 1 && strcmp ((*argv)[1], "--") == 0)
    {
      memmove (&(*argv)[1], &(*argv)[2], (gsize)(*argc - 1) * sizeof (char *));
      (*argc)--;
    }
  n = *argc - 1;
  if (n > 0 && max == 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "%s: takes no arguments (got \"%s\"); see `warren-tty help %s`", cmd->name,
                     (*argv)[1], cmd->name);
  if (n < min || n > max)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "%s: expects %s (got %d argument%s); see `warren-tty help %s`", cmd->name,
                     cmd->args, n, n == 1 ? "" : "s", cmd->name);
  return TRUE;
}

char *
tty_cmd_help (const TtyCommand *cmd)
{
  g_autoptr (GOptionContext) ctx = context_for (cmd);

  return g_option_context_get_help (ctx, TRUE, NULL);
}

char *
tty_cmd_socket_path (const char *path, GError **error)
{
  if (path != NULL)
    return g_strdup (path);
  return tty_socket_default_path (error);
}
