#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "log.h"
#include "wr-clone.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

/* How much of a hook's output is kept for the error message. */
#define HOOK_OUTPUT_MAX 4096

static G_GNUC_NORETURN void
hook_child (const SpecHook *hook, int state_fd, int out_fd)
{
  sigset_t none;
  char line[512];
  int len;

  /* A fresh process's signal state: `run` blocks signals for its signalfd. */
  sigemptyset (&none);
  (void) sigprocmask (SIG_SETMASK, &none, NULL);
  (void) signal (SIGPIPE, SIG_DFL);
  if (dup2 (state_fd, STDIN_FILENO) < 0 || dup2 (out_fd, STDOUT_FILENO) < 0
      || dup2 (out_fd, STDERR_FILENO) < 0)
    _exit (126);
  /* Only stdio, as runc's hooks get: no fd that warren's caller leaked to it, nor the
   * --preserve-fds meant for the container, reaches a hook (or a daemon it leaves behind). */
  if (close_range (3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    for (long fd = 3, max = sysconf (_SC_OPEN_MAX); fd < max; fd++)
      (void) fcntl ((int) fd, F_SETFD, FD_CLOEXEC);
  execve (hook->path, hook->args, hook->env);
  len = g_snprintf (line, sizeof line, "exec: %s", g_strerror (errno));
  (void) !write (STDERR_FILENO, line, (size_t) MIN (len, (int) sizeof line - 1));
  _exit (127);
}

/* The state JSON as a memfd at offset 0: a hook that never reads stdin cannot block us. */
static int
state_memfd (const char *state_json, GError **error)
{
  g_autofd int fd = memfd_create ("warren-hook-state", MFD_CLOEXEC);

  if (fd < 0)
    return wr_throw_errno (error, "memfd_create"), -1;
  if (!wr_write_all (fd, state_json, strlen (state_json), error))
    return -1;
  if (lseek (fd, 0, SEEK_SET) < 0)
    return wr_throw_errno (error, "lseek"), -1;
  return g_steal_fd (&fd);
}

static void
keep_output (GString *out, int fd)
{
  char buf[4096];
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) > 0)
    if (out->len < HOOK_OUTPUT_MAX)
      g_string_append_len (out, buf, MIN ((gsize) n, HOOK_OUTPUT_MAX - out->len));
}

static gboolean
run_one (const SpecHook *hook, const char *what, const char *state_json, GError **error)
{
  g_autofd int state_fd = state_memfd (state_json, error);
  g_autofd int pidfd = -1;
  g_autoptr (GString) output = g_string_new (NULL);
  gint64 deadline = hook->timeout > 0 ? g_get_monotonic_time () + hook->timeout * G_USEC_PER_SEC
                                      : 0;
  int pipe_fds[2];
  siginfo_t info = { 0 };
  long pid;
  int pid_fd = -1;

  if (state_fd < 0)
    return g_prefix_error (error, "%s: ", what), FALSE;
  if (pipe2 (pipe_fds, O_CLOEXEC | O_NONBLOCK) < 0)
    return wr_throw_errno (error, "%s: pipe", what);
  pid = wr_clone_pidfd (0, SIGCHLD, &pid_fd);
  if (pid == 0)
    {
      /* The child's end must block like any stdout. */
      int flags = fcntl (pipe_fds[1], F_GETFL);
      (void) fcntl (pipe_fds[1], F_SETFL, flags & ~O_NONBLOCK);
      hook_child (hook, state_fd, pipe_fds[1]);
    }
  (void) close (pipe_fds[1]);
  if (pid < 0)
    {
      (void) close (pipe_fds[0]);
      return wr_throw_errno (error, "%s: start %s", what, hook->path);
    }
  pidfd = pid_fd;

  for (;;)
    {
      struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN },
                             { .fd = pipe_fds[0], .events = POLLIN } };
      int timeout_ms = -1;
      int r;

      if (deadline != 0)
        timeout_ms = (int) MAX (0, (deadline - g_get_monotonic_time ()) / 1000);
      r = poll (p, p[1].fd >= 0 ? 2 : 1, timeout_ms);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          wr_throw_errno (error, "%s: wait for %s", what, hook->path);
          (void) syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
          break;
        }
      if (r == 0)
        {
          (void) syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
          wr_throw (error, WARREN_ERROR_FAILED, "%s: %s timed out after %d s", what, hook->path,
                    hook->timeout);
          break;
        }
      if (p[1].revents != 0)
        {
          keep_output (output, pipe_fds[0]);
          if ((p[1].revents & (POLLHUP | POLLERR)) != 0 && (p[1].revents & POLLIN) == 0)
            {
              /* Every writer is gone; only the exit is left to wait for. */
              (void) close (pipe_fds[0]);
              pipe_fds[0] = -1;
            }
        }
      if (p[0].revents != 0)
        {
          /* The hook exited: take what it wrote, and stop reading even if a child of its
           * still holds the pipe. */
          if (pipe_fds[0] >= 0)
            keep_output (output, pipe_fds[0]);
          break;
        }
    }
  if (pipe_fds[0] >= 0)
    (void) close (pipe_fds[0]);
  while (waitid (P_PIDFD, (id_t) pidfd, &info, WEXITED) < 0)
    if (errno != EINTR)
      return error != NULL && *error != NULL ? FALSE
                                             : wr_throw_errno (error, "%s: wait", what);
  if (error != NULL && *error != NULL)
    return FALSE;

  g_strchomp (output->str);
  output->len = strlen (output->str);
  if (info.si_code == CLD_EXITED && info.si_status == 0)
    {
      if (output->len > 0)
        log_debug ("%s: %s", what, output->str);
      return TRUE;
    }
  if (info.si_code == CLD_EXITED)
    return wr_throw (error, WARREN_ERROR_FAILED, "%s: %s exited with status %d%s%s", what,
                     hook->path, info.si_status, output->len > 0 ? ": " : "", output->str);
  return wr_throw (error, WARREN_ERROR_FAILED, "%s: %s was killed by signal %d%s%s", what,
                   hook->path, info.si_status, output->len > 0 ? ": " : "", output->str);
}

gboolean
hooks_run (const SpecHooks *hooks, SpecHookStage stage, const char *state_json, GError **error)
{
  const SpecHookList *list = &hooks->stages[stage];

  for (guint i = 0; i < list->n; i++)
    {
      g_autofree char *what
          = g_strdup_printf ("hooks.%s[%u]", spec_hook_stage_name (stage), i);
      if (!run_one (&list->hooks[i], what, state_json, error))
        return FALSE;
    }
  return TRUE;
}

void
hooks_run_warn (const SpecHooks *hooks, SpecHookStage stage, const char *state_json)
{
  const SpecHookList *list = &hooks->stages[stage];

  for (guint i = 0; i < list->n; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *what
          = g_strdup_printf ("hooks.%s[%u]", spec_hook_stage_name (stage), i);
      if (!run_one (&list->hooks[i], what, state_json, &error))
        log_warning ("%s", error->message);
    }
}
