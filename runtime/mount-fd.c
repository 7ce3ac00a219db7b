#include "mount-fd.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "wr-error.h"
#include "wr-glib-compat.h"

guint64
mount_fd_attr_from_flags (unsigned long ms_flags)
{
  guint64 attrs = 0;

  if (ms_flags & MS_RDONLY)
    attrs |= MOUNT_ATTR_RDONLY;
  if (ms_flags & MS_NOSUID)
    attrs |= MOUNT_ATTR_NOSUID;
  if (ms_flags & MS_NODEV)
    attrs |= MOUNT_ATTR_NODEV;
  if (ms_flags & MS_NOEXEC)
    attrs |= MOUNT_ATTR_NOEXEC;
  if (ms_flags & MS_NODIRATIME)
    attrs |= MOUNT_ATTR_NODIRATIME;
  if (ms_flags & MS_NOATIME)
    attrs |= MOUNT_ATTR_NOATIME;
  else if (ms_flags & MS_STRICTATIME)
    attrs |= MOUNT_ATTR_STRICTATIME;
  return attrs;
}

int
mount_fd_clone (int dirfd, const char *path, gboolean recursive, GError **error)
{
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  int fd;

  if (path == NULL || *path == '\0')
    {
      path = "";
      flags |= AT_EMPTY_PATH;
    }
  if (recursive)
    flags |= AT_RECURSIVE;
  fd = open_tree (dirfd, path, flags);
  if (fd < 0)
    return wr_throw_errno (error, "open_tree %s", *path ? path : "(fd)"), -1;
  return fd;
}

/* fsconfig failures come with a kernel message readable from the fs context fd. */
static gboolean
fs_fail (int fsfd, const char *type, const char *what, GError **error)
{
  int errsv = errno;
  char buf[512];
  ssize_t n = read (fsfd, buf, sizeof buf - 1);

  if (n > 2)
    {
      buf[n] = '\0';
      g_strchomp (buf);
      /* Messages start with "e " (error), "w " (warning) or "i " (info). */
      return wr_throw_errno_value (error, errsv, "mount %s: %s (%s)", type, what, buf + 2);
    }
  return wr_throw_errno_value (error, errsv, "mount %s: %s", type, what);
}

int
mount_fd_new_fs (const char *type, const char *source, const char *data,
                 const char *context, unsigned long sb_flags, guint64 attrs, GError **error)
{
  g_autofd int fsfd = fsopen (type, FSOPEN_CLOEXEC);
  int mfd;

  if (fsfd < 0)
    return wr_throw_errno (error, "fsopen %s", type), -1;
  if (fsconfig (fsfd, FSCONFIG_SET_STRING, "source", source != NULL ? source : type, 0) < 0)
    return fs_fail (fsfd, type, "source", error), -1;
  if (data != NULL && *data != '\0')
    {
      g_auto (GStrv) opts = g_strsplit (data, ",", -1);
      for (guint i = 0; opts[i] != NULL; i++)
        {
          char *eq;
          int r;

          if (*opts[i] == '\0')
            continue;
          eq = strchr (opts[i], '=');
          if (eq != NULL)
            {
              *eq = '\0';
              r = fsconfig (fsfd, FSCONFIG_SET_STRING, opts[i], eq + 1, 0);
              *eq = '=';
            }
          else
            r = fsconfig (fsfd, FSCONFIG_SET_FLAG, opts[i], NULL, 0);
          if (r < 0)
            return fs_fail (fsfd, type, opts[i], error), -1;
        }
    }
  if ((sb_flags & MS_SYNCHRONOUS) && fsconfig (fsfd, FSCONFIG_SET_FLAG, "sync", NULL, 0) < 0)
    return fs_fail (fsfd, type, "sync", error), -1;
  if ((sb_flags & MS_DIRSYNC) && fsconfig (fsfd, FSCONFIG_SET_FLAG, "dirsync", NULL, 0) < 0)
    return fs_fail (fsfd, type, "dirsync", error), -1;
  if (context != NULL && fsconfig (fsfd, FSCONFIG_SET_STRING, "context", context, 0) < 0)
    return fs_fail (fsfd, type, "context", error), -1;
  if (fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return fs_fail (fsfd, type, "create", error), -1;
  mfd = fsmount (fsfd, FSMOUNT_CLOEXEC, (unsigned) attrs);
  if (mfd < 0)
    return wr_throw_errno (error, "fsmount %s", type), -1;
  return mfd;
}

gboolean
mount_fd_setattr (int mnt_fd, guint64 attr_set, guint64 attr_clr, guint64 propagation,
                  gboolean recursive, GError **error)
{
  struct mount_attr attr = {
    .attr_set = attr_set,
    .attr_clr = attr_clr,
    .propagation = propagation,
  };

  if (attr_set == 0 && attr_clr == 0 && propagation == 0)
    return TRUE;
  /* Setting an atime mode means clearing the others first. */
  if ((attr_set & (MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME)) != 0)
    attr.attr_clr |= MOUNT_ATTR__ATIME;
  if (mount_setattr (mnt_fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
                     sizeof attr)
      < 0)
    return wr_throw_errno (error, "mount_setattr");
  return TRUE;
}

gboolean
mount_fd_attach (int mnt_fd, int target_fd, const char *what, GError **error)
{
  if (move_mount (mnt_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
      < 0)
    return wr_throw_errno (error, "mount on %s", what);
  return TRUE;
}
