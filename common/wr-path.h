/* wr-path: resolving paths inside a root directory fd with openat2(RESOLVE_IN_ROOT), and
 * creating missing components there. Never joins strings to reach into a container. */
#pragma once

#include <glib.h>
#include <linux/openat2.h>

/* openat2 with the given flags and resolve bits; -1 with errno on failure. */
int wr_openat2 (int dirfd, const char *path, guint64 flags, guint64 resolve);

/* Open `path` (absolute or relative, interpreted inside root_fd) with O_PATH. */
int wr_path_open_in_root (int root_fd, const char *path, guint64 extra_resolve, GError **error);

typedef enum
{
  WR_PATH_DIR,
  WR_PATH_FILE,
} WrPathKind;

/* Resolve `path` inside root_fd, creating missing parent directories (mode 0755) and the last
 * component as a directory or empty file when absent. Returns an O_PATH fd of the result.
 * Creation never follows a symlink: a dangling link at the last component is an error. */
int wr_path_mkdir_in_root (int root_fd, const char *path, WrPathKind kind, GError **error);

/* "/proc/self/fd/N" for mount(2) calls on an fd. */
char *wr_fd_path (int fd);

/* A path is "clean" when it has no "." or ".." component and no empty components besides a
 * leading "/". */
gboolean wr_path_is_clean (const char *path);
