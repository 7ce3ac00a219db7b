#include "sandbox-fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

#define HOST_RESOLV_CONF "/etc/resolv.conf"
/* Where the new root is built, in our private mount namespace: a directory every system has. */
#define SANDBOX_FS_BUILD "/tmp"

static char *resolv_conf_text;

void
sandbox_fs_set_resolv_conf (const char *text)
{
  g_free (resolv_conf_text);
  resolv_conf_text = g_strdup (text);
}

static gboolean
write_proc_self (const char *name, const char *text, GError **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/%s", name);
  g_autofd int fd = open (path, O_WRONLY | O_CLOEXEC);

  if (fd < 0)
    return wr_throw_errno (error, "open %s", path);
  if (!wr_write_all (fd, text, strlen (text), error))
    return g_prefix_error (error, "%s: ", path), FALSE;
  return TRUE;
}

/* A mount namespace of our own. As root, directly. Without CAP_SYS_ADMIN, inside a user
 * namespace of our own in which we are who we were: only our uid and gid are mapped, so the
 * files we still reach through open fds (the log, the run dir) see the same owner. */
static gboolean
unshare_mount_namespace (GError **error)
{
  uid_t uid = geteuid ();
  gid_t gid = getegid ();
  g_autofree char *uid_map = g_strdup_printf ("%u %u 1\n", uid, uid);
  g_autofree char *gid_map = g_strdup_printf ("%u %u 1\n", gid, gid);

  if (unshare (CLONE_NEWNS) == 0)
    return TRUE;
  if (errno != EPERM)
    return wr_throw_errno (error, "unshare the mount namespace");
  if (unshare (CLONE_NEWUSER | CLONE_NEWNS) < 0)
    return wr_throw_errno (error, "unshare a user and mount namespace");
  /* setgroups must be off before an unprivileged process may write its gid_map. */
  return write_proc_self ("setgroups", "deny", error)
         && write_proc_self ("uid_map", uid_map, error)
         && write_proc_self ("gid_map", gid_map, error);
}

/* Bind `source` on `target` read-only. The remount must repeat the flags the kernel locked on
 * the source's mount when the mount namespace was made from a more privileged one. */
static gboolean
bind_read_only (const char *source, const char *target, GError **error)
{
  struct statvfs sv;
  unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;

  if (mount (source, target, NULL, MS_BIND, NULL) < 0)
    return wr_throw_errno (error, "bind %s", source);
  if (statvfs (target, &sv) < 0)
    return wr_throw_errno (error, "statvfs %s", source);
  if (sv.f_flag & ST_NOSUID)
    flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    flags |= MS_RELATIME;
  if (mount (NULL, target, NULL, flags, NULL) < 0)
    return wr_throw_errno (error, "remount %s read-only", source);
  return TRUE;
}

/* /etc/resolv.conf of the new root, built under SANDBOX_FS_BUILD. */
static gboolean
populate (const char *host_resolv_conf, GError **error)
{
  const char *target = SANDBOX_FS_BUILD "/etc/resolv.conf";
  g_autofd int fd = -1;

  if (mkdir (SANDBOX_FS_BUILD "/etc", 0755) < 0)
    return wr_throw_errno (error, "mkdir %s/etc", SANDBOX_FS_BUILD);
  if (resolv_conf_text == NULL && host_resolv_conf == NULL)
    return TRUE; /* the host has none: libslirp has no resolver either way */
  fd = open (target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    return wr_throw_errno (error, "create %s", target);
  if (resolv_conf_text != NULL)
    return wr_write_all (fd, resolv_conf_text, strlen (resolv_conf_text), error);
  /* A bind sees the host's edits in place (not a replacement by rename, as some resolver
   * managers do: that one the helper keeps until it restarts). */
  return bind_read_only (host_resolv_conf, target, error);
}

gboolean
sandbox_fs_enter (GError **error)
{
  g_autofree char *host_resolv_conf = NULL;

  /* What the host's file system still has to give, before it is out of sight: the resolver's
   * file (a link to /run/... on many systems), and the local time zone for the log. */
  if (resolv_conf_text == NULL)
    host_resolv_conf = realpath (HOST_RESOLV_CONF, NULL);
  g_time_zone_unref (g_time_zone_new_local ());

  if (!unshare_mount_namespace (error))
    return FALSE;
  /* Nothing we mount from here on may reach the host's namespace. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return wr_throw_errno (error, "make / private");
  if (mount ("tmpfs", SANDBOX_FS_BUILD, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
             "mode=0755,size=16k,nr_inodes=16")
      < 0)
    return wr_throw_errno (error, "mount a tmpfs on %s", SANDBOX_FS_BUILD);
  if (!populate (host_resolv_conf, error))
    return FALSE;
  /* pivot_root(".", ".") stacks the old root on the new one; detaching it leaves only ours
   * (runc's pivotRoot does the same, without a directory for the old root). */
  if (chdir (SANDBOX_FS_BUILD) < 0)
    return wr_throw_errno (error, "chdir %s", SANDBOX_FS_BUILD);
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return wr_throw_errno (error, "pivot_root into %s", SANDBOX_FS_BUILD);
  if (umount2 (".", MNT_DETACH) < 0)
    return wr_throw_errno (error, "detach the host's root");
  if (chdir ("/") < 0)
    return wr_throw_errno (error, "chdir /");
  if (mount (NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    return wr_throw_errno (error, "remount the sandbox's root read-only");
  return TRUE;
}
