/* rootfs: the container's mount tree, built in the init's new mount namespace before
 * pivot_root: the rootfs bind, the config's mounts, masked and read-only paths, then the pivot
 * and the read-only remount. Device nodes are devices.c; the console is terminal.c. */
#pragma once

#include <glib.h>

#include "launch.h"

/* Make the rootfs a mount of its own; returns an O_PATH fd of its root, from which every
 * later path is resolved (openat2 RESOLVE_IN_ROOT). */
int rootfs_bind_root (const LaunchConfig *config, GError **error);
gboolean rootfs_mount_all (const LaunchConfig *config, int root_fd, GError **error);
/* Create process.cwd inside the root when missing (runc does the same). */
gboolean rootfs_create_cwd (const LaunchConfig *config, int root_fd, GError **error);
/* The host's /dev/null as this mount namespace sees it, checked to be the 1:3 device: masks
 * bind it, never the container's own /dev/null (runc CVE-2025-31133). */
int rootfs_open_devnull (GError **error);
gboolean rootfs_mask_paths (const LaunchConfig *config, int root_fd, GError **error);
gboolean rootfs_readonly_paths (const LaunchConfig *config, int root_fd, GError **error);
gboolean rootfs_pivot (const LaunchConfig *config, int root_fd, GError **error);
/* After the pivot: root.readonly and rootfsPropagation. */
gboolean rootfs_finish (const LaunchConfig *config, GError **error);
