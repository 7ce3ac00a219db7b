/* exec-trampoline: the container's process is exec'd through a tiny static program in a
 * sealed memfd (runtime/trampoline/), so that during its execve /proc/self/exe is never
 * warren's binary (CVE-2019-5736 class: a "#!/proc/self/exe" or args[0] of /proc/self/exe
 * would otherwise run the host's warren inside the container, where its file could be
 * reopened for writing). What runs is decided by init.c and exec.c. */
#pragma once

#include <glib.h>

/* The sealed, close-on-exec memfd holding the trampoline (no write, grow, shrink or new
 * seals), at an fd number >= min_fd (above the fds passed to the process). -1 with an error
 * on failure; -1 without one where this build has no trampoline (an architecture it was not
 * written for). */
int exec_trampoline_create (int min_fd, GError **error);

/* execve(exe, argv, envp) through the trampoline fd, or directly when fd is -1. Returns only
 * on failure, with errno set. Allocates: call it last. */
void exec_trampoline_execve (int fd, const char *exe, char *const argv[], char *const envp[]);
