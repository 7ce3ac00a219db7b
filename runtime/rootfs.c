#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mount-fd.h"
#include "wr-error.h"
#include "wr-glib-compat.h"
#include "wr-path.h"

int
rootfs_bind_root (const LaunchConfig *config, GError **error)
{
  unsigned long propagation = MS_SLAVE | MS_REC;
  g_autofd int tree = -1;
  g_autofd int here = -1;
  struct stat now, before;

  /* Nothing we mount may propagate back to the host: make our copy of the host's tree a
   * slave (or what rootfsPropagation asks, unless that is "shared", applied after the
   * pivot, as runc does). */
  if (config->spec->rootfs_propagation_flags != 0
      && (config->spec->rootfs_propagation_flags & MS_SHARED) == 0)
    propagation = config->spec->rootfs_propagation_flags;
  if (mount (NULL, "/", NULL, propagation, NULL) < 0)
    return wr_throw_errno (error, "make / %s", (propagation & MS_PRIVATE) ? "private" : "slave"),
           -1;

  /* A recursive clone of the rootfs attached on top of itself: pivot_root needs a mount
   * point, and the clone's fd is the root of the new mount, so no path is looked up again
   * (a swapped symlink in root.path cannot redirect us after this point). */
  /* The parent's fd names the rootfs in the host's mount namespace, which mount calls here
   * cannot use; reopen the resolved path in ours and make sure it is the same directory. */
  here = open (config->rootfs_path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (here < 0 || fstat (here, &now) < 0 || fstat (config->rootfs_fd, &before) < 0)
    return wr_throw_errno (error, "rootfs %s", config->rootfs_path), -1;
  if (now.st_dev != before.st_dev || now.st_ino != before.st_ino)
    return wr_throw (error, WARREN_ERROR_FAILED, "rootfs %s changed during create",
                     config->rootfs_path),
           -1;
  tree = mount_fd_clone (here, NULL, TRUE, error);
  if (tree < 0)
    return g_prefix_error (error, "rootfs %s: ", config->rootfs_path), -1;
  if (!mount_fd_attach (tree, here, config->rootfs_path, error))
    return -1;
  return g_steal_fd (&tree);
}

static gboolean
is_bind (const SpecMount *m)
{
  return m->bind || (m->type != NULL && strcmp (m->type, "bind") == 0);
}

/* Resolve (and create) a mount target inside the root. proc and sysfs targets may not be
 * symlinks at all (runc CVE-2019-19921 class: a /proc symlink would move procfs elsewhere). */
static int
open_target (int root_fd, const SpecMount *m, guint index, WrPathKind kind, GError **error)
{
  gboolean strict = m->type != NULL
                    && (strcmp (m->type, "proc") == 0 || strcmp (m->type, "sysfs") == 0);
  g_autofd int fd = wr_path_mkdir_in_root (root_fd, m->destination, kind, error);
  struct stat st;

  if (fd < 0)
    return g_prefix_error (error, "mounts[%u]: ", index), -1;
  if (strict)
    {
      g_autofd int exact = wr_openat2 (root_fd, m->destination + 1, O_PATH | O_CLOEXEC,
                                       RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
      if (exact < 0 && errno == ELOOP)
        return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                         "mounts[%u]: %s in the rootfs is a symlink; a %s mount needs a "
                         "directory",
                         index, m->destination, m->type),
               -1;
      if (exact < 0)
        return wr_throw_errno (error, "mounts[%u]: resolve %s", index, m->destination), -1;
    }
  if (fstat (fd, &st) < 0)
    return wr_throw_errno (error, "mounts[%u]: stat %s", index, m->destination), -1;
  if (kind == WR_PATH_DIR && !S_ISDIR (st.st_mode))
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                     "mounts[%u]: %s in the rootfs must be a directory", index, m->destination),
           -1;
  return g_steal_fd (&fd);
}

static char *
data_without (const char *data, const char *prefix)
{
  g_auto (GStrv) opts = g_strsplit (data != NULL ? data : "", ",", -1);
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; opts[i] != NULL; i++)
    if (*opts[i] != '\0' && !g_str_has_prefix (opts[i], prefix))
      g_ptr_array_add (kept, opts[i]);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (",", (char **) kept->pdata);
}

static int
bind_tree (const char *source, gboolean recursive, const SpecMount *m, guint index,
           GError **error)
{
  g_autofd int tree = mount_fd_clone (AT_FDCWD, source, recursive, error);

  if (tree < 0)
    return g_prefix_error (error, "mounts[%u]: ", index), -1;
  if (!mount_fd_setattr (tree, mount_fd_attr_from_flags (m->flags), 0, 0, recursive, error))
    return g_prefix_error (error, "mounts[%u]: %s: ", index, m->destination), -1;
  return g_steal_fd (&tree);
}

/* Which new filesystems take linux.mountLabel as their context=, as in runc: not procfs and
 * sysfs (their labels are the kernel's), not mqueue (labelled after the mount). */
