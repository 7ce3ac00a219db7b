/* The exec trampoline: sealed against every change, refuses to run on its own, and runs what
 * warren asks for. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec-trampoline.h"
#include "wr-glib-compat.h"

static int
create (void)
{
  g_autoptr (GError) error = NULL;
  int fd = exec_trampoline_create (10, &error);

  g_assert_no_error (error);
  if (fd < 0)
    g_test_skip ("no trampoline on this architecture");
  return fd;
}

static void
test_sealed (void)
{
  g_autofd int fd = create ();
  g_autofd int rw = -1;
  g_autofree char *path = NULL;

  if (fd < 0)
    return;
  g_assert_cmpint (fd, >=, 10);
  g_assert_cmpint (fcntl (fd, F_GET_SEALS), ==,
                   F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
  g_assert_cmpint (write (fd, "x", 1), ==, -1);
  g_assert_cmpint (errno, ==, EPERM);
  /* Reopened for writing through /proc (what an attacker holding /proc/PID/exe would do):
   * the open may succeed, no write or truncation does. */
  path = g_strdup_printf ("/proc/self/fd/%d", fd);
  rw = open (path, O_RDWR | O_CLOEXEC);
  if (rw >= 0)
    {
      g_assert_cmpint (pwrite (rw, "x", 1, 0), ==, -1);
      g_assert_cmpint (errno, ==, EPERM);
      g_assert_cmpint (ftruncate (rw, 0), ==, -1);
    }
  g_assert_cmpint (fcntl (fd, F_ADD_SEALS, 0), ==, -1);
}

static int
run_through (int fd, const char *exe, char *const argv[])
{
  char *const env[] = { NULL };
  int status = 0;
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      exec_trampoline_execve (fd, exe, argv, env);
      _exit (99);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_runs_and_refuses (void)
{
  g_autofd int fd = create ();
  char *const false_argv[] = { (char *) "false", NULL };
  char *const true_argv[] = { (char *) "true", NULL };
  g_autofree char *self = NULL;

  if (fd < 0)
    return;
  g_assert_cmpint (run_through (fd, "/bin/true", true_argv), ==, 0);
  g_assert_cmpint (run_through (fd, "/bin/false", false_argv), ==, 1);
  g_assert_cmpint (run_through (fd, "/nonexistent", true_argv), ==, 127);
  /* Run on its own, as a "#!" naming it would: it refuses. */
  self = g_strdup_printf ("/proc/self/fd/%d", fd);
  {
    char *const argv[] = { self, (char *) "/bin/true", NULL };
    g_assert_cmpint (run_through (-1, self, argv), ==, 126);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trampoline/sealed", test_sealed);
  g_test_add_func ("/trampoline/runs-and-refuses", test_runs_and_refuses);
  return g_test_run ();
}
