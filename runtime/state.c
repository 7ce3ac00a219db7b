#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"
#include "wr-json.h"

#define STATE_FILE "state.json"
#define STATE_MAX_SIZE (1024 * 1024)

struct _StateDir
{
  int root_fd; /* a dup of the state root's fd: removing the dir needs it */
  char *id;
  int fd;
  gboolean created;
  gboolean committed;
};

void
container_state_free (ContainerState *state)
{
  if (state == NULL)
    return;
  g_free (state->id);
  g_free (state->oci_version);
  g_free (state->bundle);
  g_free (state->rootfs);
  g_free (state->created);
  g_clear_pointer (&state->annotations, g_hash_table_unref);
  spec_hooks_clear (&state->hooks);
  g_clear_pointer (&state->seccomp, json_node_unref);
  g_clear_pointer (&state->intel_rdt, resctrl_group_free);
  g_free (state);
}

char *
state_root_path (const char *root_option, GError **error)
{
  const char *xdg;
  struct stat st;

  if (root_option != NULL)
    {
      if (*root_option == '\0')
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "--root: must not be empty"),
               NULL;
      if (!g_path_is_absolute (root_option))
        {
          g_autofree char *cwd = g_get_current_dir ();
          return g_build_filename (cwd, root_option, NULL);
        }
      return g_strdup (root_option);
    }
  if (geteuid () == 0)
    return g_strdup ("/run/warren");

  xdg = g_getenv ("XDG_RUNTIME_DIR");
  if (xdg == NULL || *xdg == '\0')
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "XDG_RUNTIME_DIR is not set; set it to a directory you own with mode "
                     "0700 (usually /run/user/%u), or pass --root",
                     (unsigned) geteuid ()),
           NULL;
  if (stat (xdg, &st) < 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "XDG_RUNTIME_DIR=%s: %s; set it to a directory you own with mode 0700, "
                     "or pass --root",
                     xdg, g_strerror (errno)),
           NULL;
  if (!S_ISDIR (st.st_mode))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "XDG_RUNTIME_DIR=%s is not a directory; set it to a directory you own "
                     "with mode 0700, or pass --root", xdg),
           NULL;
  if (st.st_uid != geteuid ())
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "XDG_RUNTIME_DIR=%s is not owned by the current user (uid %u, owner %u); "
                     "set it to a directory you own with mode 0700, or pass --root",
                     xdg, (unsigned) geteuid (), (unsigned) st.st_uid),
           NULL;
  if ((st.st_mode & 0077) != 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "XDG_RUNTIME_DIR=%s has mode %04o, which lets other users in; use a "
                     "directory with mode 0700, or pass --root",
                     xdg, (unsigned) (st.st_mode & 07777)),
           NULL;
  return g_build_filename (xdg, "warren", NULL);
}

int
state_root_open (const char *path, gboolean create, GError **error)
{
  g_autofd int fd = -1;
  struct stat st;

  if (create)
    {
      g_autofree char *parent = g_path_get_dirname (path);
      if (g_mkdir_with_parents (parent, 0700) < 0)
        return wr_throw_errno (error, "create %s", parent), -1;
      if (mkdir (path, 0700) < 0 && errno != EEXIST)
        return wr_throw_errno (error, "create state root %s", path), -1;
    }
  fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ELOOP || errno == ENOTDIR)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "state root %s is not a directory (a symlink is refused)", path),
               -1;
      return wr_throw_errno (error, "open state root %s", path), -1;
    }
  if (fstat (fd, &st) < 0)
    return wr_throw_errno (error, "stat %s", path), -1;
  if (st.st_uid != geteuid ())
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "state root %s is owned by uid %u, not by the current user (uid %u)", path,
                     (unsigned) st.st_uid, (unsigned) geteuid ()),
           -1;
  if ((st.st_mode & 0022) != 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "state root %s has mode %04o: others could plant state there", path,
                     (unsigned) (st.st_mode & 07777)),
           -1;
  /* systemd's XDG_RUNTIME_DIR cleaner skips sticky entries; runc marks its dir the same way.
   * Only our own directory is touched, never a --root given by the caller. */
  if (create && geteuid () != 0 && (st.st_mode & S_ISVTX) == 0
      && g_str_has_suffix (path, "/warren"))
    (void) fchmod (fd, (st.st_mode & 07777) | S_ISVTX); /* only a hint to the cleaner */
  return g_steal_fd (&fd);
}

