#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/capability.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "exec-trampoline.h"
#include "id.h"
#include "log.h"
#include "lsm.h"
#include "process.h"
#include "resctrl.h"
#include "seccomp-filter.h"
#include "spec.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "wr-clone.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"
#include "wr-prefault.h"

/* The namespaces an exec joins, with the /proc/<pid>/ns name of each. The user namespace
 * comes first in setns(pidfd) by the kernel's own ordering. */
static const struct
{
  const char *name;
  int flag;
} exec_namespaces[] = {
  { "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },      { "pid", CLONE_NEWPID },
  { "uts", CLONE_NEWUTS },   { "ipc", CLONE_NEWIPC },     { "net", CLONE_NEWNET },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

/* Only namespaces that differ from ours: re-entering one's own user namespace is EINVAL.
 * A namespace we cannot look at is an error, never a silent "same as ours". */
static int
namespaces_to_join (pid_t pid, GError **error)
{
  int flags = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (exec_namespaces); i++)
    {
      g_autofree char *theirs = g_strdup_printf ("/proc/%d/ns/%s", pid, exec_namespaces[i].name);
      g_autofree char *ours = g_strdup_printf ("/proc/self/ns/%s", exec_namespaces[i].name);
      struct stat a, b;

      if (stat (ours, &b) < 0)
        {
          if (errno == ENOENT)
            continue; /* a namespace type this kernel lacks */
          return wr_throw_errno (error, "stat %s", ours), -1;
        }
      if (stat (theirs, &a) < 0)
        return wr_throw_errno (error, "stat %s", theirs), -1;
      if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
        flags |= exec_namespaces[i].flag;
    }
  return flags;
}

static gboolean
parse_id (const char *text, const char *what, guint32 *out, GError **error)
{
  guint64 v = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32 - 1, &v, NULL))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "%s: \"%s\" is not a numeric id below 4294967295", what, text);
  *out = (guint32) v;
  return TRUE;
}

static void
strv_add (char ***list, const char *item)
{
  guint n = *list != NULL ? g_strv_length (*list) : 0;

  if (*list != NULL && g_strv_contains ((const char *const *) *list, item))
    return;
  *list = g_renew (char *, *list, n + 2);
  (*list)[n] = g_strdup (item);
  (*list)[n + 1] = NULL;
}

static void
env_set (char ***env, const char *entry)
{
  const char *eq = strchr (entry, '=');
  gsize key_len = eq != NULL ? (gsize) (eq - entry) + 1 : strlen (entry);

  for (guint i = 0; *env != NULL && (*env)[i] != NULL; i++)
    if (strncmp ((*env)[i], entry, key_len) == 0)
      {
        g_free ((*env)[i]);
        (*env)[i] = g_strdup (entry);
        return;
      }
  strv_add (env, entry);
}

/* The process as runc builds it: the container's config.json process, with the flags on top. */
static SpecProcess *
build_process (const ContainerExecOptions *o, const ContainerState *st, GError **error)
{
  g_autofree char *config_path = NULL;
  g_autoptr (WarrenSpec) spec = NULL;
  g_autoptr (SpecProcess) p = NULL;

  if (o->process_file != NULL)
    return spec_process_load_file (o->process_file, o->process_file, error);
  if (o->args == NULL || o->args[0] == NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "exec: a command or --process is needed; see `warren help exec`"),
           NULL;
  config_path = g_build_filename (st->bundle, "config.json", NULL);
  spec = spec_load_file (config_path, "config.json", error);
  if (spec == NULL)
    return NULL;
  if (spec->process == NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "config.json: process: required"),
           NULL;
  p = g_steal_pointer (&spec->process);

  g_strfreev (p->args);
  p->args = g_strdupv (o->args);
  p->terminal = o->tty;
  p->console_width = p->console_height = 0;
  if (o->cwd != NULL)
    {
      if (!g_path_is_absolute (o->cwd))
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "--cwd: must be absolute"), NULL;
      g_free (p->cwd);
      p->cwd = g_strdup (o->cwd);
    }
  for (guint i = 0; o->env != NULL && o->env[i] != NULL; i++)
    {
      if (strchr (o->env[i], '=') == NULL)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "--env: \"%s\" is not KEY=VALUE", o->env[i]),
               NULL;
      env_set (&p->env, o->env[i]);
    }
  if (o->user != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (o->user, ":", 2);
      if (!parse_id (parts[0], "--user", &p->uid, error))
        return NULL;
      p->gid = 0;
      if (parts[1] != NULL && !parse_id (parts[1], "--user", &p->gid, error))
        return NULL;
    }
  if (o->additional_gids != NULL)
    {
      guint n = g_strv_length (o->additional_gids);
      g_free (p->additional_gids);
      p->additional_gids = g_new0 (guint32, n);
      p->n_additional_gids = n;
      for (guint i = 0; i < n; i++)
        if (!parse_id (o->additional_gids[i], "--additional-gids", &p->additional_gids[i],
                       error))
          return NULL;
    }
  if (o->caps != NULL)
    {
      if (p->capabilities == NULL)
        p->capabilities = g_new0 (SpecCapabilities, 1);
      for (guint i = 0; o->caps[i] != NULL; i++)
        {
          g_autofree char *name = g_ascii_strup (o->caps[i], -1);
          cap_value_t v;
          if (!g_str_has_prefix (name, "CAP_") || cap_from_name (name, &v) < 0)
            return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                             "--cap: unknown capability \"%s\"", o->caps[i]),
                   NULL;
          /* Never inheritable or ambient: those would reach every program it runs. */
          strv_add (&p->capabilities->bounding, name);
          strv_add (&p->capabilities->effective, name);
          strv_add (&p->capabilities->permitted, name);
        }
    }
  if (o->no_new_privs)
    p->no_new_privileges = TRUE;
  return g_steal_pointer (&p);
}

