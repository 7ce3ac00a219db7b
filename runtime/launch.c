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
#include "stop-point.h"
#include "sync.h"
#include "userns.h"
#include "wr-clone.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"
#include "wr-prefault.h"

void
launch_clear (LaunchedInit *init)
{
  g_clear_fd (&init->pidfd, NULL);
  g_clear_fd (&init->sync_fd, NULL);
  g_clear_fd (&init->pty_master, NULL);
  g_clear_fd (&init->seccomp_listener, NULL);
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

  /* A time namespace is made by the init (it applies to children; see init.c). */
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    if (ns[t].enabled && ns[t].path == NULL && t != SPEC_NS_TIME)
      flags |= (guint64) spec_namespace_clone_flag (t);
  return flags;
}

/* The joiner: for a user namespace given by path. The namespaces the container creates must
 * belong to that user namespace, and an unprivileged caller may only create them from inside
 * it, so this short-lived child joins it and clones the init from there. CLONE_PARENT makes
 * the init warren's child all the same; the joiner sends its pidfd and exits. */
static G_GNUC_NORETURN void
joiner_main (const LaunchConfig *config, int sync_fd, guint64 flags)
{
  const char *path = config->spec->namespaces[SPEC_NS_USER].path;
  g_autoptr (GError) error = NULL;
  LaunchConfig inner = *config;
  g_autofd int userns = open (path, O_RDONLY | O_CLOEXEC);
  int pidfd = -1;
  long pid;

  if (userns < 0 || setns (userns, CLONE_NEWUSER) < 0)
    {
      wr_throw_errno (&error, "linux.namespaces: join user namespace %s", path);
      goto fail;
    }
  inner.user_ns_entered = TRUE;
  /* The joined namespace decides whether setgroups is allowed, not our config. */
  {
    g_autofree char *setgroups
        = wr_read_file_at (config->proc_fd, "self/setgroups", 64, NULL, NULL);
    inner.setgroups_allowed = setgroups == NULL || g_str_has_prefix (setgroups, "allow");
  }
  /* With CLONE_PARENT, clone3 wants exit_signal 0; the init gets ours, SIGCHLD. */
  pid = wr_clone_pidfd (flags | CLONE_PARENT, 0, &pidfd);
  if (pid == 0)
    init_main (&inner, sync_fd);
  if (pid < 0)
    {
      wr_throw_errno (&error, "clone the container init (linux.namespaces)");
      goto fail;
    }
  if (!sync_send_fd (sync_fd, SYNC_PIDFD, pidfd, &error))
    {
      (void) syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
      goto fail;
    }
  _exit (0);
fail:
  (void) sync_send (sync_fd, SYNC_ERROR, 0, error->message, NULL);
  _exit (1);
}

static void
take_pidfd (LaunchedInit *out, int pidfd)
{
  g_clear_fd (&out->pidfd, NULL);
  out->pidfd = pidfd;
  out->pid = (pid_t) wr_pidfd_pid (pidfd);
}

/* A joiner that exited successfully has sent the init's pidfd: find it among the queued
 * messages, so that a failed create can kill and reap that init. */
static void
await_pidfd (LaunchedInit *out)
{
  SyncMsg msg;

  for (;;)
    {
      int fd = -1;

      if (!sync_recv (out->sync_fd, &msg, &fd, NULL))
        return;
      if (msg.type == SYNC_PIDFD && fd >= 0)
        {
          take_pidfd (out, fd);
          return;
        }
      if (fd >= 0)
        (void) close (fd);
    }
}

/* Clone the joiner and wait for it; the init's pidfd arrives later as SYNC_PIDFD. */
static gboolean
launch_through_joiner (const LaunchConfig *config, int pair[2], gboolean *joiner_ok,
                       GError **error)
{
  int status = 0;
  pid_t joiner = fork ();

  if (joiner == 0)
    {
      (void) close (pair[0]);
      joiner_main (config, pair[1], clone_flags (config->spec));
    }
  if (joiner < 0)
    return wr_throw_errno (error, "fork to join the user namespace");
  while (waitpid (joiner, &status, 0) < 0)
    if (errno != EINTR)
      return wr_throw_errno (error, "wait for the user namespace joiner");
  *joiner_ok = WIFEXITED (status) && WEXITSTATUS (status) == 0;
  return TRUE;
}

