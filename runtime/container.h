/* container: the lifecycle commands on top of spec, state and launch: create, start, run,
 * kill, delete, state, list. Argument parsing is the cmd-*.c files'. */
#pragma once

#include <glib.h>
#include <signal.h>
#include <sys/types.h>

typedef struct
{
  const char *root;    /* state root path */
  const char *rootless; /* "auto", "true" or "false" */
} ContainerGlobals;

typedef struct
{
  const char *id;
  const char *bundle;         /* NULL: the current directory */
  const char *pid_file;
  const char *console_socket;
  gboolean no_pivot;
  gboolean no_new_keyring;
  gboolean detach;            /* create, run -d */
  int preserve_fds;
} ContainerCreateOptions;

gboolean container_create (const ContainerGlobals *g, const ContainerCreateOptions *o,
                           GError **error);
/* create + start; in the foreground waits and returns the exit status (128+N for a signal),
 * then deletes the container. Returns -1 with error set on failure. */
int container_run (const ContainerGlobals *g, const ContainerCreateOptions *o, GError **error);
gboolean container_start (const ContainerGlobals *g, const char *id, GError **error);
gboolean container_kill (const ContainerGlobals *g, const char *id, int signal, gboolean all,
                         GError **error);
gboolean container_delete (const ContainerGlobals *g, const char *id, gboolean force,
                           GError **error);
char *container_state (const ContainerGlobals *g, const char *id, GError **error);
/* format: "table" or "json". */
gboolean container_list (const ContainerGlobals *g, const char *format, gboolean quiet,
                         GError **error);

/* Wait for a process of a container in the foreground: signals forwarded (they must be
 * blocked already), the pty relayed to our terminal when pty_master >= 0. Returns its exit
 * status (128+N for a signal), or -1 with error set. */
int container_wait_foreground (int pidfd, int pty_master, GError **error);
/* The signals a foreground run or exec forwards; block them before the clone. */
void container_block_forwarded (sigset_t *old);

/* --preserve-fds N: N >= 0 and fds 3..3+N-1 open (a hole would be filled by warren's own). */
gboolean container_check_preserve_fds (int preserve_fds, GError **error);
/* An O_PATH fd of the host's /proc, checked to be procfs. */
int container_open_host_proc (GError **error);
/* --pid-file, written atomically. */
gboolean container_write_pid_file (const char *path, pid_t pid, GError **error);

/* "KILL", "SIGKILL", "kill" or "9". */
gboolean container_parse_signal (const char *text, int *out_signal, GError **error);