typedef struct
{
  const SpecProcess *process;
  gboolean setgroups_allowed;
  int preserve_fds;
  int sync_fd;
  const SeccompFilter *seccomp; /* the container's filter; NULL without one */
  int proc_fd;                  /* the host's /proc, for the LSM labels */
  int trampoline_fd;            /* see exec-trampoline.h; -1 for none */
  int rdt_tasks[2];             /* resctrl tasks files to join, -1 for none */
} ExecChild;

static gboolean
exec_child_setup (const ExecChild *x, char **out_exe, GError **error)
{
  const SpecProcess *p = x->process;
  sigset_t none;

  sigemptyset (&none);
  if (sigprocmask (SIG_SETMASK, &none, NULL) < 0)
    return wr_throw_errno (error, "reset signal mask");
  /* Its own session always: it can never reach the caller's terminal with TIOCSTI. */
  if (p->terminal)
    {
      g_autofd int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      g_autofd int slave = -1;
      g_autofd int master = -1;

      if (root < 0)
        return wr_throw_errno (error, "open the container's /");
      master = terminal_create_in_root (root, p, FALSE, &slave, error);
      if (master < 0 || !sync_send_fd (x->sync_fd, SYNC_PTY, master, error)
          || !terminal_become_stdio (slave, error))
        return FALSE;
    }
  else if (setsid () < 0)
    return wr_throw_errno (error, "setsid");
  umask (p->has_umask ? (mode_t) p->umask : 0022);
  if (!process_set_rlimits (p, error) || !process_set_scheduler (p, error)
      || !process_set_io_priority (p, error) || !process_drop_bounding (p, error))
    return FALSE;
  /* The container's filter, loaded at the init's points (see init.c). */
  if (x->seccomp != NULL && !p->no_new_privileges
      && !seccomp_filter_load_and_pass (x->seccomp, x->sync_fd, error))
    return FALSE;
  if (!process_switch_user (p, x->setgroups_allowed, error) || !process_set_caps (p, error)
      || !process_enter_cwd (p, error))
    return FALSE;
  *out_exe = process_find_executable (p, error);
  if (*out_exe == NULL)
    return FALSE;
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return wr_throw_errno (error, "no_new_privs");
  if (!process_keep_only_passed_fds (x->preserve_fds, error)
      || !lsm_set_exec_labels (p->apparmor_profile, p->selinux_label, x->proc_fd, error))
    return FALSE;
  return x->seccomp == NULL || !p->no_new_privileges
         || seccomp_filter_load_and_pass (x->seccomp, x->sync_fd, error);
}

static G_GNUC_NORETURN void
exec_child (const ExecChild *x)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *exe = NULL;

  /* Copy the heap and stack we share with the joiner, map the code we run: one call each,
   * not a fault per page (see wr-prefault.h). */
  wr_prefault_unshare ();
  wr_prefault_text ();
  if (exec_child_setup (x, &exe, &error))
    {
      exec_trampoline_execve (x->trampoline_fd, exe, x->process->args, x->process->env);
      wr_throw_errno (&error, "exec %s", exe);
    }
  /* The sync socket is close-on-exec: reaching here, the parent still listens. */
  (void) sync_send (x->sync_fd, SYNC_ERROR, 0, error->message, NULL);
  _exit (127);
}

