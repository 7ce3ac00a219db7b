/* spec-default-seccomp: the seccomp profile that `warren spec` writes. It blocks what Docker's
 * and podman's default profiles block for a container with the default capabilities (no
 * CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_SYS_MODULE, ...): an allow list, with everything it
 * does not name failing with ENOSYS, so that a program built for a newer kernel falls back to
 * older syscalls as it would on an older kernel. The list is data written for warren from
 * the kernel's syscall tables, not copied from either profile. */
#include "spec-default.h"

#include <errno.h>

/* Every syscall of the kernel's tables (x86_64, i386, x32, and the few that only arm, aarch64
 * and riscv have) except the blocked ones below, the three with conditions, and syscalls
 * the kernel no longer implements. Names this libseccomp does not know are skipped when the
 * filter is built. */
static const char *const allowed[] = {
  "_llseek", "_newselect", "accept", "accept4", "access", "adjtimex", "alarm", "arch_prctl",
  "arm_fadvise64_64", "arm_sync_file_range", "bind", "breakpoint", "brk", "cacheflush",
  "cachestat", "capget", "capset", "chdir", "chmod", "chown", "chown32", "clock_getres",
  "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
  "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
  "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
  "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat",
  "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
  "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat",
  "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr",
  "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
  "ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait", "futex_waitv",
  "futex_wake", "futimesat", "get_robust_list", "get_thread_area", "getcpu", "getcwd",
  "getdents", "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32",
  "getgroups", "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid",
  "getppid", "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32",
  "getrlimit", "getrusage", "getsid", "getsockname", "getsockopt", "gettid", "gettimeofday",
  "getuid", "getuid32", "getxattr", "getxattrat", "inotify_add_watch", "inotify_init",
  "inotify_init1", "inotify_rm_watch", "io_cancel", "io_destroy", "io_getevents",
  "io_pgetevents", "io_pgetevents_time64", "io_setup", "io_submit", "ioctl", "ioprio_get",
  "ioprio_set", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
  "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat", "listen",
  "listxattr", "listxattrat", "llistxattr", "lremovexattr", "lseek", "lsetxattr",
  "lsm_get_self_attr", "lsm_list_modules", "lstat", "lstat64", "madvise", "map_shadow_stack",
  "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod",
  "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "modify_ldt", "mprotect",
  "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
  "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "mseal", "msgctl", "msgget",
  "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap", "nanosleep", "newfstatat",
  "nice", "oldfstat", "oldlstat", "oldolduname", "oldstat", "olduname", "open", "openat",
  "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc",
  "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv",
  "preadv2", "prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64",
  "pwritev", "pwritev2", "read", "readahead", "readdir", "readlink", "readlinkat", "readv",
  "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr",
  "removexattrat", "rename", "renameat", "renameat2", "restart_syscall", "riscv_flush_icache",
  "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
  "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
  "rt_tgsigqueueinfo", "sched_get_priority_max", "sched_get_priority_min", "sched_getaffinity",
  "sched_getattr", "sched_getparam", "sched_getscheduler", "sched_rr_get_interval",
  "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam",
  "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop",
  "semtimedop", "semtimedop_time64", "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto",
  "set_robust_list", "set_thread_area", "set_tid_address", "set_tls", "setdomainname",
  "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups",
  "setgroups32", "sethostname", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
  "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
  "setsid", "setsockopt", "setuid", "setuid32", "setxattr", "setxattrat", "sgetmask", "shmat",
  "shmctl", "shmdt", "shmget", "shutdown", "sigaction", "sigaltstack", "signal", "signalfd",
  "signalfd4", "sigpending", "sigprocmask", "sigreturn", "sigsuspend", "socket", "socketcall",
  "socketpair", "splice", "ssetmask", "stat", "stat64", "statfs", "statfs64", "statx", "symlink",
  "symlinkat", "sync", "sync_file_range", "sync_file_range2", "syncfs", "sysinfo", "tee",
  "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
  "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
  "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate",
  "truncate64", "ugetrlimit", "ulimit", "umask", "uname", "unlink", "unlinkat", "utime",
  "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid",
  "write", "writev",
  NULL,
};

/* Blocked with EPERM, as a kernel would refuse them for lack of a capability: module and
 * kexec loading, mounts and namespaces, clock setting, tracing other processes, keyrings,
 * bpf, perf, io_uring, NUMA policy, handles that bypass paths (CVE-2014-3519 "shocker"),
 * and the rest of Docker's list of significant blocked syscalls. */
static const char *const blocked[] = {
  "acct", "add_key", "bpf", "chroot", "clock_adjtime", "clock_adjtime64", "clock_settime",
  "clock_settime64", "delete_module", "fanotify_init", "finit_module", "fsconfig", "fsmount",
  "fsopen", "fspick", "get_mempolicy", "init_module", "io_uring_enter", "io_uring_register",
  "io_uring_setup", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl", "mbind",
  "migrate_pages", "mount", "mount_setattr", "move_mount", "move_pages", "name_to_handle_at",
  "open_by_handle_at", "open_tree", "perf_event_open", "pidfd_getfd", "pivot_root",
  "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace", "quotactl",
  "quotactl_fd", "reboot", "request_key", "set_mempolicy", "set_mempolicy_home_node", "setns",
  "settimeofday", "stime", "swapoff", "swapon", "syslog", "umount", "umount2", "unshare",
  "userfaultfd", "vhangup",
  NULL,
};

