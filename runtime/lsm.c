#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <gio/gio.h>

#include "log.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"
#include "wr-path.h"

#define SELINUX_MAGIC 0xf97cff8c

static gboolean
is_set (const char *value)
{
  return value != NULL && *value != '\0';
}

/* As runc decides it: securityfs shows the module and the module says it is on. */
static gboolean
apparmor_enabled (void)
{
  g_autofree char *enabled = NULL;

  if (access ("/sys/kernel/security/apparmor", F_OK) < 0)
    return FALSE;
  return g_file_get_contents ("/sys/module/apparmor/parameters/enabled", &enabled, NULL, NULL)
         && enabled[0] == 'Y';
}

static gboolean
selinux_enabled (void)
{
  struct statfs sfs;

  return statfs ("/sys/fs/selinux", &sfs) == 0 && (guint32) sfs.f_type == SELINUX_MAGIC;
}

gboolean
lsm_check (const char *apparmor_profile, const char *what_profile, const char *selinux_label,
           const char *what_label, GError **error)
{
  if (is_set (apparmor_profile) && !apparmor_enabled ())
    return wr_throw (error, WARREN_ERROR_NOT_SUPPORTED,
                     "%s: AppArmor is not enabled on this host, so profile \"%s\" cannot be "
                     "applied",
                     what_profile, apparmor_profile);
  if (is_set (selinux_label) && !selinux_enabled ())
    return wr_throw (error, WARREN_ERROR_NOT_SUPPORTED,
                     "%s: SELinux is not enabled on this host, so label \"%s\" cannot be "
                     "applied",
                     what_label, selinux_label);
  return TRUE;
}

const char *
lsm_mount_context (const char *mount_label)
{
  if (!is_set (mount_label))
    return NULL;
  if (!selinux_enabled ())
    {
      /* A file label means nothing without SELinux; runc and crun ignore it the same way. */
      log_warning ("linux.mountLabel: SELinux is not enabled on this host; \"%s\" is not "
                   "applied", mount_label);
      return NULL;
    }
  return mount_label;
}

static gboolean
write_attr (int proc_fd, const char *path, const char *value, const char *what, GError **error)
{
  /* thread-self is a plain symlink of procfs; no magic link is followed. */
  g_autofd int fd = wr_openat2 (proc_fd, path, O_WRONLY | O_CLOEXEC,
                                RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);

  if (fd < 0)
    return wr_throw_errno (error, "%s: open /proc/%s", what, path);
  if (!wr_write_all (fd, value, strlen (value), error))
    return g_prefix_error (error, "%s: write /proc/%s: ", what, path), FALSE;
  return TRUE;
}

gboolean
lsm_set_exec_labels (const char *apparmor_profile, const char *selinux_label, int proc_fd,
                     GError **error)
{
  if (is_set (apparmor_profile))
    {
      g_autofree char *command = g_strdup_printf ("exec %s", apparmor_profile);
      g_autoptr (GError) local = NULL;

      /* The AppArmor-specific file since Linux 5.8; the shared one before. */
      if (!write_attr (proc_fd, "thread-self/attr/apparmor/exec", command, "apparmorProfile",
                       &local))
        {
          if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          if (!write_attr (proc_fd, "thread-self/attr/exec", command, "apparmorProfile", error))
            return FALSE;
        }
    }
  if (is_set (selinux_label)
      && !write_attr (proc_fd, "thread-self/attr/exec", selinux_label, "selinuxLabel", error))
    return FALSE;
  return TRUE;
}
