#include "cmd.h"
#include "exec.h"

static char *process_file, *console_socket, *pid_file, *cwd, *user, *apparmor, *process_label;
static char **env, **caps, *additional_gids;
static gboolean tty, detach, no_new_privs;
static int preserve_fds;

static const GOptionEntry entries[] = {
  { "process", 'p', 0, G_OPTION_ARG_FILENAME, &process_file,
    "The process as a JSON file (config.json's process); the process flags then do not apply",
    "FILE" },
  { "tty", 't', 0, G_OPTION_ARG_NONE, &tty, "Give the process a pty", NULL },
  { "console-socket", 0, 0, G_OPTION_ARG_FILENAME, &console_socket,
    "Send the pty master to this AF_UNIX socket", "PATH" },
  { "detach", 'd', 0, G_OPTION_ARG_NONE, &detach, "Do not wait for the process", NULL },
  { "pid-file", 0, 0, G_OPTION_ARG_FILENAME, &pid_file, "Write the process's pid to FILE",
    "FILE" },
  { "cwd", 0, 0, G_OPTION_ARG_FILENAME, &cwd, "Working directory in the container", "DIR" },
  { "env", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &env, "Set an environment variable (repeatable)",
    "KEY=VALUE" },
  { "user", 'u', 0, G_OPTION_ARG_STRING, &user, "Run as uid[:gid] (numeric, in the container)",
    "UID[:GID]" },
  { "additional-gids", 'g', 0, G_OPTION_ARG_STRING, &additional_gids,
    "Supplementary groups, comma-separated", "GID,..." },
  { "cap", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &caps,
    "Add a capability to bounding, effective and permitted (repeatable)", "CAP" },
  { "no-new-privs", 0, 0, G_OPTION_ARG_NONE, &no_new_privs, "Set no_new_privs", NULL },
  { "apparmor", 0, 0, G_OPTION_ARG_STRING, &apparmor, "AppArmor profile for the process",
    "PROFILE" },
  { "process-label", 0, 0, G_OPTION_ARG_STRING, &process_label,
    "SELinux label for the process", "LABEL" },
  { "preserve-fds", 0, 0, G_OPTION_ARG_INT, &preserve_fds,
    "Pass N fds beyond stdio (3..3+N-1) to the process", "N" },
  { NULL },
};

static int
run (const ContainerGlobals *g, int argc, char **argv, GError **error)
{
  ContainerExecOptions o = { 0 };
  g_auto (GStrv) gids = NULL;

  if (!cmd_parse (&cmd_exec, &argc, &argv, error)
      || !cmd_expect_args (&cmd_exec, argc, 1, G_MAXINT, error))
    return -1;
  if (additional_gids != NULL)
    gids = g_strsplit (additional_gids, ",", -1);
  o.id = argv[1];
  o.args = argc > 2 ? argv + 2 : NULL;
  o.process_file = process_file;
  o.tty = tty;
  o.console_socket = console_socket;
  o.detach = detach;
  o.pid_file = pid_file;
  o.cwd = cwd;
  o.env = env;
  o.user = user;
  o.additional_gids = gids;
  o.caps = caps;
  o.no_new_privs = no_new_privs;
  o.apparmor = apparmor;
  o.process_label = process_label;
  o.preserve_fds = preserve_fds;
  return container_exec (g, &o, error);
}

const Command cmd_exec = {
  "exec", "[OPTION…] CONTAINER-ID [COMMAND [ARG…]]",
  "Run a new process in a running container; without -d, wait for it and pass its exit "
  "status through.",
  run, entries,
};
