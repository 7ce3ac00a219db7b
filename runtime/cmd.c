#include "cmd.h"

#include <string.h>

#include "wr-error.h"

static GOptionContext *
context_for (const Command *cmd)
{
  g_autofree char *param = g_strdup_printf ("%s %s", cmd->name, cmd->args);
  GOptionContext *ctx = g_option_context_new (param);

  g_option_context_set_summary (ctx, cmd->summary);
  if (cmd->options != NULL)
    g_option_context_add_main_entries (ctx, cmd->options, NULL);
  return ctx;
}

gboolean
cmd_parse (const Command *cmd, int *argc, char ***argv, GError **error)
{
  g_autoptr (GOptionContext) ctx = context_for (cmd);

  g_option_context_set_help_enabled (ctx, TRUE);
  /* Options end at the first argument, as runc's CLI has it: `exec ID sh -c x` passes -c on. */
  g_option_context_set_strict_posix (ctx, TRUE);
  if (!g_option_context_parse (ctx, argc, argv, error))
    return g_prefix_error (error, "%s: ", cmd->name), FALSE;
  /* Strict POSIX parsing leaves a "--" that ends the options in place: drop it. */
  if (*argc > 1 && strcmp ((*argv)[1], "--") == 0)
    {
      memmove (&(*argv)[1], &(*argv)[2], (gsize) (*argc - 1) * sizeof (char *));
      (*argc)--;
    }
  return TRUE;
}

gboolean
cmd_expect_args (const Command *cmd, int argc, int min, int max, GError **error)
{
  int n = argc - 1;

  if (n < min || n > max)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "%s: expects %s (got %d argument%s); see `warren help %s`", cmd->name,
                     cmd->args, n, n == 1 ? "" : "s", cmd->name);
  return TRUE;
}

char *
cmd_help (const Command *cmd)
{
  g_autoptr (GOptionContext) ctx = context_for (cmd);

  return g_option_context_get_help (ctx, TRUE, NULL);
}
