/* wr_clone_pidfd: a pidfd from clone3, and from clone when clone3 answers ENOSYS (as under
 * seccomp profiles that make callers fall back). */
#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "wr-clone.h"

/* Clone a child that exits 42; check the pidfd names it. Returns 0 when all is well. */
static int
clone_and_wait (void)
{
  int pidfd = -1;
  long pid = wr_clone_pidfd (0, SIGCHLD, &pidfd);
  siginfo_t info = { 0 };

  if (pid == 0)
    _exit (42);
  if (pid < 0 || pidfd < 0)
    return 1;
  if (waitid (P_PIDFD, (id_t) pidfd, &info, WEXITED) < 0)
    return 2;
  if (info.si_pid != pid || info.si_code != CLD_EXITED || info.si_status != 42)
    return 3;
  return 0;
}

static void
test_clone3 (void)
{
  g_assert_cmpint (clone_and_wait (), ==, 0);
}

static void
test_clone_fallback (void)
{
  /* In a child, so the filter stays there. */
  pid_t child = fork ();
  int status = 0;

  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
      long probe;
      if (ctx == NULL || prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
          || seccomp_rule_add (ctx, SCMP_ACT_ERRNO (ENOSYS), SCMP_SYS (clone3), 0) < 0
          || seccomp_load (ctx) < 0)
        _exit (10);
      /* The filter works: clone3 itself now fails with ENOSYS. */
      probe = syscall (SYS_clone3, NULL, 0);
      if (probe != -1 || errno != ENOSYS)
        _exit (11);
      _exit (clone_and_wait ());
    }
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/clone/clone3", test_clone3);
  g_test_add_func ("/clone/fallback-when-clone3-is-enosys", test_clone_fallback);
  return g_test_run ();
}
