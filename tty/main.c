/* warren-tty: the console-socket server. One subcommand per invocation. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "warren-config.h"
#include "wr-error.h"

static const TtyCommand *const commands[] = {
  &tty_cmd_recv, &tty_cmd_serve, &tty_cmd_list, &tty_cmd_attach, &tty_cmd_socket,
};

static const TtyCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i]->name, name) == 0)
      return commands[i];
  return NULL;
}

static char *
usage (void)
{
  GString *text = g_string_new ("Usage:\n  warren-tty COMMAND [OPTION…]\n\nCommands:\n");

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
  g_string_append (text, "\nSee `warren-tty help COMMAND` for a command's options.\n");
  return g_string_free (text, FALSE);
}

static int
fail (GError *error)
{
  fprintf (stderr, "warren-tty: %s\n", error->message);
  g_error_free (error);
  return 1;
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  const TtyCommand *cmd;
  int status;

  setlocale (LC_ALL, "");
  g_set_prgname ("warren-tty");
  /* A peer that goes away shows up as EPIPE on its own fd, never as a signal for all. */
  signal (SIGPIPE, SIG_IGN);
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      g_autofree char *text = usage ();
      fputs (text, argc < 2 ? stderr : stdout);
      return argc < 2 ? 1 : 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("warren-tty version %s\n", WARREN_VERSION);
      return 0;
    }
  if (strcmp (argv[1], "help") == 0)
    {
      g_autofree char *text = NULL;
      if (argc < 3)
        text = usage ();
      else if ((cmd = find_command (argv[2])) != NULL)
        text = tty_cmd_help (cmd);
      else
        return fail (g_error_new (WARREN_ERROR, WARREN_ERROR_INVALID_ARGUMENT,
                                  "help: unknown command \"%s\"", argv[2]));
      fputs (text, stdout);
      return 0;
    }
  cmd = find_command (argv[1]);
  if (cmd == NULL)
    return fail (g_error_new (WARREN_ERROR, WARREN_ERROR_INVALID_ARGUMENT,
                              "unknown command \"%s\"; see `warren-tty --help`", argv[1]));
  status = cmd->run (argc - 1, argv + 1, &error);
  if (status < 0)
    return fail (error);
  return status;
}
