#include "wr-clone.h"

#include <errno.h>
#include <string.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/sched.h>

long
wr_clone_pidfd (guint64 flags, int exit_signal, int *pidfd)
{
  struct clone_args args = { 0 };
  long pid;

  args.flags = flags | CLONE_PIDFD;
  args.pidfd = (guint64) (uintptr_t) pidfd;
  args.exit_signal = (guint64) exit_signal;
  /* Without a new stack this behaves like fork: the child is a copy of the caller. */
  pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid >= 0 || errno != ENOSYS)
    return pid;
  /* clone(2) on x86_64 and most others: flags, stack, parent_tid (the pidfd), child_tid,
   * tls. The exit signal rides in the low byte of the flags. */
  return syscall (SYS_clone, (unsigned long) (flags | CLONE_PIDFD) | (unsigned) exit_signal,
                  NULL, pidfd, NULL, NULL);
}

int
wr_pidfd_pid (int pidfd)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/fdinfo/%d", pidfd);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, "\nPid:")) == NULL)
    return -1;
  return (int) g_ascii_strtoll (line + 5, NULL, 10);
}
