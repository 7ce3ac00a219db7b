/* lsm: AppArmor profiles and SELinux process labels. Whether the host enforces them is
 * decided in warren before anything is created; the label is set on the container's process
 * through the host's procfs, to take effect at its execve. Mount labels are left to later
 * work (refused by name). */
#pragma once

#include <glib.h>

/* Refuse what the host cannot enforce: never a silent start unconfined. `what_profile` and
 * `what_label` name the fields in errors ("config.json: process.apparmorProfile",
 * "--apparmor"). NULL or empty values ask for nothing. */
gboolean lsm_check (const char *apparmor_profile, const char *what_profile,
                    const char *selinux_label, const char *what_label, GError **error);
gboolean lsm_check_mount_label (const char *mount_label, GError **error);

/* Set the exec-time profile and label of the calling thread through the host procfs fd
 * `proc_fd`. */
gboolean lsm_set_exec_labels (const char *apparmor_profile, const char *selinux_label,
                              int proc_fd, GError **error);