static gboolean
takes_mount_context (const char *type)
{
  return strcmp (type, "proc") != 0 && strcmp (type, "sysfs") != 0
         && strcmp (type, "mqueue") != 0;
}

static int
new_fs (const LaunchConfig *config, const SpecMount *m, const char *data, GError **error)
{
  return mount_fd_new_fs (m->type, m->source, data,
                          takes_mount_context (m->type) ? config->mount_context : NULL,
                          m->flags & (MS_SYNCHRONOUS | MS_DIRSYNC),
                          mount_fd_attr_from_flags (m->flags), error);
}

/* mqueue takes no context=; its root gets the label as a file label instead. */
static gboolean
label_mount_root (int mnt, const char *context, GError **error)
{
  g_autofd int dir = -1;

  if (context == NULL)
    return TRUE;
  dir = openat (mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0 || fsetxattr (dir, "security.selinux", context, strlen (context) + 1, 0) < 0)
    return wr_throw_errno (error, "label the mount with %s", context);
  return TRUE;
}

/* Mount one entry of `mounts`. Filesystems that a user namespace may not create get the
 * fallbacks runc and crun use: sysfs and mqueue become binds of the host's, devpts drops a
 * gid= the namespace does not map, cgroup becomes a bind of the host's hierarchy. */
static gboolean
mount_one (const LaunchConfig *config, int root_fd, const SpecMount *m, guint index,
           GError **error)
{
  g_autofd int target = -1;
  g_autofd int mnt = -1;
  g_autoptr (GError) first_error = NULL;

  if (is_bind (m))
    {
      g_autofree char *source = NULL;
      struct stat st;

      source = g_path_is_absolute (m->source) ? g_strdup (m->source)
                                              : g_build_filename (config->bundle, m->source,
                                                                  NULL);
      if (stat (source, &st) < 0)
        return wr_throw_errno (error, "mounts[%u]: source %s", index, source);
      target = open_target (root_fd, m, index, S_ISDIR (st.st_mode) ? WR_PATH_DIR : WR_PATH_FILE,
                            error);
      if (target < 0)
        return FALSE;
      mnt = bind_tree (source, m->recursive_bind, m, index, error);
    }
  else
    {
      const char *type = m->type;

      target = open_target (root_fd, m, index, WR_PATH_DIR, error);
      if (target < 0)
        return FALSE;
      if (strcmp (type, "cgroup") == 0 || strcmp (type, "cgroup2") == 0)
        {
          /* A cgroup2 mount shows the container's own cgroup when it has a cgroup namespace. */
          mnt = mount_fd_new_fs ("cgroup2", "cgroup2", NULL, NULL, 0,
                                 mount_fd_attr_from_flags (m->flags), &first_error);
          if (mnt < 0)
            mnt = bind_tree ("/sys/fs/cgroup", TRUE, m, index, error);
        }
      else
        {
          mnt = new_fs (config, m, m->data, &first_error);
          if (mnt >= 0 && strcmp (type, "mqueue") == 0
              && !label_mount_root (mnt, config->mount_context, error))
            return g_prefix_error (error, "mounts[%u]: %s: ", index, m->destination), FALSE;
          if (mnt < 0 && strcmp (type, "sysfs") == 0 && g_error_matches (first_error, G_IO_ERROR,
                                                                      G_IO_ERROR_PERMISSION_DENIED))
            mnt = bind_tree ("/sys", TRUE, m, index, error);
          else if (mnt < 0 && strcmp (type, "mqueue") == 0)
            mnt = bind_tree ("/dev/mqueue", FALSE, m, index, error);
          else if (mnt < 0 && strcmp (type, "devpts") == 0 && m->data != NULL
                   && strstr (m->data, "gid=") != NULL)
            {
              g_autofree char *data = data_without (m->data, "gid=");
              mnt = new_fs (config, m, data, error);
            }
          else if (mnt < 0)
            {
              g_propagate_error (error, g_steal_pointer (&first_error));
              return g_prefix_error (error, "mounts[%u]: %s: ", index, m->destination), FALSE;
            }
        }
    }
  if (mnt < 0)
    {
      if (first_error != NULL)
        g_prefix_error (error, "%s; then: ", first_error->message);
      return g_prefix_error (error, "mounts[%u]: %s: ", index, m->destination), FALSE;
    }
  if (!mount_fd_attach (mnt, target, m->destination, error))
    return g_prefix_error (error, "mounts[%u]: ", index), FALSE;
  if (m->propagation != 0
      && !mount_fd_setattr (mnt, 0, 0, m->propagation & ~MS_REC, (m->propagation & MS_REC) != 0,
                            error))
    return g_prefix_error (error, "mounts[%u]: %s: propagation: ", index, m->destination), FALSE;
  return TRUE;
}

gboolean
rootfs_mount_all (const LaunchConfig *config, int root_fd, GError **error)
{
  for (guint i = 0; i < config->spec->n_mounts; i++)
    if (!mount_one (config, root_fd, &config->spec->mounts[i], i, error))
      return FALSE;
  return TRUE;
}

