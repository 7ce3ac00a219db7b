#include "container.h"

#include <dirent.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "exec-trampoline.h"
#include "hooks.h"
#include "id.h"
#include "launch.h"
#include "log.h"
#include "lsm.h"
#include "resctrl.h"
#include "spec.h"
#include "state.h"
#include "stop-point.h"
#include "terminal.h"
#include "userns.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

#define FIFO_NAME "exec.fifo"
#define DELETE_TIMEOUT_MS 10000

/* Everything a create holds until it commits or fails. Freeing it undoes what was done. */
typedef struct
{
  WarrenSpec *spec;
  char *bundle;
  char *rootfs;
  int root_fd;
  StateDir *dir;
  LaunchConfig config;
  LaunchedInit init;
  int console_sock;
  char *pid_file_written;
  ContainerState *state; /* as written to state.json */
  SeccompFilter *seccomp;
  int hooks_pid;         /* the init's pid once the create hooks began; 0 before */
  ResctrlGroup *rdt;     /* linux.intelRdt joined; NULL without */
  gboolean committed;
} Creation;

static void
creation_free (Creation *c)
{
  g_autofree char *poststop_state = NULL;

  if (c == NULL)
    return;
  launch_abort (&c->init); /* a no-op once committed: pid is cleared */
  if (!c->committed && c->rdt != NULL)
    {
      g_autofd int rdt_root = resctrl_open_root (NULL);
      if (rdt_root >= 0)
        (void) resctrl_leave (rdt_root, c->rdt, NULL);
    }
  g_clear_pointer (&c->rdt, resctrl_group_free);
  /* A create that failed once its hooks began continues the lifecycle at poststop, as
   * the runtime-spec says for a failing createRuntime hook (and runc does in destroy):
   * after everything is undone, as after a delete. */
  if (!c->committed && c->hooks_pid > 0 && c->spec->hooks.stages[SPEC_HOOK_POSTSTOP].n > 0)
    poststop_state = state_hook_json (c->spec->oci_version, c->config.id, "stopped",
                                      c->hooks_pid, c->bundle, c->spec->annotations);
  g_clear_pointer (&c->state, container_state_free);
  if (c->pid_file_written != NULL)
    (void) unlink (c->pid_file_written); /* only a failed create gets here with a pid file */
  g_clear_fd (&c->config.rootfs_fd, NULL);
  g_clear_fd (&c->config.fifo_fd, NULL);
  g_clear_fd (&c->config.proc_fd, NULL);
  g_clear_fd (&c->config.trampoline_fd, NULL);
  g_clear_fd (&c->console_sock, NULL);
  g_clear_pointer (&c->dir, state_dir_free);
  g_clear_fd (&c->root_fd, NULL);
  if (poststop_state != NULL)
    hooks_run_warn (&c->spec->hooks, SPEC_HOOK_POSTSTOP, poststop_state);
  g_clear_pointer (&c->spec, spec_free);
  g_clear_pointer (&c->seccomp, seccomp_filter_free);
  g_free (c->bundle);
  g_free (c->rootfs);
  g_free (c->pid_file_written);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Creation, creation_free)

static gboolean
parse_rootless (const char *value, gboolean *out, GError **error)
{
  if (value == NULL || strcmp (value, "auto") == 0)
    *out = geteuid () != 0;
  else if (strcmp (value, "true") == 0)
    *out = TRUE;
  else if (strcmp (value, "false") == 0)
    *out = FALSE;
  else
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--rootless: must be auto, true or false, not \"%s\"", value);
  return TRUE;
}

static gboolean
sysctl_allowed (const WarrenSpec *spec, const char *key)
{
  const SpecNamespace *ns = spec->namespaces;

  /* Only sysctls that live in a namespace the container has of its own (runc's list). */
  if (g_str_has_prefix (key, "net."))
    return ns[SPEC_NS_NETWORK].enabled;
  if (g_str_has_prefix (key, "fs.mqueue.") || g_str_has_prefix (key, "kernel.msg")
      || g_str_has_prefix (key, "kernel.shm") || strcmp (key, "kernel.sem") == 0)
    return ns[SPEC_NS_IPC].enabled;
  if (strcmp (key, "kernel.hostname") == 0 || strcmp (key, "kernel.domainname") == 0)
    return ns[SPEC_NS_UTS].enabled;
  return FALSE;
}

