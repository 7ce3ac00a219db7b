/* wr-clone: a fork-like clone that returns a pidfd: clone3, or clone when clone3 is missing
 * (old kernels, valgrind, seccomp profiles that answer ENOSYS so callers fall back). */
#pragma once

#include <glib.h>

/* flags: CLONE_* (namespaces, CLONE_PARENT); CLONE_PIDFD is added. exit_signal must be 0
 * with CLONE_PARENT. Returns 0 in the child, the pid in the parent with *pidfd set, or -1
 * with errno. */
long wr_clone_pidfd (guint64 flags, int exit_signal, int *pidfd);
/* The pid a pidfd names, in our pid namespace (from its fdinfo); -1 when unknown. */
int wr_pidfd_pid (int pidfd);
