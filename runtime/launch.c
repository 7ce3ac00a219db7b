#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "log.h"
#include "sync.h"
#include "userns.h"
#include "wr-error.h"
#include "wr-glib-compat.h"

void
launch_clear (LaunchedInit *init)
{
  g_clear_fd (&init->pidfd, NULL);
  g_clear_fd (&init->sync_fd, NULL);
  g_clear_fd (&init->pty_master, NULL);
}

void
launch_abort (LaunchedInit *init)
{
  if (init->pid > 0)
    {
      if (init->pidfd >= 0)
        (void) syscall (SYS_pidfd_send_signal, init->pidfd, SIGKILL, NULL, 0);
      else
        (void) kill (init->pid, SIGKILL);
      while (waitpid (init->pid, NULL, 0) < 0 && errno == EINTR)
        ;
      init->pid = -1;
    }
  launch_clear (init);
}

/* Joining a pid namespace changes where our *children* go, so the parent joins it just for
 * the clone and goes back to its own right after. */
static int
enter_pid_namespace (const char *path, GError **error)
{
  g_autofd int own = open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  g_autofd int target = open (path, O_RDONLY | O_CLOEXEC);

  if (own < 0)
    return wr_throw_errno (error, "open /proc/self/ns/pid"), -1;
  if (target < 0)
    return wr_throw_errno (error, "linux.namespaces: open pid namespace %s", path), -1;
  if (setns (target, CLONE_NEWPID) < 0)
    return wr_throw_errno (error, "linux.namespaces: join pid namespace %s", path), -1;
  return g_steal_fd (&own);
}

static guint64
clone_flags (const WarrenSpec *spec)
{
  const SpecNamespace *ns = spec->namespaces;
  guint64 flags = 0;
  gboolean user_joined = ns[SPEC_NS_USER].enabled && ns[SPEC_NS_USER].path != NULL;

  for (int t = 0; t < SPEC_NS_COUNT; t++)
    {
      if (!ns[t].enabled || ns[t].path != NULL || t == SPEC_NS_TIME)
        continue;
      /* With a joined user namespace the others are made after joining it (init.c), so that
       * namespace owns them; only pid must come from clone. */
      if (user_joined && t != SPEC_NS_PID)
        continue;
      flags |= (guint64) spec_namespace_clone_flag (t);
    }
  return flags;
}

gboolean
launch_init (const LaunchConfig *config, LaunchedInit *out, GError **error)
{
  const WarrenSpec *spec = config->spec;
  gboolean new_user = spec->namespaces[SPEC_NS_USER].enabled
                      && spec->namespaces[SPEC_NS_USER].path == NULL;
  g_autofd int own_pidns = -1;
  int pair[2];
  int pidfd = -1;
  struct clone_args args = { 0 };
  long pid;
  SyncMsg msg;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return wr_throw_errno (error, "socketpair");
  if (spec->namespaces[SPEC_NS_PID].enabled && spec->namespaces[SPEC_NS_PID].path != NULL)
    {
      own_pidns = enter_pid_namespace (spec->namespaces[SPEC_NS_PID].path, error);
      if (own_pidns < 0)
        {
          (void) close (pair[0]);
          (void) close (pair[1]);
          return FALSE;
        }
    }

  args.flags = clone_flags (spec) | CLONE_PIDFD;
  args.pidfd = (guint64) (uintptr_t) &pidfd;
  args.exit_signal = SIGCHLD;
  /* A clone without a new stack behaves like fork: the init is a copy of this process, so no
   * re-exec of warren is needed (crun does the same; runc re-execs itself). */
  pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid == 0)
    {
      (void) close (pair[0]);
      init_main (config, pair[1]);
    }
  if (own_pidns >= 0 && setns (own_pidns, CLONE_NEWPID) < 0 && pid > 0)
    {
      /* Our later children would land in the container: better to fail this create. */
      wr_throw_errno (error, "return to our own pid namespace");
      (void) syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
      (void) waitpid ((pid_t) pid, NULL, 0);
      (void) close (pidfd);
      (void) close (pair[0]);
      (void) close (pair[1]);
      return FALSE;
    }
  (void) close (pair[1]);
  if (pid < 0)
    {
      (void) close (pair[0]);
      return wr_throw_errno (error, "clone the container init (linux.namespaces)");
    }

  out->pid = (pid_t) pid;
  out->pidfd = pidfd;
  out->sync_fd = pair[0];

  if (new_user)
    {
      if (!userns_write_mappings (out->pid, spec, config->rootless, error)
          || !sync_send (out->sync_fd, SYNC_MAPPED, 0, NULL, error))
        {
          g_prefix_error (error, "linux.uidMappings/gidMappings: ");
          launch_abort (out);
          return FALSE;
        }
      if (log_debug_on ())
        {
          g_autofree char *uids = userns_format_map (spec->uid_mappings, spec->n_uid_mappings);
          g_autofree char *gids = userns_format_map (spec->gid_mappings, spec->n_gid_mappings);
          g_strdelimit (uids, "\n", ',');
          g_strdelimit (gids, "\n", ',');
          log_debug ("user namespace of pid %d mapped: uid %s gid %s", (int) out->pid, uids,
                     gids);
        }
    }

  for (;;)
    {
      int fd = -1;

      if (!sync_recv (out->sync_fd, &msg, &fd, error))
        break;
      if (msg.type == SYNC_PTY && fd >= 0)
        {
          g_clear_fd (&out->pty_master, NULL);
          out->pty_master = fd;
          continue;
        }
      if (fd >= 0)
        (void) close (fd);
      if (msg.type == SYNC_READY)
        return TRUE;
      if (msg.type == SYNC_ERROR)
        wr_throw (error, WARREN_ERROR_INIT, "%s", msg.message);
      else
        wr_throw (error, WARREN_ERROR_INIT, "sync: unexpected message %u", msg.type);
      break;
    }
  launch_abort (out);
  return FALSE;
}

gboolean
launch_commit (LaunchedInit *init, GError **error)
{
  char buf[64];
  ssize_t n;

  if (!sync_send (init->sync_fd, SYNC_COMMIT, 0, NULL, error))
    return FALSE;
  /* The init clears its parent-death signal and then closes its end: only after that EOF may
   * we exit without taking it along. */
  do
    n = recv (init->sync_fd, buf, sizeof buf, 0);
  while (n < 0 && errno == EINTR);
  if (n != 0)
    return wr_throw (error, WARREN_ERROR_INIT, "the container init did not acknowledge commit");
  g_clear_fd (&init->sync_fd, NULL);
  return TRUE;
}