static StateDir *
state_dir_new (int root_fd, const char *id, int fd, gboolean created)
{
  StateDir *dir = g_new0 (StateDir, 1);

  dir->root_fd = fcntl (root_fd, F_DUPFD_CLOEXEC, 3);
  dir->id = g_strdup (id);
  dir->fd = fd;
  dir->created = created;
  return dir;
}

static gboolean
lock_dir (int fd, const char *id, int op, GError **error)
{
  while (flock (fd, op) < 0)
    {
      if (errno == EINTR)
        continue;
      if (errno == EWOULDBLOCK)
        return wr_throw_errno (error, "container %s is locked by another command", id);
      return wr_throw_errno (error, "lock container %s", id);
    }
  return TRUE;
}

StateDir *
state_dir_create (int root_fd, const char *id, GError **error)
{
  g_autofd int fd = -1;

  /* mkdir is the arbiter between concurrent creates of one id: exactly one succeeds. */
  if (mkdirat (root_fd, id, 0700) < 0)
    {
      if (errno == EEXIST)
        return wr_throw (error, WARREN_ERROR_EXISTS, "container %s already exists", id), NULL;
      return wr_throw_errno (error, "create state dir for %s", id), NULL;
    }
  fd = openat (root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || !lock_dir (fd, id, LOCK_EX, error))
    {
      if (fd < 0)
        wr_throw_errno (error, "open state dir for %s", id);
      (void) unlinkat (root_fd, id, AT_REMOVEDIR); /* we made it, we take it back */
      return NULL;
    }
  return state_dir_new (root_fd, id, g_steal_fd (&fd), TRUE);
}

