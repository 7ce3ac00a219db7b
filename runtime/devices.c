#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mount-fd.h"
#include "wr-error.h"
#include "wr-glib-compat.h"
#include "wr-path.h"

typedef struct
{
  const char *path;
  unsigned major;
  unsigned minor;
} DefaultDevice;

static const DefaultDevice default_devices[] = {
  { "/dev/null", 1, 3 },    { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 },  { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const struct
{
  const char *name;
  const char *target;
} dev_links[] = {
  { "fd", "/proc/self/fd" },     { "stdin", "/proc/self/fd/0" },
  { "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
  { "ptmx", "pts/ptmx" },        { "core", "/proc/kcore" },
};

/* Remove whatever the image has at dir/name (a file, a symlink, a node), so the node we make
 * is ours; a non-empty directory there is an error. */
static gboolean
clear_entry (int dir_fd, const char *name, const char *what, GError **error)
{
  if (unlinkat (dir_fd, name, 0) == 0 || errno == ENOENT)
    return TRUE;
  if (errno == EISDIR && unlinkat (dir_fd, name, AT_REMOVEDIR) == 0)
    return TRUE;
  return wr_throw_errno (error, "replace %s", what);
}

static gboolean
make_node (int root_fd, const char *path, char type, unsigned major, unsigned minor,
           guint32 mode, guint32 uid, guint32 gid, gboolean use_bind, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  g_autofd int dir_fd = wr_path_mkdir_in_root (root_fd, dir, WR_PATH_DIR, error);
  mode_t fmt = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;

  if (dir_fd < 0 || !clear_entry (dir_fd, name, path, error))
    return FALSE;
  if (!use_bind || type == 'p')
    {
      if (mknodat (dir_fd, name, fmt | (mode & 07777), makedev (major, minor)) < 0)
        return wr_throw_errno (error, "mknod %s", path);
      if (fchownat (dir_fd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        return wr_throw_errno (error, "chown %s", path);
      return TRUE;
    }
  else
    {
      g_autofd int file = -1;
      g_autofd int host = -1;
      g_autofd int mnt = -1;
      struct stat st;

      /* A user namespace may not mknod: bind the host's node, after checking it is the
       * device the config names. */
      host = open (path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (host < 0 || fstat (host, &st) < 0)
        return wr_throw_errno (error, "open host device %s", path);
      if ((st.st_mode & S_IFMT) != fmt || major (st.st_rdev) != major
          || minor (st.st_rdev) != minor)
        return wr_throw (error, WARREN_ERROR_FAILED,
                         "host %s is not the device %c %u:%u, cannot bind it", path, type, major,
                         minor);
      file = openat (dir_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0000);
      if (file < 0)
        return wr_throw_errno (error, "create %s", path);
      g_clear_fd (&file, NULL);
      file = openat (dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (file < 0)
        return wr_throw_errno (error, "open %s", path);
      mnt = mount_fd_clone (host, NULL, FALSE, error);
      if (mnt < 0 || !mount_fd_attach (mnt, file, path, error))
        return FALSE;
      return TRUE;
    }
}

static gboolean
dev_is_host_bind (const WarrenSpec *spec)
{
  for (guint i = 0; i < spec->n_mounts; i++)
    if (strcmp (spec->mounts[i].destination, "/dev") == 0 && spec->mounts[i].bind)
      return TRUE;
  return FALSE;
}

gboolean
devices_setup (const LaunchConfig *config, int root_fd, gboolean use_bind, GError **error)
{
  const WarrenSpec *spec = config->spec;
  g_autofd int dev_fd = -1;
  mode_t old_umask;
  gboolean ok = FALSE;

  /* /dev bound from the host already has everything. */
  if (dev_is_host_bind (spec))
    return TRUE;
  dev_fd = wr_path_mkdir_in_root (root_fd, "/dev", WR_PATH_DIR, error);
  if (dev_fd < 0)
    return FALSE;
  old_umask = umask (0);
  for (gsize i = 0; i < G_N_ELEMENTS (default_devices); i++)
    if (!make_node (root_fd, default_devices[i].path, 'c', default_devices[i].major,
                    default_devices[i].minor, 0666, 0, 0, use_bind, error))
      goto out;
  for (guint i = 0; i < spec->n_devices; i++)
    {
      const SpecDevice *d = &spec->devices[i];
      if (!make_node (root_fd, d->path, d->type == 'u' ? 'c' : d->type, (unsigned) d->major,
                      (unsigned) d->minor, d->has_mode ? d->file_mode : 0666,
                      d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, use_bind, error))
        {
          g_prefix_error (error, "linux.devices[%u]: ", i);
          goto out;
        }
    }
  for (gsize i = 0; i < G_N_ELEMENTS (dev_links); i++)
    {
      g_autofree char *what = g_strdup_printf ("/dev/%s", dev_links[i].name);
      if (!clear_entry (dev_fd, dev_links[i].name, what, error))
        goto out;
      if (symlinkat (dev_links[i].target, dev_fd, dev_links[i].name) < 0)
        {
          wr_throw_errno (error, "symlink %s", what);
          goto out;
        }
    }
  if (mkdirat (dev_fd, "shm", 01777) < 0 && errno != EEXIST)
    {
      wr_throw_errno (error, "mkdir /dev/shm");
      goto out;
    }
  if (mkdirat (dev_fd, "pts", 0755) < 0 && errno != EEXIST)
    {
      wr_throw_errno (error, "mkdir /dev/pts");
      goto out;
    }
  ok = TRUE;
out:
  umask (old_umask);
  return ok;
}
