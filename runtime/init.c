/* init: the container init's setup, in the clone of `warren`, from the clone to execve.
 * The steps run in one fixed order, each commented with why it sits where it does. The init
 * is single-threaded and never returns: on failure it sends the error to the parent and
 * exits. */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>

#include "devices.h"
#include "exec-trampoline.h"
#include "hooks.h"
#include "lsm.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp-filter.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "userns.h"
#include "wr-error.h"
#include "wr-glib-compat.h"
#include "wr-path.h"
#include "wr-prefault.h"

static gboolean
die_with_parent (int sync_fd, GError **error)
{
  struct pollfd p = { .fd = sync_fd, .events = POLLIN };

  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    return wr_throw_errno (error, "set parent-death signal");
  /* The parent may have died before the prctl took effect. getppid() cannot tell from inside
   * a new pid namespace (it reads 0), but the parent's end of the sync socket closes with it. */
  if (poll (&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)) != 0)
    return wr_throw (error, WARREN_ERROR_INIT, "warren exited during create");
  return TRUE;
}

static gboolean
join_namespace (SpecNamespaceType type, const char *path, GError **error)
{
  g_autofd int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return wr_throw_errno (error, "linux.namespaces: open %s namespace %s",
                           spec_namespace_name (type), path);
  if (setns (fd, spec_namespace_clone_flag (type)) < 0)
    return wr_throw_errno (error, "linux.namespaces: join %s namespace %s",
                           spec_namespace_name (type), path);
  return TRUE;
}

static gboolean
write_proc_file (int proc_fd, const char *path, const char *value, const char *what,
                 GError **error)
{
  g_autofd int fd = wr_openat2 (proc_fd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY,
                                RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV);
  gsize len = strlen (value);

  if (fd < 0)
    return wr_throw_errno (error, "%s: open /proc/%s", what, path);
  if (write (fd, value, len) != (ssize_t) len)
    return wr_throw_errno (error, "%s: write /proc/%s", what, path);
  return TRUE;
}

/* A new time namespace applies to children only until its offsets are written, so it is
 * made with unshare, given its offsets, then entered through time_for_children. */
