/* lsm: AppArmor profiles and SELinux labels. Whether the host enforces them is decided in
 * warren before anything is created; the process label is set on the container's process
 * through the host's procfs, to take effect at its execve. The mount label becomes the
 * context= of the filesystems the container gets (rootfs.c). */
#pragma once

#include <glib.h>

/* Refuse what the host cannot enforce: never a silent start unconfined. `what_profile` and
 * `what_label` name the fields in errors ("config.json: process.apparmorProfile",
 * "--apparmor"). NULL or empty values ask for nothing. */
gboolean lsm_check (const char *apparmor_profile, const char *what_profile,
                    const char *selinux_label, const char *what_label, GError **error);
/* linux.mountLabel: the context for the container's new filesystems when SELinux is on; NULL
 * without a label, or (with a warning, as runc and crun ignore it) when SELinux is off. */
const char *lsm_mount_context (const char *mount_label);

/* Set the exec-time profile and label of the calling thread through the host procfs fd
 * `proc_fd`. */
gboolean lsm_set_exec_labels (const char *apparmor_profile, const char *selinux_label,
                              int proc_fd, GError **error);