/* personality(2) domains a container may select: Linux, UNAME26, Linux32, Linux32|UNAME26,
 * and 0xffffffff (query). */
static const guint64 personalities[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

/* clone(2) flags that make namespaces: NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID,
 * NEWNET. */
#define CLONE_NAMESPACE_FLAGS 0x7E020000ULL

static void
add_rule_start (JsonBuilder *b, const char *const *names, const char *action)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "names");
  json_builder_begin_array (b);
  for (gsize i = 0; names[i] != NULL; i++)
    json_builder_add_string_value (b, names[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, action);
}

static void
add_arg (JsonBuilder *b, guint index, guint64 value, guint64 value_two, const char *op)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, index);
  json_builder_set_member_name (b, "value");
  json_builder_add_int_value (b, (gint64) value);
  json_builder_set_member_name (b, "valueTwo");
  json_builder_add_int_value (b, (gint64) value_two);
  json_builder_set_member_name (b, "op");
  json_builder_add_string_value (b, op);
  json_builder_end_object (b);
}

static void
add_architectures (JsonBuilder *b)
{
  json_builder_set_member_name (b, "architectures");
  json_builder_begin_array (b);
#if defined(__x86_64__)
  json_builder_add_string_value (b, "SCMP_ARCH_X86_64");
  json_builder_add_string_value (b, "SCMP_ARCH_X86");
  json_builder_add_string_value (b, "SCMP_ARCH_X32");
#elif defined(__aarch64__)
  json_builder_add_string_value (b, "SCMP_ARCH_AARCH64");
  json_builder_add_string_value (b, "SCMP_ARCH_ARM");
#elif defined(__i386__)
  json_builder_add_string_value (b, "SCMP_ARCH_X86");
#elif defined(__arm__)
  json_builder_add_string_value (b, "SCMP_ARCH_ARM");
#elif defined(__riscv) && __riscv_xlen == 64
  json_builder_add_string_value (b, "SCMP_ARCH_RISCV64");
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  json_builder_add_string_value (b, "SCMP_ARCH_PPC64LE");
#elif defined(__s390x__)
  json_builder_add_string_value (b, "SCMP_ARCH_S390X");
  json_builder_add_string_value (b, "SCMP_ARCH_S390");
#endif
  /* Elsewhere: no list means the native architecture only. */
  json_builder_end_array (b);
}

void
spec_default_add_seccomp (JsonBuilder *b)
{
  static const char *const clone[] = { "clone", NULL };
  static const char *const clone3[] = { "clone3", NULL };
  static const char *const personality[] = { "personality", NULL };
#if defined(__s390__) || defined(__s390x__)
  const guint clone_flags_arg = 1; /* s390 swaps clone's first two arguments */
#else
  const guint clone_flags_arg = 0;
#endif

  json_builder_set_member_name (b, "seccomp");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "defaultAction");
  json_builder_add_string_value (b, "SCMP_ACT_ERRNO");
  json_builder_set_member_name (b, "defaultErrnoRet");
  json_builder_add_int_value (b, ENOSYS);
  add_architectures (b);
  json_builder_set_member_name (b, "syscalls");
  json_builder_begin_array (b);

  add_rule_start (b, allowed, "SCMP_ACT_ALLOW");
  json_builder_end_object (b);

  /* clone without namespace flags; clone3 hides its flags in memory a filter cannot read,
   * so it gets ENOSYS and the C library falls back to clone. */
  add_rule_start (b, clone, "SCMP_ACT_ALLOW");
  json_builder_set_member_name (b, "args");
  json_builder_begin_array (b);
  add_arg (b, clone_flags_arg, CLONE_NAMESPACE_FLAGS, 0, "SCMP_CMP_MASKED_EQ");
  json_builder_end_array (b);
  json_builder_end_object (b);
  add_rule_start (b, clone3, "SCMP_ACT_ERRNO");
  json_builder_set_member_name (b, "errnoRet");
  json_builder_add_int_value (b, ENOSYS);
  json_builder_end_object (b);

  /* Conditions on the same argument are alternatives: any of these domains. */
  add_rule_start (b, personality, "SCMP_ACT_ALLOW");
  json_builder_set_member_name (b, "args");
  json_builder_begin_array (b);
  for (gsize i = 0; i < G_N_ELEMENTS (personalities); i++)
    add_arg (b, 0, personalities[i], 0, "SCMP_CMP_EQ");
  json_builder_end_array (b);
  json_builder_end_object (b);

  add_rule_start (b, blocked, "SCMP_ACT_ERRNO");
  json_builder_set_member_name (b, "errnoRet");
  json_builder_add_int_value (b, EPERM);
  json_builder_end_object (b);

  json_builder_end_array (b);
  json_builder_end_object (b);
}
