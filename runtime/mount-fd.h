/* mount-fd: the new mount API (open_tree, fsopen/fsmount, mount_setattr, move_mount) wrapped
 * for fd-to-fd mounts: nothing is mounted through a path string. Which mounts to make is left
 * to rootfs.c, devices.c and terminal.c. */
#pragma once

#include <glib.h>
#include <stdint.h>

/* Translate MS_* flags (as spec.c derives them) into MOUNT_ATTR_* bits. */
guint64 mount_fd_attr_from_flags (unsigned long ms_flags);

/* A detached copy of the tree at dirfd/path (empty path: dirfd itself). */
int mount_fd_clone (int dirfd, const char *path, gboolean recursive, GError **error);

/* A detached new filesystem. `data` is the comma-separated option string (key=value or flag);
 * `context` an SELinux context= (it may hold commas, so it is set on its own) or NULL;
 * sb_flags are superblock flags (MS_SYNCHRONOUS, MS_DIRSYNC); `attrs` MOUNT_ATTR_*. */
int mount_fd_new_fs (const char *type, const char *source, const char *data,
                     const char *context, unsigned long sb_flags, guint64 attrs,
                     GError **error);

/* Set mount attributes (and propagation, 0 for none) on a mount fd. */
gboolean mount_fd_setattr (int mnt_fd, guint64 attr_set, guint64 attr_clr, guint64 propagation,
                           gboolean recursive, GError **error);

/* Attach a detached mount on top of target_fd (an O_PATH fd of the mountpoint). The mount fd
 * then names the attached mount. `what` names the target in errors. */
gboolean mount_fd_attach (int mnt_fd, int target_fd, const char *what, GError **error);
