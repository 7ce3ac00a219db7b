#include "cmd.h"

static char *bundle, *pid_file, *console_socket;
static gboolean no_pivot, no_new_keyring, detach;
static int preserve_fds;

static const GOptionEntry entries[] = {
  { "bundle", 'b', 0, G_OPTION_ARG_FILENAME, &bundle, "Bundle directory (default: .)", "DIR" },
  { "detach", 'd', 0, G_OPTION_ARG_NONE, &detach, "Do not wait for the container", NULL },
  { "pid-file", 0, 0, G_OPTION_ARG_FILENAME, &pid_file, "Write the init's pid to FILE", "FILE" },
  { "console-socket", 0, 0, G_OPTION_ARG_FILENAME, &console_socket,
    "Send the pty master to this AF_UNIX socket", "PATH" },
  { "no-pivot", 0, 0, G_OPTION_ARG_NONE, &no_pivot, "Use MS_MOVE and chroot, not pivot_root",
    NULL },
  { "no-new-keyring", 0, 0, G_OPTION_ARG_NONE, &no_new_keyring,
    "Keep the caller's session keyring", NULL },
  { "preserve-fds", 0, 0, G_OPTION_ARG_INT, &preserve_fds,
    "Pass N fds beyond stdio (3..3+N-1) to the container", "N" },
  { NULL },
};

static int
run (const ContainerGlobals *g, int argc, char **argv, GError **error)
{
  ContainerCreateOptions o = { 0 };

  if (!cmd_parse (&cmd_run, &argc, &argv, error) || !cmd_expect_args (&cmd_run, argc, 1, 1, error))
    return -1;
  o.id = argv[1];
  o.bundle = bundle;
  o.pid_file = pid_file;
  o.console_socket = console_socket;
  o.no_pivot = no_pivot;
  o.no_new_keyring = no_new_keyring;
  o.preserve_fds = preserve_fds;
  o.detach = detach;
  return container_run (g, &o, error);
}

const Command cmd_run = {
  "run", "[OPTION…] CONTAINER-ID",
  "Create and start a container; without -d, wait for it, pass its exit status through and "
  "delete it.",
  run, entries,
};
