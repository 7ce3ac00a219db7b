#include "sandbox.h"

#include <errno.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "sandbox-fs.h"
#include "wr-autocleanups.h"
#include "wr-error.h"

/* Anything that leaves the sandbox or reaches beyond the process: killed outright, so that
 * an exploit gets no second try. */
static const char *const killed[] = {
  "execve",
  "execveat",
  "ptrace",
  "process_vm_readv",
  "process_vm_writev",
  "mount",
  "umount2",
  "pivot_root",
  "chroot",
  "setns",
  "unshare",
  "fsopen",
  "fsconfig",
  "fsmount",
  "move_mount",
  "open_tree",
  "mount_setattr",
  "init_module",
  "finit_module",
  "delete_module",
  "kexec_load",
  "kexec_file_load",
  "bpf",
  "perf_event_open",
  "userfaultfd",
  "keyctl",
  "add_key",
  "request_key",
  "open_by_handle_at",
  "name_to_handle_at",
  "personality",
  "setuid",
  "setgid",
  "setreuid",
  "setregid",
  "setresuid",
  "setresgid",
  "setgroups",
  "capset",
  "iopl",
  "ioperm",
  "swapon",
  "swapoff",
  "reboot",
  "settimeofday",
  "clock_settime",
  "adjtimex",
  "clock_adjtime",
  "acct",
  "quotactl",
  "syslog",
  "vhangup",
  "lookup_dcookie",
  NULL,
};

/* What both need: memory, time, signals, exit, fd housekeeping, sockets. */
static const char *const common[] = {
  "read",
  "write",
  "readv",
  "writev",
  "close",
  "fcntl",
  "fstat",
  "newfstatat",
  "statx",
  "lseek",
  "brk",
  "mmap",
  "munmap",
  "mremap",
  "mprotect",
  "madvise",
  "futex",
  "getpid",
  "gettid",
  "getuid",
  "geteuid",
  "getgid",
  "getegid",
  "clock_gettime",
  "clock_getres",
  "gettimeofday",
  "clock_nanosleep",
  "nanosleep",
  "rt_sigprocmask",
  "rt_sigreturn",
  "rt_sigaction",
  "restart_syscall",
  "exit",
  "exit_group",
  "getrandom",
  "sched_yield",
  "socket",
  "connect",
  "setsockopt",
  "getsockopt",
  "getsockname",
  "getpeername",
  "sendto",
  "recvfrom",
  "sendmsg",
  "recvmsg",
  "shutdown",
  "ioctl",
  "uname",
  "sysinfo",
  NULL,
};

/* The daemon: its main loop, libslirp's sockets and resolv.conf, splice, the run dir. */
static const char *const helper[] = {
  "poll",
  "ppoll",
  "epoll_create1",
  "epoll_ctl",
  "epoll_wait",
  "epoll_pwait",
  "eventfd2",
  "bind",
  "listen",
  "accept",
  "accept4",
  "splice",
  "pipe2",
  "openat",
  "unlinkat",
  "rmdir",
  "renameat",
  "renameat2",
  "dup",
  "dup3",
  "prlimit64",
  "getrlimit",
  "access",
  "faccessat",
  "faccessat2",
  "readlink",
  "readlinkat",
  "getdents64",
  "pread64",
  "umask",
  "pidfd_send_signal",
  NULL,
};

static gboolean
add_rules (scmp_filter_ctx ctx, const char *const *names, uint32_t action, GError **error)
{
  for (gsize i = 0; names[i] != NULL; i++)
    {
      int nr = seccomp_syscall_resolve_name (names[i]);
      int r;
      if (nr == __NR_SCMP_ERROR)
        continue; /* not on this architecture */
      r = seccomp_rule_add (ctx, action, nr, 0);
      if (r < 0)
        return wr_throw_errno_value (error, -r, "seccomp: rule for %s", names[i]);
    }
  return TRUE;
}

static gboolean
drop_capabilities (GError **error)
{
  g_auto (WrCap) none = cap_init ();

  /* The bounding set first: dropping from it needs CAP_SETPCAP, which goes next. Without it
   * (an ordinary user) there is nothing in the effective set to drop anyway. */
  for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
    if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL && errno != EPERM)
      return wr_throw_errno (error, "drop capability %d from the bounding set", cap);
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return wr_throw_errno (error, "clear the ambient capabilities");
  if (none == NULL || cap_set_proc (none) < 0)
    return wr_throw_errno (error, "drop every capability");
  return TRUE;
}

gboolean
sandbox_enter (SandboxRole role, GError **error)
{
  scmp_filter_ctx ctx;
  gboolean ok;
  int r;

  /* First, while the capabilities that make a mount namespace are still there (rootless: in
   * the user namespace it makes for that). */
  if (role == SANDBOX_HELPER && !sandbox_fs_enter (error))
    return g_prefix_error (error, "sandbox: "), FALSE;
  if (!drop_capabilities (error))
    return FALSE;
  /* Also what lets an unprivileged process load a filter. */
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return wr_throw_errno (error, "set no_new_privs");
  ctx = seccomp_init (SCMP_ACT_ERRNO (EPERM));
  if (ctx == NULL)
    return wr_throw (error, WARREN_ERROR_FAILED, "seccomp_init failed");
  ok = add_rules (ctx, killed, SCMP_ACT_KILL_PROCESS, error)
       && add_rules (ctx, common, SCMP_ACT_ALLOW, error)
       && (role != SANDBOX_HELPER || add_rules (ctx, helper, SCMP_ACT_ALLOW, error));
  if (ok && (r = seccomp_load (ctx)) < 0)
    ok = wr_throw_errno_value (error, -r, "load the seccomp filter");
  seccomp_release (ctx);
  return ok;
}
