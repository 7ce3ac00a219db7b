/* warren: the OCI runtime command line. Global flags as runc has them, then one subcommand. */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "state.h"
#include "warren-config.h"
#include "wr-error.h"
#include "wr-prefault.h"

/* A little less than the heap a `run` or an `exec` uses at its peak (its [heap] is about
 * 130 KiB): more would only add pages nobody touches to the RSS. */
#define WARREN_HEAP_PREFAULT (96 * 1024)

static const Command *const commands[] = {
  &cmd_check, &cmd_create, &cmd_delete, &cmd_exec,  &cmd_kill,
  &cmd_list,  &cmd_run,    &cmd_spec,   &cmd_start, &cmd_state,
};

/* runc's commands that warren does not have yet: they say so rather than "unknown". */
static const char *const not_yet_commands[] = { "ps",     "pause",      "resume",
                                                "update", "events", "features",   "checkpoint",
                                                "restore", NULL };

static char *opt_root, *opt_log, *opt_log_format, *opt_rootless;
static gboolean opt_debug, opt_systemd_cgroup, opt_version;

static const GOptionEntry global_entries[] = {
  { "root", 0, 0, G_OPTION_ARG_FILENAME, &opt_root,
    "State directory (default: /run/warren as root, $XDG_RUNTIME_DIR/warren otherwise)", "DIR" },
  { "log", 0, 0, G_OPTION_ARG_FILENAME, &opt_log, "Write warnings and errors to FILE", "FILE" },
  { "log-format", 0, 0, G_OPTION_ARG_STRING, &opt_log_format, "text (default) or json",
    "FORMAT" },
  { "debug", 0, 0, G_OPTION_ARG_NONE, &opt_debug, "Log debug messages", NULL },
  { "systemd-cgroup", 0, 0, G_OPTION_ARG_NONE, &opt_systemd_cgroup,
    "Manage cgroups through systemd (cgroups are not implemented yet)", NULL },
  { "rootless", 0, 0, G_OPTION_ARG_STRING, &opt_rootless,
    "auto (default), true or false", "MODE" },
  { "version", 'v', 0, G_OPTION_ARG_NONE, &opt_version, "Print the version", NULL },
  { NULL },
};

static const Command *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i]->name, name) == 0)
      return commands[i];
  return NULL;
}

static GOptionContext *
global_context (void)
{
  GString *desc = g_string_new ("Commands:\n");
  GOptionContext *ctx = g_option_context_new ("COMMAND [OPTION…]");

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (desc, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
  g_string_append (desc, "  help     Show the help of a command\n");
  g_option_context_set_summary (ctx, "warren: a rootless-first OCI container runtime.");
  g_option_context_set_description (ctx, desc->str);
  g_string_free (desc, TRUE);
  g_option_context_add_main_entries (ctx, global_entries, NULL);
  /* Stop at the command name: what follows are the command's own options. */
  g_option_context_set_strict_posix (ctx, TRUE);
  return ctx;
}

static int
fail (GError *error)
{
  log_error (error->message);
  g_error_free (error);
  return 1;
}

static int
warren_main (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = NULL;
  g_autofree char *root = NULL;
  GError *error = NULL;
  ContainerGlobals globals = { 0 };
  const Command *cmd;
  int status;

  /* Everything a command allocates, in one system call instead of a page fault for each new
   * page of the heap (about 20 in a `run`); see wr-prefault.h. */
  wr_prefault_heap (WARREN_HEAP_PREFAULT);
  /* Only the two categories warren uses: LC_CTYPE, because GOption converts string
   * arguments (exec --env, ...) from the locale's charset to UTF-8, and LC_MESSAGES for the
   * language of strerror() texts. LC_ALL would load ten more locale files (about 50 system
   * calls per command) that nothing here reads: numbers and times are formatted in C. */
  setlocale (LC_CTYPE, "");
  setlocale (LC_MESSAGES, "");
  ctx = global_context ();
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fail (error);
  if (opt_version)
    {
      printf ("warren version %s\nspec: 1.2.0\n", WARREN_VERSION);
      return 0;
    }
  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);
      fputs (help, stderr);
      return 1;
    }
  if (strcmp (argv[1], "help") == 0)
    {
      g_autofree char *help = NULL;
      if (argc < 3)
        help = g_option_context_get_help (ctx, TRUE, NULL);
      else if ((cmd = find_command (argv[2])) != NULL)
        help = cmd_help (cmd);
      else
        return fail (g_error_new (WARREN_ERROR, WARREN_ERROR_INVALID_ARGUMENT,
                                  "help: unknown command \"%s\"", argv[2]));
      fputs (help, stdout);
      return 0;
    }
  cmd = find_command (argv[1]);
  if (cmd == NULL && g_strv_contains (not_yet_commands, argv[1]))
    return fail (g_error_new (WARREN_ERROR, WARREN_ERROR_NOT_SUPPORTED,
                              "%s: not supported yet by this version of warren", argv[1]));
  if (cmd == NULL)
    return fail (g_error_new (WARREN_ERROR, WARREN_ERROR_INVALID_ARGUMENT,
                              "unknown command \"%s\"; see `warren --help`", argv[1]));
  if (!log_setup (opt_log, opt_log_format, opt_debug, &error))
    return fail (error);
  if (opt_systemd_cgroup)
    log_debug ("--systemd-cgroup: cgroups are not implemented yet; ignored");
  /* `spec` needs no state root, and `check` reports on it; every other command needs one. */
  if (cmd != &cmd_spec && cmd != &cmd_check)
    {
      root = state_root_path (opt_root, &error);
      if (root == NULL)
        return fail (error);
    }
  globals.root = root;
  globals.rootless = opt_rootless;
  status = cmd->run (&globals, argc - 1, argv + 1, &error);
  if (status < 0)
    return fail (error);
  return status;
}

int
main (int argc, char **argv)
{
  int status = warren_main (argc, argv);

  /* No exit(): its library destructors and the loader's teardown write to pages that the
   * container init shared with us copy-on-write, a page fault each (about 25 per `run`, tens
   * of microseconds apiece on a VM), and none of them has anything to do at our exit. Our
   * own buffered output is all that must not be lost. */
  (void) fflush (NULL); /* exit() ignores a failed flush as well: same status as before */
  _exit (status);
}