StateDir *
state_dir_open (int root_fd, const char *id, gboolean shared, gboolean try_lock, GError **error)
{
  g_autofd int fd = openat (root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  int op = (shared ? LOCK_SH : LOCK_EX) | (try_lock ? LOCK_NB : 0);

  if (fd < 0)
    {
      if (errno == ENOENT)
        return wr_throw (error, WARREN_ERROR_NOT_FOUND, "container %s does not exist", id), NULL;
      return wr_throw_errno (error, "open state dir for %s", id), NULL;
    }
  if (!lock_dir (fd, id, op, error))
    return NULL;
  /* The directory may have been removed while we waited for the lock. */
  if (fstat (fd, &st) < 0)
    return wr_throw_errno (error, "stat state dir for %s", id), NULL;
  if (st.st_nlink == 0)
    return wr_throw (error, WARREN_ERROR_NOT_FOUND, "container %s does not exist", id), NULL;
  return state_dir_new (root_fd, id, g_steal_fd (&fd), FALSE);
}

gboolean
state_file_exists (int root_fd, const char *id)
{
  g_autofree char *path = g_build_filename (id, STATE_FILE, NULL);
  struct stat st;

  return fstatat (root_fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

void
state_dir_commit (StateDir *dir)
{
  dir->committed = TRUE;
}

int
state_dir_fd (StateDir *dir)
{
  return dir->fd;
}

const char *
state_dir_id (StateDir *dir)
{
  return dir->id;
}

gboolean
state_dir_remove (StateDir *dir, GError **error)
{
  g_autofd int list_fd = openat (dir->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  g_autofree char *gone = NULL;
  const char *name = dir->id;
  guint32 suffix = 0;
  DIR *d;
  struct dirent *de;

  /* First out of sight, in one step: a `state` or `list` racing us then finds no container
   * rather than a half-removed one that looks like a create in progress. Hidden names are
   * never container ids in listings; the fd (and our lock) stay with the directory. */
  if (getrandom (&suffix, sizeof suffix, GRND_NONBLOCK) != sizeof suffix)
    suffix = (guint32) g_get_monotonic_time ();
  gone = g_strdup_printf (".gone.%d.%08x", (int) getpid (), suffix);
  if (renameat (dir->root_fd, dir->id, dir->root_fd, gone) == 0)
    name = gone;
  else if (errno != ENOENT)
    return wr_throw_errno (error, "remove state dir for %s", dir->id);

  if (list_fd < 0)
    return wr_throw_errno (error, "open state dir for %s", dir->id);
  d = fdopendir (list_fd);
  if (d == NULL)
    return wr_throw_errno (error, "list state dir for %s", dir->id);
  list_fd = -1; /* owned by d now */
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (dir->fd, de->d_name, 0) < 0 && errno != ENOENT)
        {
          int errsv = errno;
          closedir (d);
          return wr_throw_errno_value (error, errsv, "remove %s/%s", dir->id, de->d_name);
        }
    }
  closedir (d);
  if (unlinkat (dir->root_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return wr_throw_errno (error, "remove state dir for %s", dir->id);
  dir->committed = TRUE;
  return TRUE;
}

void
state_dir_free (StateDir *dir)
{
  if (dir == NULL)
    return;
  if (dir->created && !dir->committed)
    {
      g_autoptr (GError) error = NULL;
      /* Undo of a failed create: the error that got us here is the one to report. */
      (void) state_dir_remove (dir, &error);
    }
  if (dir->fd >= 0)
    (void) close (dir->fd);
  if (dir->root_fd >= 0)
    (void) close (dir->root_fd);
  g_free (dir->id);
  g_free (dir);
}

static JsonNode *
state_to_node (const ContainerState *state, const char *status)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  GHashTableIter iter;
  gpointer k, v;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ociVersion");
  json_builder_add_string_value (b, state->oci_version);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, state->id);
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, state->pid);
  if (status != NULL)
    {
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, status);
    }
  json_builder_set_member_name (b, "bundle");
  json_builder_add_string_value (b, state->bundle);
  json_builder_set_member_name (b, "rootfs");
  json_builder_add_string_value (b, state->rootfs);
  json_builder_set_member_name (b, "created");
  json_builder_add_string_value (b, state->created);
  if (status == NULL)
    {
      json_builder_set_member_name (b, "startTime");
      json_builder_add_int_value (b, (gint64) state->start_time);
      json_builder_set_member_name (b, "ownerUid");
      json_builder_add_int_value (b, state->owner);
      json_builder_set_member_name (b, "ownPidNamespace");
      json_builder_add_boolean_value (b, state->own_pid_namespace);
      if (state->hooks.node != NULL)
        {
          json_builder_set_member_name (b, "hooks");
          json_builder_add_value (b, json_node_copy (state->hooks.node));
        }
      if (state->seccomp != NULL)
        {
          json_builder_set_member_name (b, "seccomp");
          json_builder_add_value (b, json_node_copy (state->seccomp));
        }
      if (state->intel_rdt != NULL)
        {
          json_builder_set_member_name (b, "intelRdt");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "group");
          json_builder_add_string_value (b, state->intel_rdt->group);
          json_builder_set_member_name (b, "created");
          json_builder_add_boolean_value (b, state->intel_rdt->created);
          if (state->intel_rdt->mon_group != NULL)
            {
              json_builder_set_member_name (b, "monGroup");
              json_builder_add_string_value (b, state->intel_rdt->mon_group);
            }
          json_builder_end_object (b);
        }
    }
  else
    {
      struct passwd *pw = getpwuid (state->owner);
      g_autofree char *owner = pw != NULL ? g_strdup (pw->pw_name)
                                          : g_strdup_printf ("%u", state->owner);
      json_builder_set_member_name (b, "owner");
      json_builder_add_string_value (b, owner);
    }
  json_builder_set_member_name (b, "annotations");
  json_builder_begin_object (b);
  if (state->annotations != NULL)
    {
      g_hash_table_iter_init (&iter, state->annotations);
      while (g_hash_table_iter_next (&iter, &k, &v))
        {
          json_builder_set_member_name (b, k);
          json_builder_add_string_value (b, v);
        }
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
state_write (StateDir *dir, const ContainerState *state, GError **error)
{
  g_autoptr (JsonNode) node = state_to_node (state, NULL);

  /* Replaced whole (a reader sees the old file or the new one), but not flushed to the disk:
   * state.json describes processes, which a crash of the machine ends too. On a state root
   * that is not a tmpfs (this development host's /run) the two fsyncs cost milliseconds on
   * every create, start and delete. */
  if (!wr_json_write_atomic_full (dir->fd, STATE_FILE, node, WR_JSON_WRITE_NONE, error))
    return g_prefix_error (error, "container %s: ", dir->id), FALSE;
  return TRUE;
}

ContainerState *
state_read (StateDir *dir, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (ContainerState) st = g_new0 (ContainerState, 1);
  g_autoptr (GError) local_error = NULL;
  g_autofree char *what = g_strdup_printf ("%s/state.json", dir->id);
  WrJsonCursor c, m;
  gint64 v = 0;
  gsize len = 0;

  data = wr_read_file_at (dir->fd, STATE_FILE, STATE_MAX_SIZE, &len, error);
  if (data == NULL)
    return NULL;
  root = wr_json_parse_data (data, (gssize) len, what, &local_error);
  if (root == NULL)
    return wr_throw (error, WARREN_ERROR_BAD_STATE, "%s", local_error->message), NULL;
  wr_json_cursor_root (&c, what, root);
  if (!wr_json_expect_object (&c, &local_error)
      || !wr_json_opt_string (&c, "id", &st->id, &local_error)
      || !wr_json_opt_string (&c, "ociVersion", &st->oci_version, &local_error)
      || !wr_json_opt_string (&c, "bundle", &st->bundle, &local_error)
      || !wr_json_opt_string (&c, "rootfs", &st->rootfs, &local_error)
      || !wr_json_opt_string (&c, "created", &st->created, &local_error)
      || !wr_json_opt_int64 (&c, "startTime", &v, &local_error)
      || !wr_json_opt_uint32 (&c, "ownerUid", &st->owner, &local_error)
      || !wr_json_opt_bool (&c, "ownPidNamespace", &st->own_pid_namespace, &local_error))
    return wr_throw (error, WARREN_ERROR_BAD_STATE, "%s", local_error->message), NULL;
  st->start_time = (guint64) v;
  wr_json_member (&c, "pid", &m);
  if (!wr_json_get_int64_range (&m, 1, G_MAXINT32, &v, &local_error))
    return wr_throw (error, WARREN_ERROR_BAD_STATE, "%s", local_error->message), NULL;
  st->pid = (int) v;
  wr_json_member (&c, "annotations", &m);
  if (wr_json_present (&m))
    {
      if (!wr_json_get_string_map (&m, &st->annotations, &local_error))
        return wr_throw (error, WARREN_ERROR_BAD_STATE, "%s", local_error->message), NULL;
    }
  else
    st->annotations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  wr_json_member (&c, "hooks", &m);
  if (wr_json_present (&m))
    {
      g_autofree char *hooks_what = g_strdup_printf ("%s: hooks", what);
      if (!spec_hooks_parse_node (m.node, hooks_what, &st->hooks, &local_error))
        return wr_throw (error, WARREN_ERROR_BAD_STATE, "%s", local_error->message), NULL;
    }
  wr_json_member (&c, "seccomp", &m);
  if (wr_json_present (&m))
    st->seccomp = json_node_copy (m.node);
  wr_json_member (&c, "intelRdt", &m);
  if (wr_json_present (&m))
    {
      ResctrlGroup *rdt = st->intel_rdt = g_new0 (ResctrlGroup, 1);
      if (!wr_json_expect_object (&m, &local_error)
          || !wr_json_opt_string (&m, "group", &rdt->group, &local_error)
          || !wr_json_opt_bool (&m, "created", &rdt->created, &local_error)
          || !wr_json_opt_string (&m, "monGroup", &rdt->mon_group, &local_error))
        return wr_throw (error, WARREN_ERROR_BAD_STATE, "%s", local_error->message), NULL;
      /* Names of directories under the resctrl root: one component each. */
      if (rdt->group == NULL || *rdt->group == '\0' || strchr (rdt->group, '/') != NULL
          || g_str_equal (rdt->group, "..")
          || (rdt->mon_group != NULL && strchr (rdt->mon_group, '/') != NULL))
        return wr_throw (error, WARREN_ERROR_BAD_STATE, "%s: intelRdt: bad group name", what),
               NULL;
    }
  if (st->id == NULL || st->bundle == NULL || st->oci_version == NULL)
    return wr_throw (error, WARREN_ERROR_BAD_STATE, "%s: id, ociVersion and bundle are required",
                     what),
           NULL;
  if (st->rootfs == NULL)
    st->rootfs = g_strdup ("");
  if (st->created == NULL)
    st->created = g_strdup ("");
  return g_steal_pointer (&st);
}

guint64
state_process_start_time (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *data = NULL;
  g_auto (GStrv) fields = NULL;
  const char *p;

  if (!g_file_get_contents (path, &data, NULL, NULL))
    return 0;
  /* The command name may contain spaces and parentheses: fields start after the last ')'. */
  p = strrchr (data, ')');
  if (p == NULL)
    return 0;
  fields = g_strsplit (p + 2, " ", 0);
  /* fields[0] is field 3 (state); starttime is field 22. */
  if (g_strv_length (fields) < 20)
    return 0;
  if (fields[0][0] == 'Z' || fields[0][0] == 'X')
    return 0;
  return g_ascii_strtoull (fields[19], NULL, 10);
}

int
state_open_init_pidfd (const ContainerState *state, GError **error)
{
  g_autofd int pidfd = (int) syscall (SYS_pidfd_open, state->pid, 0);

  if (pidfd < 0)
    {
      if (errno == ESRCH)
        return wr_throw (error, WARREN_ERROR_BAD_STATE, "container %s is not running",
                         state->id),
               -1;
      return wr_throw_errno (error, "pidfd_open %d", state->pid), -1;
    }
  /* The pidfd pins the process it names; the start time tells whether it is still ours. */
  if (state_process_start_time (state->pid) != state->start_time)
    return wr_throw (error, WARREN_ERROR_BAD_STATE, "container %s is not running", state->id),
           -1;
  return g_steal_fd (&pidfd);
}

ContainerStatus
state_status (StateDir *dir, const ContainerState *state)
{
  if (state->start_time == 0 || state_process_start_time (state->pid) != state->start_time)
    return CONTAINER_STOPPED;
  if (faccessat (dir->fd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return CONTAINER_CREATED;
  return CONTAINER_RUNNING;
}

const char *
state_status_name (ContainerStatus status)
{
  switch (status)
    {
    case CONTAINER_CREATING:
      return "creating";
    case CONTAINER_CREATED:
      return "created";
    case CONTAINER_RUNNING:
      return "running";
    case CONTAINER_STOPPED:
    default:
      return "stopped";
    }
}

char *
state_hook_json (const char *oci_version, const char *id, const char *status, int pid,
                 const char *bundle, GHashTable *annotations)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  GHashTableIter iter;
  gpointer k, v;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ociVersion");
  json_builder_add_string_value (b, oci_version);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, pid);
  json_builder_set_member_name (b, "bundle");
  json_builder_add_string_value (b, bundle);
  json_builder_set_member_name (b, "annotations");
  json_builder_begin_object (b);
  if (annotations != NULL)
    {
      g_hash_table_iter_init (&iter, annotations);
      while (g_hash_table_iter_next (&iter, &k, &v))
        {
          json_builder_set_member_name (b, k);
          json_builder_add_string_value (b, v);
        }
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  return json_to_string (node, FALSE);
}

char *
state_to_oci_json (const ContainerState *state, ContainerStatus status)
{
  g_autoptr (JsonNode) node = state_to_node (state, state_status_name (status));
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}
