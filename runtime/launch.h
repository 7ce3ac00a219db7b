/* launch: cloning the container init and the parent's half of the setup protocol (uid/gid
 * maps, pty hand-over, ready/commit). The init's own steps are init.c; what to do with a
 * launched init (state, start, wait) is container.c. */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "seccomp-filter.h"
#include "spec.h"

typedef struct
{
  const WarrenSpec *spec;
  const char *id;
  const char *bundle;      /* absolute */
  const char *rootfs_path; /* absolute, symlinks resolved */
  gboolean rootless;       /* the caller is not root: maps need newuidmap unless own-id only */
  gboolean binary_writable; /* the caller may write warren's own binary (e.g. ~/bin/warren) */
  gboolean setgroups_allowed; /* decided by the parent: the init's own ids differ inside */
  gboolean no_pivot;
  gboolean no_new_keyring;
  /* SELinux context= for the new filesystems (linux.mountLabel), NULL for none. */
  const char *mount_context;
  int preserve_fds;
  const SeccompFilter *seccomp; /* compiled by the parent; NULL without linux.seccomp */
  /* Opened by the parent before clone; the init inherits them. */
  int rootfs_fd;  /* O_PATH directory of the rootfs */
  int fifo_fd;    /* exec.fifo, O_RDWR: the init blocks reading it until `start` writes */
  int proc_fd;    /* the host's /proc, checked to be procfs */
  int state_fd;   /* the locked state dir; the init closes its copy at once */
  int trampoline_fd; /* sealed memfd the init execs its process through; -1 for none */
  /* Set in the init cloned by the joiner: it is in the user namespace given by path, and
   * its other new namespaces came with its clone. */
  gboolean user_ns_entered;
  /* prestart and createRuntime hooks, run by the parent when the init asks (SYNC_HOOKS);
   * `pid` is the init's pid in warren's pid namespace. */
  gboolean (*runtime_hooks) (pid_t pid, gpointer data, GError **error);
  gpointer hooks_data;
} LaunchConfig;

typedef struct
{
  pid_t pid;
  int pidfd;
  int sync_fd;
  int pty_master; /* -1 unless process.terminal */
  int seccomp_listener; /* -1 unless linux.seccomp has SCMP_ACT_NOTIFY rules */
} LaunchedInit;

#define LAUNCHED_INIT_INIT                                                                    \
  { .pid = -1, .pidfd = -1, .sync_fd = -1, .pty_master = -1, .seccomp_listener = -1 }

/* Clone the init, write its maps, and wait until it is ready to exec (blocked on exec.fifo).
 * On failure the init is killed and reaped. */
gboolean launch_init (const LaunchConfig *config, LaunchedInit *out, GError **error);
/* Tell the init that its state is recorded: it stops dying with its parent. With `start`,
 * it also goes on to its process at once instead of waiting for `start` on exec.fifo. */
gboolean launch_commit (LaunchedInit *init, gboolean start, GError **error);
/* Kill and reap an init whose create failed; closes every fd in `init`. */
void launch_abort (LaunchedInit *init);
void launch_clear (LaunchedInit *init);

/* Runs in the clone; never returns. */
G_GNUC_NORETURN void init_main (const LaunchConfig *config, int sync_fd);
