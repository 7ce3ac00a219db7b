#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <glib-unix.h>

#include "sandbox.h"
#include "wr-error.h"
#include "wr-glib-compat.h"

#define DAEMON_REPLY_MAX 1024

/* Put `fds[i]` back on 0, 1 and 2, and close them. */
static void
restore_stdio (int fds[3])
{
  for (int i = 0; i < 3; i++)
    if (fds[i] >= 0)
      {
        /* Only this process's own error messages depend on it, and it is about to exit: at
         * worst they go to the log instead of the runtime. */
        (void) dup2 (fds[i], i);
        (void) close (fds[i]);
        fds[i] = -1;
      }
}

DaemonSide
daemon_fork (int log_fd, pid_t *out_pid, GError **error)
{
  g_autofd int null_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  int saved[3] = { -1, -1, -1 };
  pid_t pid;
  int errsv;

  if (null_fd < 0)
    return wr_throw_errno (error, "open /dev/null"), DAEMON_FAILED;
  /* The hook's stdin, stdout and stderr are the runtime's pipes, and a runtime may wait for
   * their end of file as well as for our exit (runc does; `warren run ... | cat` would wait
   * too). The daemon must never hold them, not even until it is first scheduled: they are
   * swapped for /dev/null and the log around the fork, and this process gets them back. */
  for (int i = 0; i < 3; i++)
    if ((saved[i] = fcntl (i, F_DUPFD_CLOEXEC, 3)) < 0 && errno != EBADF) /* closed: none */
      {
        wr_throw_errno (error, "save fd %d", i);
        restore_stdio (saved);
        return DAEMON_FAILED;
      }
  if (dup2 (null_fd, STDIN_FILENO) < 0 || dup2 (log_fd, STDOUT_FILENO) < 0
      || dup2 (log_fd, STDERR_FILENO) < 0)
    {
      wr_throw_errno (error, "redirect stdio to the log");
      restore_stdio (saved);
      return DAEMON_FAILED;
    }
  pid = fork ();
  errsv = errno;
  if (pid == 0)
    {
      for (int i = 0; i < 3; i++)
        (void) close (saved[i]); /* the runtime's pipes: ours to drop */
      /* A session of our own, away from the runtime's terminal and its signals. One fork
       * only (it is on the container's start-up path): as a session leader the daemon could
       * get a controlling terminal by opening one, and it opens none. A new child is never a
       * process group leader, which is setsid()'s only failure. */
      if (setsid () < 0)
        _exit (1);
      return DAEMON_IN_CHILD;
    }
  restore_stdio (saved);
  if (pid < 0)
    return wr_throw_errno_value (error, errsv, "fork"), DAEMON_FAILED;
  *out_pid = pid;
  return DAEMON_IN_PARENT;
}

/* Standalone: hand `error` to whoever waits on --ready-fd, and close it. */
static void
daemon_report_failure (int ready_fd, const GError *error)
{
  if (ready_fd < 0)
    return;
  (void) !write (ready_fd, error->message, MIN (strlen (error->message), DAEMON_REPLY_MAX));
  (void) close (ready_fd);
}

typedef struct
{
  GMainLoop *main_loop;
  const char *what;
  int signal; /* the one that stopped us, or 0 */
} DaemonStop;

static int exit_fd = -1;

void
daemon_set_exit_fd (int fd)
{
  exit_fd = fd;
}

static gboolean
on_exit_fd (int fd, GIOCondition cond, gpointer user_data)
{
  DaemonStop *stop = user_data;

  g_message ("stopping: the exit fd is %s", (cond & G_IO_IN) ? "readable" : "closed");
  g_main_loop_quit (stop->main_loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_init_exit (int fd, GIOCondition cond, gpointer user_data)
{
  DaemonStop *stop = user_data;

  g_message ("%s exited", stop->what);
  g_main_loop_quit (stop->main_loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (int fd, GIOCondition cond, gpointer user_data)
{
  DaemonStop *stop = user_data;
  struct signalfd_siginfo info;

  if (read (fd, &info, sizeof info) == sizeof info)
    {
      stop->signal = (int) info.ssi_signo;
      g_message ("stopping on signal %d", stop->signal);
      g_main_loop_quit (stop->main_loop);
    }
  return G_SOURCE_CONTINUE;
}

gboolean
daemon_run (int pidfd, int ready_fd, const char *what, GError **error)
{
  g_autoptr (GMainLoop) main_loop = g_main_loop_new (NULL, FALSE);
  g_autofd int sfd = -1;
  DaemonStop stop = { main_loop, what, 0 };
  sigset_t mask;
  guint pid_watch, signal_watch, exit_watch = 0;

  /* Signals through a signalfd: GLib's own unix signal handling needs a thread. */
  sigemptyset (&mask);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigaddset (&mask, SIGHUP);
  if (sigprocmask (SIG_BLOCK, &mask, NULL) < 0)
    wr_throw_errno (error, "sigprocmask");
  else if ((sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
    wr_throw_errno (error, "signalfd");
  if (sfd < 0)
    {
      daemon_report_failure (ready_fd, *error);
      return FALSE;
    }
  /* Ready: tap0 is configured, every port listens, the daemon has its log. The hook returned
   * at the fork already (daemon_fork()); standalone, --ready-fd hears it here. Either way
   * the container goes on while we sandbox ourselves (7 ms, most of it the mount namespace),
   * which is no longer on its start-up path. Nothing is served before the sandbox
   * is in place: this process has one thread, and the sources (tap, libslirp's sockets,
   * published ports, the API, the companion's answers) are only dispatched by the main loop
   * below, which runs once sandbox_enter() has returned. Until then frames and connections
   * wait in the kernel's queues. A sandbox that fails ends the daemon before it served
   * anything: its ports close and the error is in its log. tests/integration/netns.bats
   * checks the order of these system calls under strace. */
  if (ready_fd >= 0)
    {
      if (write (ready_fd, DAEMON_READY, 1) != 1)
        g_warning ("tell the hook we are ready: %s", g_strerror (errno));
      (void) close (ready_fd);
    }
  if (!sandbox_enter (SANDBOX_HELPER, error))
    return g_prefix_error (error, "%s: ", what), FALSE;
  /* A peer closing a forwarded connection must not kill us. */
  (void) signal (SIGPIPE, SIG_IGN);

  pid_watch = g_unix_fd_add (pidfd, G_IO_IN, on_init_exit, &stop);
  signal_watch = g_unix_fd_add (sfd, G_IO_IN, on_signal, &stop);
  if (exit_fd >= 0)
    exit_watch = g_unix_fd_add (exit_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_exit_fd, &stop);
  /* Only now: the first message loads the time zone and charset tables, which is not
   * worth delaying the container for. */
  g_message ("%s: network up", what);
  g_main_loop_run (main_loop);
  if (exit_watch != 0)
    g_source_remove (exit_watch);
  g_source_remove (signal_watch);
  g_source_remove (pid_watch);
  return TRUE;
}