/* Joins the init's namespaces (all at once, through its pidfd) and clones the process into
 * them; sends the process's pidfd and exits. */
static G_GNUC_NORETURN void
exec_joiner (const ExecChild *x, int init_pidfd, int ns_flags)
{
  g_autoptr (GError) error = NULL;
  int pidfd = -1;
  long pid;

  /* Non-dumpable before we are visible in the container's pid namespace (the process
   * inherits it until its execve): nothing in the container can open /proc/<pid>/exe of
   * warren's image (CVE-2019-5736 class). */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    {
      wr_throw_errno (&error, "prctl(PR_SET_DUMPABLE)");
      goto fail;
    }
  /* The resctrl group first, while the host's files are in reach; the process inherits it. */
  if (!resctrl_join_self (x->rdt_tasks, &error))
    goto fail;
  if (ns_flags != 0 && setns (init_pidfd, ns_flags) < 0)
    {
      wr_throw_errno (&error, "join the container's namespaces");
      goto fail;
    }
  (void) close (init_pidfd);
  pid = wr_clone_pidfd (CLONE_PARENT, 0, &pidfd);
  if (pid == 0)
    exec_child (x);
  if (pid < 0)
    {
      wr_throw_errno (&error, "clone the process");
      goto fail;
    }
  if (!sync_send_fd (x->sync_fd, SYNC_PIDFD, pidfd, &error))
    {
      (void) syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
      goto fail;
    }
  _exit (0);
fail:
  (void) sync_send (x->sync_fd, SYNC_ERROR, 0, error->message, NULL);
  _exit (1);
}

typedef struct
{
  const ExecChild *x;
  int init_pidfd;
  int ns_flags;
  int parent_sync_fd; /* our end of the sync socket, closed in the joiner */
} JoinerArgs;

static int
joiner_entry (void *data)
{
  const JoinerArgs *a = data;

  (void) close (a->parent_sync_fd);
  exec_joiner (a->x, a->init_pidfd, a->ns_flags);
}

/* Starts exec_joiner(). When the kernel allows, the joiner shares our memory and we sleep
 * until it exits (CLONE_VM | CLONE_VFORK, as posix_spawn does): no copy of our page tables
 * for a process that lives for a handful of system calls, none of the page faults it would take
 * on them, no address space to tear down at its exit. It runs on a stack of its own; what
 * it writes elsewhere (PR_SET_DUMPABLE, which belongs to the address space; a GError on
 * failure, left in our heap) is ours, and *out_shared says so. The kernel refuses such a
 * process a time namespace (EUSERS). It allows a user namespace (kernel 6.18), but there a
 * shared joiner measured no faster than a fork for a rootless exec (perf stat -r 40, three
 * alternating pairs: 6 faults fewer, -1.0 to +1.1 ms): to join either, the joiner is a fork.
 * Returns its pid, or -1 with errno. */
static pid_t
spawn_joiner (const JoinerArgs *args, gboolean *out_shared)
{
  enum
  {
    JOINER_STACK_SIZE = 32 * 1024
  };
  pid_t pid;

  *out_shared = (args->ns_flags & (CLONE_NEWUSER | CLONE_NEWTIME)) == 0;
  if (*out_shared)
    {
      g_autofree char *stack = g_malloc (JOINER_STACK_SIZE);

      /* The stack grows down on every architecture warren builds for. */
      return clone (joiner_entry, stack + JOINER_STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD,
                    (void *) args);
    }
  pid = fork ();
  if (pid == 0)
    (void) joiner_entry ((void *) args);
  return pid;
}

static gboolean
setgroups_allowed_in (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/setgroups", pid);
  g_autofree char *text = NULL;

  return !g_file_get_contents (path, &text, NULL, NULL) || g_str_has_prefix (text, "allow");
}