static gboolean
setup_time_namespace (const LaunchConfig *config, GError **error)
{
  const WarrenSpec *spec = config->spec;
  g_autofd int fd = -1;

  if (unshare (CLONE_NEWTIME) < 0)
    return wr_throw_errno (error, "linux.namespaces: create time namespace");
  if (spec->has_time_offsets)
    {
      g_autofree char *offsets
          = g_strdup_printf ("monotonic %" G_GINT64_FORMAT " %u\nboottime %" G_GINT64_FORMAT
                             " %u\n",
                             spec->monotonic_secs, spec->monotonic_nanosecs,
                             spec->boottime_secs, spec->boottime_nanosecs);
      if (!write_proc_file (config->proc_fd, "self/timens_offsets", offsets,
                            "linux.timeOffsets", error))
        return FALSE;
    }
  /* A magic link of the host's procfs (checked when it was opened); setns checks that it is
   * a time namespace. openat2's RESOLVE_BENEATH would refuse the magic link. */
  fd = openat (config->proc_fd, "self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns (fd, CLONE_NEWTIME) < 0)
    return wr_throw_errno (error, "linux.namespaces: enter the time namespace");
  return TRUE;
}

static gboolean
set_sysctls (const LaunchConfig *config, GError **error)
{
  GHashTableIter iter;
  gpointer k, v;

  g_hash_table_iter_init (&iter, config->spec->sysctl);
  while (g_hash_table_iter_next (&iter, &k, &v))
    {
      g_autofree char *key = g_strdup (k);
      g_autofree char *path = NULL;
      g_autofree char *what = g_strdup_printf ("linux.sysctl[\"%s\"]", (char *) k);

      g_strdelimit (key, ".", '/');
      path = g_strdup_printf ("sys/%s", key);
      /* Through the host's procfs, before the pivot: net and ipc sysctls follow the writer's
       * namespaces, and nothing the container mounts over /proc/sys can redirect the write. */
      if (!write_proc_file (config->proc_fd, path, v, what, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
set_names (const WarrenSpec *spec, GError **error)
{
  if (spec->hostname != NULL && sethostname (spec->hostname, strlen (spec->hostname)) < 0)
    return wr_throw_errno (error, "hostname: set %s", spec->hostname);
  if (spec->domainname != NULL && setdomainname (spec->domainname, strlen (spec->domainname)) < 0)
    return wr_throw_errno (error, "domainname: set %s", spec->domainname);
  return TRUE;
}


/* The init's pid as warren sees it, for the state that hooks get. */
static int host_pid;

static char *
hook_state (const LaunchConfig *config, const char *status)
{
  return state_hook_json (config->spec->oci_version, config->id, status, host_pid,
                          config->bundle, config->spec->annotations);
}

static gboolean
run_create_hooks (const LaunchConfig *config, int sync_fd, GError **error)
{
  const SpecHooks *hooks = &config->spec->hooks;
  g_autofree char *state = NULL;
  SyncMsg msg;

  if (!spec_hooks_any (hooks, SPEC_HOOK_PRESTART, SPEC_HOOK_START_CONTAINER))
    return TRUE;
  if (!sync_send (sync_fd, SYNC_HOOKS, 0, NULL, error)
      || !sync_expect (sync_fd, SYNC_HOOKS_DONE, &msg, error))
    return FALSE;
  host_pid = msg.value;
  if (hooks->stages[SPEC_HOOK_CREATE_CONTAINER].n == 0)
    return TRUE;
  state = hook_state (config, "creating");
  return hooks_run (hooks, SPEC_HOOK_CREATE_CONTAINER, state, error);
}

static gboolean
join_session_keyring (const char *id, GError **error)
{
  /* Joining by name joins a keyring of that name that exists already, such as one of a
   * container with the same id under another state root: a random suffix makes it ours
   * alone. The id stays readable in /proc/keys (runc names it _ses.ID). */
  guint32 suffix = 0;
  g_autofree char *name = NULL;

  /* One syscall; g_random_int would open and read /dev/urandom to seed itself. */
  if (getrandom (&suffix, sizeof suffix, GRND_NONBLOCK) != sizeof suffix)
    suffix = (guint32) g_get_monotonic_time ();
  name = g_strdup_printf ("_ses.%s.%08x", id, suffix);

  if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0) < 0 && errno != ENOSYS
      && errno != EACCES)
    return wr_throw_errno (error, "create a session keyring (--no-new-keyring skips it)");
  return TRUE;
}

static void
close_all_above_passed (const LaunchConfig *config)
{
  unsigned keep[2] = { (unsigned) config->fifo_fd, (unsigned) config->trampoline_fd };
  unsigned next = 3 + (unsigned) config->preserve_fds;

  /* The creator placed the FIFO and the trampoline above the passed fds (the trampoline fd
   * may be -1, which sorts last and is never reached). Nothing can fail usefully here: the
   * fds are close-on-exec already. */
  if (keep[1] < keep[0])
    {
      unsigned t = keep[0];
      keep[0] = keep[1];
      keep[1] = t;
    }
  for (int i = 0; i < 2 && keep[i] != ~0U; i++)
    {
      if (keep[i] > next)
        (void) syscall (SYS_close_range, next, keep[i] - 1, 0);
      next = keep[i] + 1;
    }
  (void) syscall (SYS_close_range, next, ~0U, 0);
}

static gboolean
init_setup (const LaunchConfig *config, int sync_fd, char **out_exe, GError **error)
{
  const WarrenSpec *spec = config->spec;
  const SpecProcess *process = spec->process;
  const SpecNamespace *ns = spec->namespaces;
  gboolean new_user = ns[SPEC_NS_USER].enabled && ns[SPEC_NS_USER].path == NULL;
  gboolean in_userns = ns[SPEC_NS_USER].enabled;
  g_autofd int root_fd = -1;
  g_autofd int pty_master = -1;
  g_autofd int pty_slave = -1;
  sigset_t all;
  SyncMsg msg;

  /* 1. Signals as a fresh process has them: the parent blocks some for its signalfd. */
  sigemptyset (&all);
  if (sigprocmask (SIG_SETMASK, &all, NULL) < 0)
    return wr_throw_errno (error, "reset signal mask");
  /* 2. Die with the parent until it commits our state: an init orphaned mid-create must not
   * linger (kill -9 of `warren create`). */
  if (!die_with_parent (sync_fd, error))
    return FALSE;
  /* 3. Our copy of the state dir fd shares the parent's flock: drop it at once. */
  (void) close (config->state_fd);

  /* 4. A new user namespace gets its maps from the parent; wait for them, then become root
   * inside (when 0 is mapped), which resets the parent-death signal, so set it again. */
  if (new_user)
    {
      if (!sync_expect (sync_fd, SYNC_MAPPED, &msg, error))
        return FALSE;
      if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
        {
          if (errno != EINVAL)
            return wr_throw_errno (error, "become root in the user namespace");
        }
      if (!die_with_parent (sync_fd, error))
        return FALSE;
    }

  /* 5. Join namespaces given by path. The user namespace was joined before our clone (the
   * joiner in launch.c), so these joins and our new namespaces are under it; pid was joined
   * by the parent (it applies to children only). */
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    if (t != SPEC_NS_USER && t != SPEC_NS_PID && ns[t].enabled && ns[t].path != NULL
        && !join_namespace (t, ns[t].path, error))
      return FALSE;
  if (ns[SPEC_NS_TIME].enabled && ns[SPEC_NS_TIME].path == NULL
      && !setup_time_namespace (config, error))
    return FALSE;

  /* 6. A session keyring of our own, so containers do not share the caller's keys (or each
   * other's). */
  if (!config->no_new_keyring && !join_session_keyring (config->id, error))
    return FALSE;

  /* 7. Writes that go through the host's procfs, before anything of the container's is
   * mounted: sysctls, oom score. */
  if (!set_sysctls (config, error))
    return FALSE;
  if (process != NULL && !process_set_oom_score_adj (process, config->proc_fd, error))
    return FALSE;

  /* 8. The mount tree: rootfs, config mounts, /dev, console, cwd, masks, read-only paths —
   * all resolved inside the root before the pivot, while the host's /proc still serves the
   * fd-based mount calls. Masks and read-only paths come last so nothing mounted later can
   * uncover them. */
  root_fd = rootfs_bind_root (config, error);
  if (root_fd < 0 || !rootfs_mount_all (config, root_fd, error)
      || !devices_setup (config, root_fd, in_userns, error))
    return FALSE;
  if (process != NULL && process->terminal)
    {
      pty_master = terminal_create_in_root (root_fd, process, TRUE, &pty_slave, error);
      if (pty_master < 0 || !sync_send_fd (sync_fd, SYNC_PTY, pty_master, error))
        return FALSE;
      g_clear_fd (&pty_master, NULL);
    }
  /* 8b. Hooks that see the container before its pivot: warren runs prestart and
   * createRuntime in its own namespaces, then createContainer runs here, in the container's
   * namespaces with warren's view of the file system (runtime-spec "Lifecycle"). Masks and
   * read-only paths come after, as in runc, so hooks can add mounts but not uncover them. */
  if (!run_create_hooks (config, sync_fd, error))
    return FALSE;
  if (!rootfs_create_cwd (config, root_fd, error) || !rootfs_mask_paths (config, root_fd, error)
      || !rootfs_readonly_paths (config, root_fd, error))
    return FALSE;

  /* 9. Pivot, then what must see the final root: read-only root, propagation, names. */
  if (!rootfs_pivot (config, root_fd, error) || !rootfs_finish (config, error))
    return FALSE;
  if (!set_names (spec, error))
    return FALSE;
  if (process == NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "config.json: process: required");

  /* 10. The process: stdio on the pty, rlimits, bounding set (needs CAP_SETPCAP, so before
   * the user switch), user, capabilities, cwd (as the user: permissions apply), and the
   * executable looked up last, as the process would see it. */
  if (pty_slave >= 0 && !terminal_become_stdio (pty_slave, error))
    return FALSE;
  /* As runc: the config's umask, else 0022 whatever the caller had. */
  umask (process->has_umask ? (mode_t) process->umask : 0022);
  g_clear_fd (&pty_slave, NULL);
  if (!process_set_rlimits (process, error) || !process_set_scheduler (process, error)
      || !process_set_io_priority (process, error) || !process_drop_bounding (process, error))
    return FALSE;
  /* The execution domain (uname -m says i686 under LINUX32); nothing of ours depends on it. */
  if (spec->has_personality && personality (spec->personality) < 0)
    return wr_throw_errno (error, "linux.personality: set %s",
                           spec->personality == PER_LINUX32 ? "LINUX32" : "LINUX");
  /* 10a. Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while we still
   * have every capability, before the user switch (as runc). */
  if (config->seccomp != NULL && !process->no_new_privileges
      && !seccomp_filter_load_and_pass (config->seccomp, sync_fd, error))
    return FALSE;
  if (!process_switch_user (process, config->setgroups_allowed, error)
      || !process_set_caps (process, error) || !process_enter_cwd (process, error))
    return FALSE;
  *out_exe = process_find_executable (process, error);
  if (*out_exe == NULL)
    return FALSE;
  if (process->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return wr_throw_errno (error, "process.noNewPrivileges");
  if (!process_keep_only_passed_fds (config->preserve_fds, error))
    return FALSE;
  /* 10b. AppArmor profile and SELinux label, for our execve (as runc, before the filter). */
  if (!lsm_set_exec_labels (process->apparmor_profile, process->selinux_label, config->proc_fd,
                            error))
    return FALSE;
  /* 10c. With no_new_privs, the filter goes on last, so it filters as little of our setup
   * as it can: after it come only the sync messages, the wait on exec.fifo, closing fds,
   * startContainer hooks and execve. It is loaded before READY so that a failure fails
   * create, and so that a notify fd reaches its listener before create returns. */
  if (config->seccomp != NULL && process->no_new_privileges
      && !seccomp_filter_load_and_pass (config->seccomp, sync_fd, error))
    return FALSE;
  return TRUE;
}

void
init_main (const LaunchConfig *config, int sync_fd)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *exe = NULL;
  SyncMsg msg;
  char byte;
  ssize_t n;

  /* We share heap and stack with the parent copy-on-write: copy them in one call each
   * rather than a page fault for each page that the setup below writes. Likewise map the
   * code we run, which the clone left unmapped (see wr-prefault.h). */
  wr_prefault_unshare ();
  wr_prefault_text ();
  if (!init_setup (config, sync_fd, &exe, &error))
    {
      (void) sync_send (sync_fd, SYNC_ERROR, 0, error->message, NULL);
      _exit (1);
    }
  /* 10d. Until execve this process is warren's image (no re-exec): a process that `exec`
   * puts in a created container must not reach it through /proc/1/exe, mem or fd
   * (CVE-2019-5736 class). Non-dumpable, /proc/1 is only for CAP_SYS_PTRACE over our
   * mm's user namespace; execve of the container's program makes it dumpable again.
   * Only now: a non-dumpable process's /proc files belong to the host's root, which would
   * stop the rootless steps above that write /proc/self. Rootless, only when the caller can
   * write warren's binary (a copy in ~/bin): our mm belongs to the host's user namespace, so
   * the owner could no longer read /proc/<init>/ns and `exec` into the created container
   * fails; with a root-owned binary the container could not write it anyway. */
  if ((!config->rootless || config->binary_writable) && prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    {
      (void) sync_send (sync_fd, SYNC_ERROR, 0, "prctl(PR_SET_DUMPABLE): failed", NULL);
      _exit (1);
    }
  /* 11. Ready; once the parent has written our state, stop dying with it. The credential
   * change in step 10 reset the parent-death signal already, but say it outright. */
  if (!sync_send (sync_fd, SYNC_READY, 0, NULL, &error)
      || !sync_expect (sync_fd, SYNC_COMMIT, &msg, &error))
    _exit (1);
  (void) prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  (void) close (sync_fd);
  /* While it waits for `start`, the init holds nothing of its caller's but stdio and the
   * passed fds: a `warren create` in a pipeline must not keep the caller's pipes open. */
  close_all_above_passed (config);

  /* 12. Wait for `start`: it writes one byte into exec.fifo. `run` says so in its commit
   * instead: waiting for its byte would cost one more round trip between the two processes
   * (the parent first reads our EOF above), each a wake-up of the other side. */
  if (msg.value != 1)
    {
      do
        n = read (config->fifo_fd, &byte, 1);
      while (n < 0 && errno == EINTR);
      if (n != 1)
        _exit (1);
    }
  (void) close (config->fifo_fd);

  /* 13. startContainer hooks: in the container, as its process will run, right before it.
   * Nobody waits on the sync socket any more, so a failure goes to the container's stderr. */
  if (config->spec->hooks.stages[SPEC_HOOK_START_CONTAINER].n > 0)
    {
      g_autofree char *state = hook_state (config, "created");
      if (!hooks_run (&config->spec->hooks, SPEC_HOOK_START_CONTAINER, state, &error))
        {
          g_autofree char *line = g_strdup_printf ("warren: %s\n", error->message);
          (void) !write (STDERR_FILENO, line, strlen (line));
          _exit (1);
        }
    }

  /* Through the sealed trampoline: from here on /proc/self/exe is never warren's binary. */
  exec_trampoline_execve (config->trampoline_fd, exe, config->spec->process->args,
                          config->spec->process->env);
  {
    /* Nobody waits on the sync socket any more; stderr is the container's. */
    g_autofree char *line = g_strdup_printf ("warren: exec %s: %s\n", exe, g_strerror (errno));
    (void) !write (STDERR_FILENO, line, strlen (line));
  }
  _exit (127);
}