gboolean
rootfs_create_cwd (const LaunchConfig *config, int root_fd, GError **error)
{
  g_autofd int fd = -1;

  if (config->spec->process == NULL)
    return TRUE;
  fd = wr_path_mkdir_in_root (root_fd, config->spec->process->cwd, WR_PATH_DIR, error);
  if (fd < 0)
    return g_prefix_error (error, "process.cwd: "), FALSE;
  return TRUE;
}

int
rootfs_open_devnull (GError **error)
{
  g_autofd int fd = open ("/dev/null", O_PATH | O_CLOEXEC);
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0)
    return wr_throw_errno (error, "open /dev/null"), -1;
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != 1 || minor (st.st_rdev) != 3)
    return wr_throw (error, WARREN_ERROR_FAILED, "/dev/null on the host is not the 1:3 device"),
           -1;
  return g_steal_fd (&fd);
}

gboolean
rootfs_mask_paths (const LaunchConfig *config, int root_fd, GError **error)
{
  g_autofd int devnull = rootfs_open_devnull (error);

  if (devnull < 0)
    return FALSE;
  char **paths = config->spec->masked_paths;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofd int fd = wr_openat2 (root_fd, paths[i] + 1, O_PATH | O_CLOEXEC,
                                    RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
      g_autofd int mnt = -1;
      struct stat st;

      if (fd < 0 && errno == ENOENT)
        continue;
      if (fd < 0 || fstat (fd, &st) < 0)
        return wr_throw_errno (error, "linux.maskedPaths[%u]: %s", i, paths[i]);
      /* The kind of mask follows what the path is (fstat), never a guess from errno: a
       * directory gets an empty read-only tmpfs, anything else the host's verified /dev/null
       * (runc CVE-2025-31133: never the container's own /dev/null). */
      if (S_ISDIR (st.st_mode))
        mnt = mount_fd_new_fs ("tmpfs", "tmpfs", "size=0,mode=0555", config->mount_context, 0,
                               MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                                   | MOUNT_ATTR_NOEXEC,
                               error);
      else
        mnt = mount_fd_clone (devnull, NULL, FALSE, error);
      if (mnt < 0 || !mount_fd_attach (mnt, fd, paths[i], error))
        return g_prefix_error (error, "linux.maskedPaths[%u]: ", i), FALSE;
    }
  return TRUE;
}

gboolean
rootfs_readonly_paths (const LaunchConfig *config, int root_fd, GError **error)
{
  char **paths = config->spec->readonly_paths;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofd int fd = wr_openat2 (root_fd, paths[i] + 1, O_PATH | O_CLOEXEC,
                                    RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
      g_autofd int mnt = -1;

      if (fd < 0 && errno == ENOENT)
        continue;
      if (fd < 0)
        return wr_throw_errno (error, "linux.readonlyPaths[%u]: %s", i, paths[i]);
      mnt = mount_fd_clone (fd, NULL, TRUE, error);
      if (mnt < 0 || !mount_fd_setattr (mnt, MOUNT_ATTR_RDONLY, 0, 0, TRUE, error)
          || !mount_fd_attach (mnt, fd, paths[i], error))
        return g_prefix_error (error, "linux.readonlyPaths[%u]: ", i), FALSE;
    }
  return TRUE;
}

gboolean
rootfs_pivot (const LaunchConfig *config, int root_fd, GError **error)
{
  if (fchdir (root_fd) < 0)
    return wr_throw_errno (error, "chdir to rootfs %s", config->rootfs_path);
  if (config->no_pivot)
    {
      if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
        return wr_throw_errno (error, "move rootfs to /");
      if (chroot (".") < 0)
        return wr_throw_errno (error, "chroot");
    }
  else
    {
      /* pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves
       * the new root alone without needing a directory for the old one. */
      if (syscall (SYS_pivot_root, ".", ".") < 0)
        return wr_throw_errno (error, "pivot_root %s", config->rootfs_path);
      if (umount2 (".", MNT_DETACH) < 0)
        return wr_throw_errno (error, "detach the old root");
    }
  if (chdir ("/") < 0)
    return wr_throw_errno (error, "chdir /");
  return TRUE;
}

gboolean
rootfs_finish (const LaunchConfig *config, GError **error)
{
  g_autofd int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  unsigned long prop = config->spec->rootfs_propagation_flags;

  if (root < 0)
    return wr_throw_errno (error, "open /");
  if (config->spec->root_readonly
      && !mount_fd_setattr (root, MOUNT_ATTR_RDONLY, 0, 0, FALSE, error))
    return g_prefix_error (error, "root.readonly: "), FALSE;
  if (prop != 0
      && !mount_fd_setattr (root, 0, 0, prop & ~MS_REC, (prop & MS_REC) != 0, error))
    return g_prefix_error (error, "linux.rootfsPropagation: "), FALSE;
  return TRUE;
}