int
container_exec (const ContainerGlobals *g, const ContainerExecOptions *o, GError **error)
{
  g_autofd int root_fd = -1;
  g_autoptr (StateDir) dir = NULL;
  g_autoptr (ContainerState) st = NULL;
  g_autoptr (SpecProcess) process = NULL;
  g_autofd int init_pidfd = -1;
  g_autofd int console_sock = -1;
  g_autofd int pidfd = -1;
  g_autofd int pty_master = -1;
  g_autofd int sync_fd = -1;
  g_autofd int listener = -1;
  g_autofd int proc_fd = -1;
  g_autofd int trampoline_fd = -1;
  g_autofd int rdt_tasks_fd = -1;
  g_autofd int rdt_mon_tasks_fd = -1;
  g_autoptr (SpecSeccomp) seccomp = NULL;
  g_autoptr (SeccompFilter) filter = NULL;
  ExecChild x = { 0 };
  ContainerStatus status;
  int pair[2], wstatus = 0, ns_flags;
  pid_t joiner, pid = -1;
  gboolean joiner_shared = FALSE;
  int dumpable;
  sigset_t old;

  if (!id_validate (o->id, error))
    return -1;
  if (!container_check_preserve_fds (o->preserve_fds, error))
    return -1;

  root_fd = state_root_open (g->root, FALSE, error);
  if (root_fd < 0)
    return -1;
  dir = state_dir_open (root_fd, o->id, TRUE, FALSE, error);
  if (dir == NULL)
    return -1;
  st = state_read (dir, error);
  if (st == NULL)
    return -1;
  status = state_status (dir, st);
  if (status == CONTAINER_STOPPED)
    return wr_throw (error, WARREN_ERROR_BAD_STATE,
                     "cannot exec in container %s: it has stopped", o->id),
           -1;
  process = build_process (o, st, error);
  if (process == NULL)
    return -1;
  if (o->apparmor != NULL)
    {
      g_free (process->apparmor_profile);
      process->apparmor_profile = g_strdup (o->apparmor);
    }
  if (o->process_label != NULL)
    {
      g_free (process->selinux_label);
      process->selinux_label = g_strdup (o->process_label);
    }
  if (!lsm_check (process->apparmor_profile,
                  o->apparmor != NULL ? "--apparmor" : "process.apparmorProfile",
                  process->selinux_label,
                  o->process_label != NULL ? "--process-label" : "process.selinuxLabel", error))
    return -1;
  proc_fd = container_open_host_proc (error);
  if (proc_fd < 0)
    return -1;
  /* Out of the way of stdio (the pty goes there) and of the passed fds. */
  if (proc_fd < 3 + o->preserve_fds)
    {
      int moved = fcntl (proc_fd, F_DUPFD_CLOEXEC, 3 + o->preserve_fds);
      g_clear_fd (&proc_fd, NULL);
      if (moved < 0)
        return wr_throw_errno (error, "open /proc"), -1;
      proc_fd = moved;
    }
  x.proc_fd = proc_fd;
  {
    g_autoptr (GError) local = NULL;

    x.trampoline_fd = trampoline_fd = exec_trampoline_create (3 + o->preserve_fds, &local);
    if (local != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&local));
        return -1;
      }
  }
  if (process->terminal && o->detach && o->console_socket == NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--tty with --detach needs --console-socket to receive the pty"),
           -1;
  if (o->console_socket != NULL && !process->terminal)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--console-socket is only used with --tty (process.terminal)"),
           -1;
  /* The container's filter as it was created, whatever the process or config says now. */
  if (st->seccomp != NULL)
    {
      seccomp = spec_seccomp_parse_node (st->seccomp, "state.json: seccomp", error);
      if (seccomp == NULL)
        return -1;
      filter = seccomp_filter_compile (seccomp, root_fd, error);
      if (filter == NULL)
        return -1;
    }
  init_pidfd = state_open_init_pidfd (st, error);
  if (init_pidfd < 0)
    return -1;
  if (o->console_socket != NULL)
    {
      console_sock = terminal_console_socket_connect (o->console_socket, error);
      if (console_sock < 0)
        return -1;
    }
  /* The state lock is not held while the process runs: `kill`, `delete` may come in. */
  g_clear_pointer (&dir, state_dir_free);

  if (st->intel_rdt != NULL)
    {
      g_autofd int rdt_root = resctrl_open_root (error);
      int fds[2];
      if (rdt_root < 0 || !resctrl_open_tasks (rdt_root, st->intel_rdt, fds, error))
        return g_prefix_error (error, "exec in %s: ", o->id), -1;
      rdt_tasks_fd = fds[0];
      rdt_mon_tasks_fd = fds[1];
    }
  x.rdt_tasks[0] = rdt_tasks_fd;
  x.rdt_tasks[1] = rdt_mon_tasks_fd;
  x.process = process;
  x.setgroups_allowed = setgroups_allowed_in (st->pid);
  x.preserve_fds = o->preserve_fds;
  x.seccomp = filter;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return wr_throw_errno (error, "socketpair"), -1;
  /* Out of the way of the passed fds, which the process keeps. */
  if (pair[1] < 3 + o->preserve_fds)
    {
      int moved = fcntl (pair[1], F_DUPFD_CLOEXEC, 3 + o->preserve_fds);
      (void) close (pair[1]);
      if (moved < 0)
        {
          (void) close (pair[0]);
          return wr_throw_errno (error, "socketpair"), -1;
        }
      pair[1] = moved;
    }
  x.sync_fd = pair[1];
  sync_fd = pair[0];

  ns_flags = namespaces_to_join (st->pid, error);
  if (ns_flags < 0)
    {
      (void) close (pair[1]);
      return -1;
    }
  if (!o->detach)
    container_block_forwarded (&old);
  wr_prefault_text_prepare ();
  dumpable = prctl (PR_GET_DUMPABLE, 0, 0, 0, 0);
  {
    const JoinerArgs args = { &x, init_pidfd, ns_flags, pair[0] };
    joiner = spawn_joiner (&args, &joiner_shared);
  }
  if (joiner < 0)
    wr_throw_errno (error, "start the namespace joiner");
  (void) close (pair[1]);
  if (joiner < 0)
    return -1;
  /* The joiner made our address space non-dumpable, if it shared it; the process it
   * cloned has its own copy of that flag. */
  if (joiner_shared && dumpable > 0 && prctl (PR_SET_DUMPABLE, dumpable, 0, 0, 0) < 0)
    log_debug ("exec: restore PR_SET_DUMPABLE: %s", g_strerror (errno));
  wr_prefault_unshare (); /* as in exec_child() */
  while (waitpid (joiner, &wstatus, 0) < 0)
    if (errno != EINTR)
      return wr_throw_errno (error, "wait for the namespace joiner"), -1;

  /* Messages until EOF: the process's pidfd, its pty, or an error. EOF means that every copy
   * of the child's end is gone: the joiner exited and the process exec'd (close-on-exec). */
  for (;;)
    {
      g_autoptr (GError) recv_error = NULL;
      SyncMsg msg;
      int fd = -1;

      if (!sync_recv (sync_fd, &msg, &fd, &recv_error))
        {
          if (g_error_matches (recv_error, WARREN_ERROR, WARREN_ERROR_INIT) && pidfd >= 0)
            break;
          g_propagate_error (error, g_steal_pointer (&recv_error));
          goto fail;
        }
      if (msg.type == SYNC_PIDFD && fd >= 0)
        {
          pidfd = fd;
          pid = (pid_t) wr_pidfd_pid (pidfd);
          continue;
        }
      if (msg.type == SYNC_PTY && fd >= 0)
        {
          g_clear_fd (&pty_master, NULL);
          pty_master = fd;
          continue;
        }
      if (msg.type == SYNC_SECCOMP && fd >= 0)
        {
          g_clear_fd (&listener, NULL);
          listener = fd;
          continue;
        }
      if (fd >= 0)
        (void) close (fd);
      if (msg.type == SYNC_ERROR)
        wr_throw (error, WARREN_ERROR_INIT, "exec in %s: %s", o->id, msg.message);
      else
        wr_throw (error, WARREN_ERROR_INIT, "exec: unexpected message %u", msg.type);
      goto fail;
    }
  log_debug ("exec %s: pid %d", o->id, (int) pid);
  if (listener >= 0)
    {
      g_autofree char *json = state_hook_json (st->oci_version, st->id,
                                               state_status_name (status), st->pid, st->bundle,
                                               st->annotations);
      if (!seccomp_send_listener (seccomp, listener, pid, json, error))
        {
          g_prefix_error (error, "exec in %s: ", o->id);
          goto fail;
        }
    }

  if (o->pid_file != NULL && !container_write_pid_file (o->pid_file, pid, error))
    goto fail;
  if (console_sock >= 0 && pty_master >= 0)
    {
      if (!terminal_console_socket_send (console_sock, pty_master, o->id, error))
        goto fail;
      g_clear_fd (&pty_master, NULL);
    }
  if (o->detach)
    return 0;
  return container_wait_foreground (pidfd, pty_master, error);

fail:
  /* A joiner that succeeded sent the pidfd, maybe queued behind the error. */
  while (pidfd < 0 && WIFEXITED (wstatus) && WEXITSTATUS (wstatus) == 0)
    {
      SyncMsg msg;
      int fd = -1;
      if (!sync_recv (sync_fd, &msg, &fd, NULL))
        break;
      if (msg.type == SYNC_PIDFD)
        pidfd = fd;
      else if (fd >= 0)
        (void) close (fd);
    }
  if (pidfd >= 0)
    {
      (void) syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
      while (waitid (P_PIDFD, (id_t) pidfd, &(siginfo_t){ 0 }, WEXITED) < 0 && errno == EINTR)
        ;
    }
  return -1;
}