gboolean
launch_init (const LaunchConfig *config, LaunchedInit *out, GError **error)
{
  const WarrenSpec *spec = config->spec;
  gboolean new_user = spec->namespaces[SPEC_NS_USER].enabled
                      && spec->namespaces[SPEC_NS_USER].path == NULL;
  gboolean user_joined = spec->namespaces[SPEC_NS_USER].enabled
                         && spec->namespaces[SPEC_NS_USER].path != NULL;
  gboolean joiner_ok = FALSE;
  gboolean ok = TRUE;
  g_autofd int own_pidns = -1;
  int pair[2];
  int pidfd = -1;
  long pid;
  gboolean ready = FALSE;
  SyncMsg msg;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return wr_throw_errno (error, "socketpair");
  wr_prefault_text_prepare ();
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

  if (user_joined)
    {
      ok = launch_through_joiner (config, pair, &joiner_ok, error);
      pid = 0;
    }
  else
    {
      /* Like fork: the init is a copy of this process, so no re-exec of warren is needed
       * (crun does the same; runc re-execs itself). */
      pid = wr_clone_pidfd (clone_flags (spec), SIGCHLD, &pidfd);
      if (pid == 0)
        {
          (void) close (pair[0]);
          init_main (config, pair[1]);
        }
      if (pid < 0)
        ok = wr_throw_errno (error, "clone the container init (linux.namespaces)");
      else
        {
          /* The kernel may queue a new task on its parent's CPU (it does on the 2-CPU VMs
           * warren is measured on), where the init would wait until we block: let it start
           * its setup now, while we do our part. */
          (void) sched_yield ();
          wr_prefault_unshare (); /* as the init does: one call, not a fault per page */
        }
    }
  (void) close (pair[1]);
  out->sync_fd = pair[0];
  if (pid > 0)
    {
      out->pid = (pid_t) pid;
      out->pidfd = pidfd;
    }
  if (own_pidns >= 0 && setns (own_pidns, CLONE_NEWPID) < 0 && ok)
    {
      /* Our later children would land in the container: better to fail this create. */
      ok = wr_throw_errno (error, "return to our own pid namespace");
      /* A joiner's init is still on its way: its pidfd is in the socket. */
      if (user_joined && joiner_ok)
        await_pidfd (out);
    }
  if (!ok)
    {
      launch_abort (out);
      return FALSE;
    }
  stop_point ("cloned");

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
      stop_point ("mapped");
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
      if (msg.type == SYNC_SECCOMP && fd >= 0)
        {
          g_clear_fd (&out->seccomp_listener, NULL);
          out->seccomp_listener = fd;
          continue;
        }
      if (msg.type == SYNC_PIDFD && fd >= 0)
        {
          take_pidfd (out, fd);
          if (ready)
            return TRUE;
          continue;
        }
      if (fd >= 0)
        (void) close (fd);
      if (msg.type == SYNC_HOOKS)
        {
          /* The init waits for our answer, so only the joiner's pidfd can still be queued
           * ahead of anything it sends next. */
          if (user_joined && out->pidfd < 0)
            await_pidfd (out);
          if (out->pid <= 0)
            {
              wr_throw (error, WARREN_ERROR_INIT, "sync: hooks requested before the init's pid");
              break;
            }
          stop_point ("hooks");
          if (config->runtime_hooks != NULL
              && !config->runtime_hooks (out->pid, config->hooks_data, error))
            break;
          if (!sync_send (out->sync_fd, SYNC_HOOKS_DONE, (gint32) out->pid, NULL, error))
            break;
          continue;
        }
      if (msg.type == SYNC_READY)
        {
          /* Through a joiner, the init may be ready before the joiner's message is read. */
          if (out->pidfd >= 0)
            return TRUE;
          ready = TRUE;
          continue;
        }
      if (msg.type == SYNC_ERROR)
        wr_throw (error, WARREN_ERROR_INIT, "%s", msg.message);
      else
        wr_throw (error, WARREN_ERROR_INIT, "sync: unexpected message %u", msg.type);
      break;
    }
  if (user_joined && joiner_ok && out->pidfd < 0)
    await_pidfd (out);
  launch_abort (out);
  return FALSE;
}

gboolean
launch_commit (LaunchedInit *init, gboolean start, GError **error)
{
  char buf[64];
  ssize_t n;

  if (!sync_send (init->sync_fd, SYNC_COMMIT, start ? 1 : 0, NULL, error))
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
