/* exec: a new process in a running (or created) container. A short-lived child joins all of
 * the init's namespaces at once with setns(pidfd) and clones the process into them with
 * CLONE_PARENT, so it is warren's child: its exit status comes back like run's. */
#pragma once

#include <glib.h>

#include "container.h"

typedef struct
{
  const char *id;
  const char *process_file;   /* --process: a process.json; the flags below then do not apply */
  char **args;                /* the command, when there is no --process */
  gboolean tty;
  const char *console_socket;
  gboolean detach;
  const char *pid_file;
  const char *cwd;
  char **env;                 /* KEY=VALUE, added to (or replacing in) the config's env */
  const char *user;           /* uid[:gid] */
  char **additional_gids;
  char **caps;                /* added to bounding, effective and permitted */
  gboolean no_new_privs;
  const char *apparmor;
  const char *process_label;
  int preserve_fds;
} ContainerExecOptions;

/* In the foreground returns the process's exit status (128+N for a signal); with detach, 0.
 * -1 with error set on failure. */
int container_exec (const ContainerGlobals *g, const ContainerExecOptions *o, GError **error);