/* What this runtime can do with a valid config; each refusal names the field. */
static gboolean
check_supported (WarrenSpec *spec, gboolean rootless, const ContainerCreateOptions *o,
                 GError **error)
{
  SpecNamespace *ns = spec->namespaces;
  GHashTableIter iter;
  gpointer key;

  if (spec->process == NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                     "config.json: process: required to create a container");
  if (spec->intel_rdt != NULL)
    {
      /* Before anything is created: a host without resctrl fails here. */
      g_autofd int rdt_root = resctrl_open_root (error);
      if (rdt_root < 0)
        return g_prefix_error (error, "config.json: "), FALSE;
    }
  if (!lsm_check (spec->process->apparmor_profile, "config.json: process.apparmorProfile",
                  spec->process->selinux_label, "config.json: process.selinuxLabel", error))
    return FALSE;
  if (!ns[SPEC_NS_MOUNT].enabled || ns[SPEC_NS_MOUNT].path != NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                     "config.json: linux.namespaces: a new mount namespace is required");
  if (spec->hostname != NULL && !ns[SPEC_NS_UTS].enabled)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                     "config.json: hostname: setting it needs a uts namespace");
  if (spec->domainname != NULL && !ns[SPEC_NS_UTS].enabled)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                     "config.json: domainname: setting it needs a uts namespace");
  if (spec->has_time_offsets && (!ns[SPEC_NS_TIME].enabled || ns[SPEC_NS_TIME].path != NULL))
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                     "config.json: linux.timeOffsets: needs a new time namespace");
  g_hash_table_iter_init (&iter, spec->sysctl);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!sysctl_allowed (spec, key))
      return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                       "config.json: linux.sysctl.%s: not in a namespace the container has of "
                       "its own",
                       (char *) key);
  if (rootless && !ns[SPEC_NS_USER].enabled)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                     "config.json: linux.namespaces: a rootless container needs a user "
                     "namespace (try `warren spec --rootless`)");
  if (ns[SPEC_NS_USER].enabled && ns[SPEC_NS_USER].path == NULL)
    {
      /* crun maps the caller's own ids to root when a rootless config has none; runc
       * refuses. We follow crun: it is what a person running `warren spec` by hand wants. */
      if (spec->n_uid_mappings == 0 && rootless)
        {
          spec->uid_mappings = g_new0 (SpecIdMapping, 1);
          spec->uid_mappings[0] = (SpecIdMapping){ 0, geteuid (), 1 };
          spec->n_uid_mappings = 1;
        }
      if (spec->n_gid_mappings == 0 && rootless)
        {
          spec->gid_mappings = g_new0 (SpecIdMapping, 1);
          spec->gid_mappings[0] = (SpecIdMapping){ 0, getegid (), 1 };
          spec->n_gid_mappings = 1;
        }
      if (spec->n_uid_mappings == 0)
        return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                         "config.json: linux.uidMappings: a new user namespace needs mappings");
      if (spec->n_gid_mappings == 0)
        return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                         "config.json: linux.gidMappings: a new user namespace needs mappings");
    }
  if (spec->process->n_additional_gids > 0 && ns[SPEC_NS_USER].enabled
      && !userns_setgroups_allowed (spec, rootless))
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                     "config.json: process.user.additionalGids: needs a gid mapping written by "
                     "newgidmap (with only your own gid mapped, setgroups is denied)");
  if (spec->process->terminal && o->console_socket == NULL && o->detach)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "process.terminal is true, but a detached container needs "
                     "--console-socket to receive its pseudo-terminal");
  if (o->console_socket != NULL && !spec->process->terminal)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--console-socket is only used with process.terminal: true");
  if (spec->process->capabilities != NULL && spec->process->capabilities->ambient != NULL)
    {
      const SpecCapabilities *caps = spec->process->capabilities;
      g_autoptr (GString) skipped = g_string_new (NULL);
      for (guint i = 0; caps->ambient[i] != NULL; i++)
        if (caps->inheritable == NULL
            || !g_strv_contains ((const char *const *) caps->inheritable, caps->ambient[i])
            || caps->permitted == NULL
            || !g_strv_contains ((const char *const *) caps->permitted, caps->ambient[i]))
          g_string_append_printf (skipped, "%s%s", skipped->len ? ", " : "", caps->ambient[i]);
      if (skipped->len > 0)
        log_warning ("process.capabilities.ambient: not raised because they are not also "
                     "permitted and inheritable: %s",
                     skipped->str);
    }
  if (spec->cgroups_path != NULL || spec->has_resources)
    log_warning ("linux.cgroupsPath/linux.resources: cgroups are not implemented yet, no "
                 "limits are applied");
  return TRUE;
}

int
container_open_host_proc (GError **error)
{
  g_autofd int fd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct statfs sfs;

  if (fd < 0 || fstatfs (fd, &sfs) < 0)
    return wr_throw_errno (error, "open /proc"), -1;
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return wr_throw (error, WARREN_ERROR_FAILED, "/proc on the host is not procfs"), -1;
  return g_steal_fd (&fd);
}

static char *
now_rfc3339 (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

gboolean
container_check_preserve_fds (int preserve_fds, GError **error)
{
  if (preserve_fds < 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "--preserve-fds: must be >= 0");
  for (int fd = 3; fd < 3 + preserve_fds; fd++)
    if (fcntl (fd, F_GETFD) < 0)
      return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                       "--preserve-fds %d: fd %d is not open", preserve_fds, fd);
  return TRUE;
}

