/* sandbox: what the helper and its companion give up once set up: the helper its view of the
 * host's file system (sandbox-fs.h), both no_new_privs, every capability (all sets and the
 * bounding set), and a seccomp allow-list. A syscall that could
 * leave the sandbox or change the system (execve, ptrace, mount, setns, unshare, module and
 * kexec loading, bpf, keyrings, ...) kills the process; any other syscall not on the list
 * fails with EPERM. What each process needs is decided here, not by its callers. */
#pragma once

#include <glib.h>

typedef enum
{
  SANDBOX_HELPER,    /* the daemon: libslirp, the tap, splice, its run dir */
  SANDBOX_COMPANION, /* connect and pass fds, nothing else */
} SandboxRole;

gboolean sandbox_enter (SandboxRole role, GError **error);