gboolean
container_write_pid_file (const char *path, pid_t pid, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.%d.tmp", dir, base, (int) getpid ());
  g_autofree char *text = g_strdup_printf ("%d", (int) pid);

  /* Atomic, so an engine polling the file never reads a partial pid. */
  if (!g_file_set_contents_full (tmp, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    return g_prefix_error (error, "--pid-file: "), FALSE;
  if (rename (tmp, path) < 0)
    {
      wr_throw_errno (error, "--pid-file: rename to %s", path);
      (void) unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

static char *
absolute_bundle (const char *bundle, GError **error)
{
  g_autofree char *path = NULL;
  char *real;

  path = bundle != NULL ? g_canonicalize_filename (bundle, NULL) : g_get_current_dir ();
  real = realpath (path, NULL);
  if (real == NULL)
    return wr_throw_errno (error, "--bundle: %s", path), NULL;
  return real;
}

/* Everything from the config to an init waiting on exec.fifo, with the state written. */
/* prestart and createRuntime, in warren's namespaces, once the init has made the container's
 * namespaces and mounts (before its pivot). */
static gboolean
run_runtime_hooks (pid_t pid, gpointer data, GError **error)
{
  Creation *c = data;
  g_autofree char *json = state_hook_json (c->spec->oci_version, c->config.id, "creating",
                                           (int) pid, c->bundle, c->spec->annotations);

  c->hooks_pid = (int) pid;
  return hooks_run (&c->spec->hooks, SPEC_HOOK_PRESTART, json, error)
         && hooks_run (&c->spec->hooks, SPEC_HOOK_CREATE_RUNTIME, json, error);
}

static void
run_lifecycle_hooks (const SpecHooks *hooks, SpecHookStage stage, const ContainerState *st,
                     const char *status)
{
  g_autofree char *json = NULL;

  if (hooks->stages[stage].n == 0)
    return;
  json = state_hook_json (st->oci_version, st->id, status, st->pid, st->bundle,
                          st->annotations);
  hooks_run_warn (hooks, stage, json);
}

/* systemd socket activation (sd_listen_fds(3)): when LISTEN_PID names warren itself, its fds
 * 3 .. 3+LISTEN_FDS-1 are the container's, ahead of the --preserve-fds ones, as in runc.
 * Anything else (no LISTEN_PID, another process's, not a number) passes nothing. */
static int
listen_fds_for_us (void)
{
  const char *pid = g_getenv ("LISTEN_PID");
  const char *n = g_getenv ("LISTEN_FDS");
  guint64 p, v;

  if (pid == NULL || n == NULL
      || !g_ascii_string_to_unsigned (pid, 10, 1, G_MAXINT32, &p, NULL) || (pid_t) p != getpid ()
      || !g_ascii_string_to_unsigned (n, 10, 0, 65536, &v, NULL))
    return 0;
  return (int) v;
}

/* The process learns of them as a process of its own would: LISTEN_FDS=N, LISTEN_PID=1. */
static void
set_listen_env (SpecProcess *process, int n)
{
  GPtrArray *env = g_ptr_array_new ();

  for (guint i = 0; process->env[i] != NULL; i++)
    if (g_str_has_prefix (process->env[i], "LISTEN_FDS=")
        || g_str_has_prefix (process->env[i], "LISTEN_PID=")
        || g_str_has_prefix (process->env[i], "LISTEN_FDNAMES="))
      g_free (process->env[i]);
    else
      g_ptr_array_add (env, process->env[i]);
  g_ptr_array_add (env, g_strdup_printf ("LISTEN_FDS=%d", n));
  g_ptr_array_add (env, g_strdup ("LISTEN_PID=1"));
  if (g_getenv ("LISTEN_FDNAMES") != NULL)
    g_ptr_array_add (env, g_strdup_printf ("LISTEN_FDNAMES=%s", g_getenv ("LISTEN_FDNAMES")));
  g_ptr_array_add (env, NULL);
  g_free (process->env);
  process->env = (char **) g_ptr_array_free (env, FALSE);
}

/* With `start` (for `run`), the init does not wait on exec.fifo: the commit starts it. */
static Creation *
creation_launch (const ContainerGlobals *g, const ContainerCreateOptions *o, gboolean start,
                 GError **error)
{
  g_autoptr (Creation) c = g_new0 (Creation, 1);
  g_autofree char *config_path = NULL;
  g_autofree char *root_path = NULL;
  g_autoptr (ContainerState) st = NULL;
  gboolean rootless = FALSE;
  int listen_fds = listen_fds_for_us ();
  int passed_fds;
  int fifo;

  c->root_fd = -1;
  c->console_sock = -1;
  c->config.rootfs_fd = c->config.fifo_fd = c->config.proc_fd = c->config.trampoline_fd = -1;
  c->init = (LaunchedInit) LAUNCHED_INIT_INIT;

  if (!id_validate (o->id, error) || !parse_rootless (g->rootless, &rootless, error))
    return NULL;
  /* Each passed fd must be the caller's: a hole would be filled by one of warren's own. */
  if ((listen_fds == 0 || o->preserve_fds < 0)
      && !container_check_preserve_fds (o->preserve_fds, error))
    return NULL;
  passed_fds = listen_fds + MAX (o->preserve_fds, 0);
  for (int fd = 3; listen_fds > 0 && fd < 3 + passed_fds; fd++)
    if (fcntl (fd, F_GETFD) < 0)
      return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                       "LISTEN_FDS=%d and --preserve-fds %d: fd %d is not open", listen_fds,
                       o->preserve_fds, fd),
             NULL;
  c->bundle = absolute_bundle (o->bundle, error);
  if (c->bundle == NULL)
    return NULL;
  config_path = g_build_filename (c->bundle, "config.json", NULL);
  c->spec = spec_load_file (config_path, "config.json", error);
  if (c->spec == NULL || !check_supported (c->spec, rootless, o, error))
    return NULL;
  log_debug ("create %s: %s parsed (%u mounts, %s)", o->id, config_path, c->spec->n_mounts,
             rootless ? "rootless" : "as root");

  root_path = g_path_is_absolute (c->spec->root_path)
                  ? g_strdup (c->spec->root_path)
                  : g_build_filename (c->bundle, c->spec->root_path, NULL);
  /* root.path is resolved once, here; the init only ever uses the fd. */
  c->rootfs = realpath (root_path, NULL);
  if (c->rootfs == NULL)
    return wr_throw_errno (error, "config.json: root.path: %s", root_path), NULL;
  c->config.rootfs_fd = open (c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->config.rootfs_fd < 0)
    return wr_throw_errno (error, "config.json: root.path: %s", c->rootfs), NULL;
  c->config.proc_fd = container_open_host_proc (error);
  if (c->config.proc_fd < 0)
    return NULL;

  if (o->console_socket != NULL)
    {
      c->console_sock = terminal_console_socket_connect (o->console_socket, error);
      if (c->console_sock < 0)
        return NULL;
    }

  c->root_fd = state_root_open (g->root, TRUE, error);
  if (c->root_fd < 0)
    return NULL;
  if (c->spec->seccomp != NULL)
    {
      c->seccomp = seccomp_filter_compile (c->spec->seccomp, c->root_fd, error);
      if (c->seccomp == NULL)
        return NULL;
    }
  c->dir = state_dir_create (c->root_fd, o->id, error);
  if (c->dir == NULL)
    return NULL;
  if (mkfifoat (state_dir_fd (c->dir), FIFO_NAME, 0600) < 0)
    return wr_throw_errno (error, "create %s/%s", o->id, FIFO_NAME), NULL;
  /* O_RDWR never blocks on a FIFO; the init keeps this open and blocks reading it. */
  fifo = openat (state_dir_fd (c->dir), FIFO_NAME, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fifo < 0)
    return wr_throw_errno (error, "open %s/%s", o->id, FIFO_NAME), NULL;
  c->config.fifo_fd = fifo;
  /* The init closes every fd above the passed ones while it waits, except this one. */
  if (fifo < 3 + passed_fds)
    {
      c->config.fifo_fd = fcntl (fifo, F_DUPFD_CLOEXEC, 3 + passed_fds);
      (void) close (fifo);
      if (c->config.fifo_fd < 0)
        return wr_throw_errno (error, "open %s/%s", o->id, FIFO_NAME), NULL;
    }
  {
    g_autoptr (GError) local = NULL;

    /* Above the passed fds too: the init keeps it open while it waits for start. */
    c->config.trampoline_fd = exec_trampoline_create (3 + passed_fds, &local);
    if (local != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&local));
        return NULL;
      }
  }

  c->config.spec = c->spec;
  c->config.id = o->id;
  c->config.bundle = c->bundle;
  c->config.rootfs_path = c->rootfs;
  c->config.rootless = rootless;
  /* Through the magic link: the file this process runs, wherever it lives. */
  c->config.binary_writable = access ("/proc/self/exe", W_OK) == 0;
  c->config.setgroups_allowed = !c->spec->namespaces[SPEC_NS_USER].enabled
                                || userns_setgroups_allowed (c->spec, rootless);
  c->config.mount_context = lsm_mount_context (c->spec->mount_label);
  c->config.no_pivot = o->no_pivot;
  c->config.no_new_keyring = o->no_new_keyring;
  c->config.preserve_fds = passed_fds;
  if (listen_fds > 0 && c->spec->process != NULL)
    set_listen_env (c->spec->process, listen_fds);
  c->config.state_fd = state_dir_fd (c->dir);
  c->config.runtime_hooks = run_runtime_hooks;
  c->config.hooks_data = c;
  c->config.seccomp = c->seccomp;

  if (!launch_init (&c->config, &c->init, error))
    return g_prefix_error (error, "create %s: ", o->id), NULL;
  log_debug ("create %s: the init is pid %d and has set up the container", o->id,
             (int) c->init.pid);
  stop_point ("ready");
  if (c->spec->intel_rdt != NULL)
    {
      /* The init waits for start: what it execs, and all that forks, is in the group. */
      g_autofd int rdt_root = resctrl_open_root (error);
      if (rdt_root < 0)
        return g_prefix_error (error, "create %s: ", o->id), NULL;
      c->rdt = resctrl_join (rdt_root, c->spec->intel_rdt, o->id, c->init.pid, error);
      if (c->rdt == NULL)
        return g_prefix_error (error, "create %s: config.json: ", o->id), NULL;
    }

  if (c->init.pty_master >= 0 && c->console_sock >= 0)
    {
      if (!terminal_console_socket_send (c->console_sock, c->init.pty_master, o->id, error))
        return NULL;
      g_clear_fd (&c->init.pty_master, NULL);
    }
  g_clear_fd (&c->console_sock, NULL);
  if (c->init.seccomp_listener >= 0)
    {
      g_autofree char *json = state_hook_json (c->spec->oci_version, o->id, "creating",
                                               (int) c->init.pid, c->bundle,
                                               c->spec->annotations);
      if (!seccomp_send_listener (c->spec->seccomp, c->init.seccomp_listener, c->init.pid, json,
                                  error))
        return g_prefix_error (error, "create %s: ", o->id), NULL;
      g_clear_fd (&c->init.seccomp_listener, NULL);
    }

  st = g_new0 (ContainerState, 1);
  st->id = g_strdup (o->id);
  st->oci_version = g_strdup (c->spec->oci_version);
  st->pid = c->init.pid;
  st->start_time = state_process_start_time (c->init.pid);
  st->bundle = g_strdup (c->bundle);
  st->rootfs = g_strdup (c->rootfs);
  st->created = now_rfc3339 ();
  st->owner = geteuid ();
  st->own_pid_namespace = c->spec->namespaces[SPEC_NS_PID].enabled
                          && c->spec->namespaces[SPEC_NS_PID].path == NULL;
  st->annotations = g_hash_table_ref (c->spec->annotations);
  if (c->spec->hooks.node != NULL)
    st->hooks.node = json_node_copy (c->spec->hooks.node);
  if (c->spec->seccomp != NULL)
    st->seccomp = json_node_copy (c->spec->seccomp->node);
  if (c->rdt != NULL)
    st->intel_rdt = resctrl_group_copy (c->rdt);
  if (st->start_time == 0)
    return wr_throw (error, WARREN_ERROR_INIT, "create %s: the init exited during setup", o->id),
           NULL;
  if (!state_write (c->dir, st, error))
    return NULL;
  c->state = g_steal_pointer (&st);
  stop_point ("written");
  if (o->pid_file != NULL)
    {
      if (!container_write_pid_file (o->pid_file, c->init.pid, error))
        return NULL;
      c->pid_file_written = g_strdup (o->pid_file);
    }
  if (!launch_commit (&c->init, start, error))
    return g_prefix_error (error, "create %s: ", o->id), NULL;
  /* From here on the container exists: nothing is undone when `c` is freed. */
  c->committed = TRUE;
  state_dir_commit (c->dir);
  log_debug ("create %s: created, the init waits for start", o->id);
  c->init.pid = -1;
  g_clear_pointer (&c->pid_file_written, g_free);
  return g_steal_pointer (&c);
}

gboolean
container_create (const ContainerGlobals *g, const ContainerCreateOptions *o, GError **error)
{
  g_autoptr (Creation) c = creation_launch (g, o, FALSE, error);

  return c != NULL;
}

static gboolean
release_init (int fifo_fd, StateDir *dir, GError **error)
{
  char byte = 0;

  if (fifo_fd >= 0 && !wr_write_all (fifo_fd, &byte, 1, error))
    return g_prefix_error (error, "start: "), FALSE;
  if (unlinkat (state_dir_fd (dir), FIFO_NAME, 0) < 0 && errno != ENOENT)
    return wr_throw_errno (error, "remove %s", FIFO_NAME);
  return TRUE;
}

static StateDir *
open_container (const ContainerGlobals *g, const char *id, gboolean shared, GError **error)
{
  g_autofd int root_fd = -1;
  g_autoptr (GError) local_error = NULL;

  if (!id_validate (id, error))
    return NULL;
  root_fd = state_root_open (g->root, FALSE, &local_error);
  if (root_fd < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return wr_throw (error, WARREN_ERROR_NOT_FOUND, "container %s does not exist", id),
               NULL;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return state_dir_open (root_fd, id, shared, FALSE, error);
}

gboolean
container_start (const ContainerGlobals *g, const char *id, GError **error)
{
  g_autoptr (StateDir) dir = open_container (g, id, FALSE, error);
  g_autoptr (ContainerState) st = NULL;
  g_autofd int fifo = -1;

  if (dir == NULL)
    return FALSE;
  st = state_read (dir, error);
  if (st == NULL)
    return FALSE;
  switch (state_status (dir, st))
    {
    case CONTAINER_RUNNING:
      return wr_throw (error, WARREN_ERROR_BAD_STATE,
                       "cannot start container %s: it is already running", id);
    case CONTAINER_STOPPED:
      return wr_throw (error, WARREN_ERROR_BAD_STATE,
                       "cannot start container %s: it has stopped", id);
    default:
      break;
    }
  /* Non-blocking: with no reader (the init died) this fails with ENXIO instead of hanging. */
  fifo = openat (state_dir_fd (dir), FIFO_NAME, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
  if (fifo < 0)
    {
      if (errno == ENXIO || errno == ENOENT)
        return wr_throw (error, WARREN_ERROR_BAD_STATE,
                         "cannot start container %s: it has stopped", id);
      return wr_throw_errno (error, "open %s/%s", id, FIFO_NAME);
    }
  if (!release_init (fifo, dir, error))
    return FALSE;
  log_debug ("start %s: the init of pid %d was released", id, (int) st->pid);
  run_lifecycle_hooks (&st->hooks, SPEC_HOOK_POSTSTART, st, "running");
  return TRUE;
}

static int
exit_status_of (const siginfo_t *info)
{
  if (info->si_code == CLD_EXITED)
    return info->si_status;
  return 128 + info->si_status;
}

static const int forwarded_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1,
                                         SIGUSR2, SIGWINCH, SIGCONT, SIGALRM };

/* Foreground `run`: forward signals, relay the pty, and wait for the init. */
void
container_block_forwarded (sigset_t *old)
{
  sigset_t mask;

  sigemptyset (&mask);
  for (gsize i = 0; i < G_N_ELEMENTS (forwarded_signals); i++)
    sigaddset (&mask, forwarded_signals[i]);
  /* Cannot fail with a valid how and set. */
  (void) sigprocmask (SIG_BLOCK, &mask, old);
}

int
container_wait_foreground (int pidfd, int pty_master, GError **error)
{
  g_autoptr (TerminalRelay) relay = NULL;
  g_autofd int sfd = -1;
  sigset_t mask;
  siginfo_t info;
  gboolean master_open = FALSE;

  sigemptyset (&mask);
  for (gsize i = 0; i < G_N_ELEMENTS (forwarded_signals); i++)
    sigaddset (&mask, forwarded_signals[i]);
  sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0)
    return wr_throw_errno (error, "signalfd"), -1;
  if (pty_master >= 0)
    {
      relay = terminal_relay_new (pty_master, error);
      if (relay == NULL)
        return -1;
      master_open = TRUE;
    }

  for (;;)
    {
      struct pollfd fds[4] = {
        { .fd = pidfd, .events = POLLIN },
        { .fd = sfd, .events = POLLIN },
        { .fd = master_open ? pty_master : -1, .events = POLLIN },
        { .fd = relay != NULL && terminal_relay_stdin_open (relay) ? STDIN_FILENO : -1,
          .events = POLLIN },
      };
      if (poll (fds, G_N_ELEMENTS (fds), -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return wr_throw_errno (error, "poll"), -1;
        }
      if (fds[1].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          while (read (sfd, &si, sizeof si) == sizeof si)
            {
              if (si.ssi_signo == SIGWINCH && relay != NULL)
                terminal_relay_resize (relay);
              else
                (void) syscall (SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0);
            }
        }
      if (relay != NULL
          && ((fds[2].revents | fds[3].revents) & (POLLIN | POLLHUP | POLLERR)) != 0)
        {
          if (!terminal_relay_pump (relay, fds[3].revents != 0, fds[2].revents != 0))
            master_open = FALSE;
        }
      if (fds[0].revents & POLLIN)
        break;
    }
  if (relay != NULL)
    terminal_relay_drain (relay);
  memset (&info, 0, sizeof info);
  while (waitid (P_PIDFD, (id_t) pidfd, &info, WEXITED) < 0)
    if (errno != EINTR)
      return wr_throw_errno (error, "wait for the container"), -1;
  return exit_status_of (&info);
}

int
container_run (const ContainerGlobals *g, const ContainerCreateOptions *o, GError **error)
{
  g_autoptr (Creation) c = NULL;
  g_autoptr (StateDir) dir = NULL;
  g_autoptr (GError) delete_error = NULL;
  sigset_t old;
  int status;

  /* Blocked before the clone so no signal meant for the container is lost; the init
   * unblocks them for itself. */
  if (!o->detach)
    container_block_forwarded (&old);

  /* Started with the commit: only exec.fifo is left to remove. */
  c = creation_launch (g, o, TRUE, error);
  if (c == NULL)
    return -1;
  if (!release_init (-1, c->dir, error))
    return -1;
  g_clear_fd (&c->config.fifo_fd, NULL);
  run_lifecycle_hooks (&c->spec->hooks, SPEC_HOOK_POSTSTART, c->state, "running");
  if (o->detach)
    return 0;
  /* Let `state`, `kill` and `list` in while we wait. */
  g_clear_pointer (&c->dir, state_dir_free);
  status = container_wait_foreground (c->init.pidfd, c->init.pty_master, error);
  if (status < 0)
    return -1;
  /* runc removes a foreground container once it exits; so do we. */
  dir = state_dir_open (c->root_fd, o->id, FALSE, FALSE, &delete_error);
  if (dir != NULL && !state_dir_remove (dir, &delete_error))
    log_warning ("delete %s: %s", o->id, delete_error->message);
  else if (dir != NULL)
    run_lifecycle_hooks (&c->spec->hooks, SPEC_HOOK_POSTSTOP, c->state, "stopped");
  return status;
}

gboolean
container_parse_signal (const char *text, int *out_signal, GError **error)
{
  static const struct
  {
    const char *name;
    int sig;
  } names[] = {
    { "HUP", SIGHUP },   { "INT", SIGINT },     { "QUIT", SIGQUIT },   { "ILL", SIGILL },
    { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },   { "IOT", SIGIOT },     { "BUS", SIGBUS },
    { "FPE", SIGFPE },   { "KILL", SIGKILL },   { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
    { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },   { "ALRM", SIGALRM },   { "TERM", SIGTERM },
    { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
    { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },   { "TTOU", SIGTTOU },   { "URG", SIGURG },
    { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },   { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
    { "WINCH", SIGWINCH }, { "IO", SIGIO },     { "POLL", SIGPOLL },   { "PWR", SIGPWR },
    { "SYS", SIGSYS },
  };
  g_autofree char *upper = g_ascii_strup (text, -1);
  const char *name = upper;
  guint64 n;

  if (g_ascii_string_to_unsigned (text, 10, 1, SIGRTMAX, &n, NULL))
    {
      *out_signal = (int) n;
      return TRUE;
    }
  if (g_str_has_prefix (name, "SIG"))
    name += 3;
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (name, names[i].name) == 0)
      {
        *out_signal = names[i].sig;
        return TRUE;
      }
  if (g_str_has_prefix (name, "RTMIN") || g_str_has_prefix (name, "RTMAX"))
    {
      gboolean min = g_str_has_prefix (name, "RTMIN");
      const char *rest = name + 5;
      gint64 off = 0;
      if (*rest == '\0' || g_ascii_string_to_signed (rest, 10, -32, 32, &off, NULL))
        {
          int sig = (min ? SIGRTMIN : SIGRTMAX) + (int) off;
          if (sig >= SIGRTMIN && sig <= SIGRTMAX)
            {
              *out_signal = sig;
              return TRUE;
            }
        }
    }
  return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "unknown signal \"%s\"", text);
}

static gboolean
send_signal (int pidfd, int sig, const char *id, GError **error)
{
  if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    {
      if (errno == ESRCH)
        return wr_throw (error, WARREN_ERROR_BAD_STATE, "container %s is not running", id);
      return wr_throw_errno (error, "kill %s", id);
    }
  return TRUE;
}

/* Every process in the container's own pid namespace, found through /proc/<pid>/ns/pid. */
static void
signal_namespace (const ContainerState *st, int sig)
{
  g_autofree char *init_ns_path = g_strdup_printf ("/proc/%d/ns/pid", st->pid);
  g_autofree char *init_ns = g_file_read_link (init_ns_path, NULL);
  DIR *d;
  struct dirent *de;

  if (init_ns == NULL || (d = opendir ("/proc")) == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    {
      guint64 pid;
      g_autofree char *ns_path = NULL;
      g_autofree char *ns = NULL;
      g_autofd int pidfd = -1;

      if (!g_ascii_string_to_unsigned (de->d_name, 10, 1, G_MAXINT32, &pid, NULL)
          || (int) pid == st->pid)
        continue;
      /* Open the pidfd first, then check the namespace: the check then speaks for the
       * process we signal, even if the pid is reused in between. */
      pidfd = (int) syscall (SYS_pidfd_open, (int) pid, 0);
      if (pidfd < 0)
        continue;
      ns_path = g_strdup_printf ("/proc/%d/ns/pid", (int) pid);
      ns = g_file_read_link (ns_path, NULL);
      if (ns != NULL && strcmp (ns, init_ns) == 0)
        (void) syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0); /* it may be gone */
    }
  closedir (d);
}

gboolean
container_kill (const ContainerGlobals *g, const char *id, int sig, gboolean all,
                GError **error)
{
  g_autoptr (StateDir) dir = open_container (g, id, TRUE, error);
  g_autoptr (ContainerState) st = NULL;
  g_autofd int pidfd = -1;

  if (dir == NULL)
    return FALSE;
  st = state_read (dir, error);
  if (st == NULL)
    return FALSE;
  pidfd = state_open_init_pidfd (st, error);
  if (pidfd < 0)
    return FALSE;
  if (all && st->own_pid_namespace)
    signal_namespace (st, sig);
  return send_signal (pidfd, sig, id, error);
}

static gboolean
wait_gone (int pidfd, const char *id, GError **error)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  int r;

  do
    r = poll (&p, 1, DELETE_TIMEOUT_MS);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return wr_throw_errno (error, "wait for container %s", id);
  if (r == 0)
    return wr_throw (error, WARREN_ERROR_BAD_STATE,
                     "container %s did not exit within %d s of SIGKILL", id,
                     DELETE_TIMEOUT_MS / 1000);
  return TRUE;
}

gboolean
container_delete (const ContainerGlobals *g, const char *id, gboolean force, GError **error)
{
  g_autoptr (StateDir) dir = open_container (g, id, FALSE, error);
  g_autoptr (ContainerState) st = NULL;
  g_autoptr (GError) read_error = NULL;
  ContainerStatus status;

  if (dir == NULL)
    return FALSE;
  st = state_read (dir, &read_error);
  if (st == NULL)
    {
      /* A create killed half-way, or a damaged state.json: --force still cleans up by id. The
       * init of such a create dies with its parent. */
      if (!force)
        {
          g_propagate_error (error, g_steal_pointer (&read_error));
          return g_prefix_error (error, "container %s: (use delete --force to remove it) ", id),
                 FALSE;
        }
      return state_dir_remove (dir, error);
    }
  status = state_status (dir, st);
  if (status == CONTAINER_RUNNING && !force)
    return wr_throw (error, WARREN_ERROR_BAD_STATE,
                     "cannot delete container %s that is not stopped: running (use --force)", id);
  if (status != CONTAINER_STOPPED)
    {
      g_autoptr (GError) kill_error = NULL;
      g_autofd int pidfd = state_open_init_pidfd (st, &kill_error);
      if (pidfd >= 0)
        {
          if (st->own_pid_namespace)
            signal_namespace (st, SIGKILL);
          if (!send_signal (pidfd, SIGKILL, id, &kill_error) && kill_error != NULL
              && !g_error_matches (kill_error, WARREN_ERROR, WARREN_ERROR_BAD_STATE))
            {
              g_propagate_error (error, g_steal_pointer (&kill_error));
              return FALSE;
            }
          if (!wait_gone (pidfd, id, error))
            return FALSE;
        }
    }
  if (st->intel_rdt != NULL)
    {
      g_autoptr (GError) rdt_error = NULL;
      g_autofd int rdt_root = resctrl_open_root (&rdt_error);
      if (rdt_root < 0 || !resctrl_leave (rdt_root, st->intel_rdt, &rdt_error))
        log_warning ("delete %s: %s", id, rdt_error->message);
    }
  if (!state_dir_remove (dir, error))
    return FALSE;
  log_debug ("delete %s: removed", id);
  run_lifecycle_hooks (&st->hooks, SPEC_HOOK_POSTSTOP, st, "stopped");
  return TRUE;
}

/* A shared lock for state and list. A create holding the lock before it has written
 * state.json fails with G_IO_ERROR_WOULD_BLOCK (the container is "creating"); a start, kill or
 * delete holding it is waited for. */
static StateDir *
open_for_reading (int root_fd, const char *id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  StateDir *dir = state_dir_open (root_fd, id, TRUE, TRUE, &local_error);

  struct stat st;

  if (dir == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      if (state_file_exists (root_fd, id))
        {
          g_clear_error (&local_error);
          dir = state_dir_open (root_fd, id, TRUE, FALSE, &local_error);
        }
      /* Locked without a state.json is a create in progress, unless the directory is gone
       * by now: a delete moves it away before it empties it. */
      else if (fstatat (root_fd, id, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
        {
          g_clear_error (&local_error);
          return wr_throw (error, WARREN_ERROR_NOT_FOUND, "container %s does not exist", id),
                 NULL;
        }
    }
  if (dir == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return dir;
}

static ContainerStatus
status_of_dir (StateDir *dir, ContainerState **out_state)
{
  g_autoptr (GError) error = NULL;
  ContainerState *st = state_read (dir, &error);

  *out_state = st;
  if (st == NULL)
    return CONTAINER_STOPPED;
  return state_status (dir, st);
}

char *
container_state (const ContainerGlobals *g, const char *id, GError **error)
{
  g_autofd int root_fd = -1;
  g_autoptr (StateDir) dir = NULL;
  g_autoptr (ContainerState) st = NULL;
  g_autoptr (GError) local_error = NULL;
  ContainerStatus status;

  if (!id_validate (id, error))
    return NULL;
  root_fd = state_root_open (g->root, FALSE, &local_error);
  if (root_fd < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return wr_throw (error, WARREN_ERROR_NOT_FOUND, "container %s does not exist", id), NULL;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  dir = open_for_reading (root_fd, id, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          /* A create holds the lock and has not written state.json: it is being created. */
          g_autoptr (ContainerState) creating = g_new0 (ContainerState, 1);
          creating->id = g_strdup (id);
          creating->oci_version = g_strdup ("");
          creating->bundle = g_strdup ("");
          creating->rootfs = g_strdup ("");
          creating->created = g_strdup ("");
          creating->owner = geteuid ();
          return state_to_oci_json (creating, CONTAINER_CREATING);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  st = state_read (dir, error);
  if (st == NULL)
    return g_prefix_error (error, "container %s: (delete --force removes it) ", id), NULL;
  status = state_status (dir, st);
  if (status == CONTAINER_STOPPED)
    st->pid = 0;
  return state_to_oci_json (st, status);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
container_list (const ContainerGlobals *g, const char *format, gboolean quiet, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofd int root_fd = state_root_open (g->root, FALSE, &local_error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gboolean json;
  DIR *d;
  struct dirent *de;

  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--format: must be \"table\" or \"json\", not \"%s\"", format);
  json = strcmp (format, "json") == 0;
  if (root_fd < 0)
    {
      /* No state root yet means no containers (runc does the same). */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  else
    {
      int list_fd = openat (root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (list_fd < 0 || (d = fdopendir (list_fd)) == NULL)
        return wr_throw_errno (error, "list %s", g->root);
      while ((de = readdir (d)) != NULL)
        if (de->d_name[0] != '.' && id_validate (de->d_name, NULL))
          g_ptr_array_add (names, g_strdup (de->d_name));
      closedir (d);
      g_ptr_array_sort (names, compare_names);
    }

  if (!json && !quiet)
    printf ("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
            "OWNER");
  json_builder_begin_array (b);
  for (guint i = 0; i < names->len; i++)
    {
      const char *id = names->pdata[i];
      g_autoptr (GError) e = NULL;
      g_autoptr (StateDir) dir = open_for_reading (root_fd, id, &e);
      g_autoptr (ContainerState) st = NULL;
      ContainerStatus status = CONTAINER_CREATING;

      /* A container deleted while we list it is simply not there (runc#4231). */
      if (dir == NULL && !g_error_matches (e, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        continue;
      if (dir != NULL)
        status = status_of_dir (dir, &st);
      if (st == NULL)
        {
          st = g_new0 (ContainerState, 1);
          st->id = g_strdup (id);
          st->oci_version = g_strdup ("");
          st->bundle = g_strdup ("");
          st->rootfs = g_strdup ("");
          st->created = g_strdup ("");
          st->owner = geteuid ();
        }
      if (status == CONTAINER_STOPPED)
        st->pid = 0;
      if (quiet)
        printf ("%s\n", id);
      else if (json)
        {
          g_autofree char *one = state_to_oci_json (st, status);
          g_autoptr (JsonNode) node = json_from_string (one, NULL);
          if (node != NULL)
            json_builder_add_value (b, g_steal_pointer (&node));
        }
      else
        {
          g_autoptr (JsonNode) node = NULL;
          g_autofree char *one = state_to_oci_json (st, status);
          const char *owner = "";
          node = json_from_string (one, NULL);
          if (node != NULL)
            owner = json_object_get_string_member_with_default (json_node_get_object (node),
                                                                "owner", "");
          printf ("%-12s %-8d %-10s %-40s %-30s %s\n", id, st->pid, state_status_name (status),
                  st->bundle, st->created, owner);
        }
    }
  json_builder_end_array (b);
  if (json && !quiet)
    {
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      g_autofree char *text = json_to_string (root, FALSE);
      printf ("%s\n", text);
    }
  return TRUE;
}
