#include "wr-path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wr-error.h"
#include "wr-glib-compat.h"

int
wr_openat2 (int dirfd, const char *path, guint64 flags, guint64 resolve)
{
  struct open_how how = { .flags = flags, .mode = 0, .resolve = resolve };
  long r;

  do
    r = syscall (SYS_openat2, dirfd, path, &how, sizeof how);
  while (r < 0 && errno == EAGAIN);
  return (int) r;
}

static const char *
skip_slashes (const char *p)
{
  while (*p == '/')
    p++;
  return p;
}

int
wr_path_open_in_root (int root_fd, const char *path, guint64 extra_resolve, GError **error)
{
  const char *rel = skip_slashes (path);
  int fd;

  if (*rel == '\0')
    rel = ".";
  fd = wr_openat2 (root_fd, rel, O_PATH | O_CLOEXEC,
                   RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve);
  if (fd < 0)
    return wr_throw_errno (error, "resolve %s in the root", path), -1;
  return fd;
}

/* A dangling symlink at dir_fd/name, as the path that replaces it: its target followed by
 * the components after it (absolute targets count from the container's root). NULL when
 * name is not a symlink. */
static char *
follow_dangling (int dir_fd, const char *name, const char *parent, char **rest)
{
  char target[PATH_MAX];
  struct stat st;
  ssize_t len;
  g_autofree char *tail = g_strjoinv ("/", rest);

  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK (st.st_mode))
    return NULL;
  len = readlinkat (dir_fd, name, target, sizeof target - 1);
  if (len < 0)
    return NULL;
  target[len] = '\0';
  if (target[0] == '/')
    return g_strconcat (target, "/", tail, NULL);
  return g_strconcat ("/", parent, "/", target, "/", tail, NULL);
}

/* Symlinks followed while creating, as the kernel's limit for one lookup. */
#define MAX_DANGLING_LINKS 40

static int
mkdir_in_root (int root_fd, const char *path, const char *orig, WrPathKind kind, int links,
               GError **error)
{
  g_auto (GStrv) parts = g_strsplit (skip_slashes (path), "/", -1);
  g_autoptr (GString) prefix = g_string_new (NULL);
  g_autofd int cur = -1;
  guint n = g_strv_length (parts);

  /* The last component that names something: a trailing "/" or "." does not. */
  while (n > 0 && (*parts[n - 1] == '\0' || strcmp (parts[n - 1], ".") == 0))
    n--;
  cur = wr_openat2 (root_fd, ".", O_PATH | O_CLOEXEC | O_DIRECTORY, 0);
  if (cur < 0)
    return wr_throw_errno (error, "open root"), -1;

  for (guint i = 0; i < n; i++)
    {
      const char *comp = parts[i];
      gboolean last = (i + 1 == n);
      g_autofree char *parent = g_strdup (prefix->str);
      int next;

      if (*comp == '\0' || strcmp (comp, ".") == 0)
        continue;
      if (prefix->len > 0)
        g_string_append_c (prefix, '/');
      g_string_append (prefix, comp);
      /* Every step resolves the whole prefix from the container's root, so an absolute or
       * ".." symlink anywhere in it is followed as the container would see it, and never
       * leaves root_fd. */
      next = wr_openat2 (root_fd, prefix->str, O_PATH | O_CLOEXEC,
                         RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
      if (next < 0 && errno == ENOENT)
        {
          g_autofree char *redirected = NULL;

          /* Create in the resolved parent; O_EXCL and mkdirat never follow a symlink at comp,
           * so a dangling link fails with EEXIST instead of creating its target. */
          if (!last || kind == WR_PATH_DIR)
            {
              if (mkdirat (cur, comp, 0755) < 0 && errno != EEXIST)
                return wr_throw_errno (error, "mkdir %s (in %s)", comp, orig), -1;
            }
          else
            {
              int f = openat (cur, comp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
                              0644);
              if (f < 0 && errno != EEXIST)
                return wr_throw_errno (error, "create %s (in %s)", comp, orig), -1;
              if (f >= 0)
                (void) close (f);
            }
          next = wr_openat2 (root_fd, prefix->str, O_PATH | O_CLOEXEC,
                             RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
          /* Still missing: comp is a dangling symlink. Create what it points to, resolved in
           * the root like everything else (runc and crun do the same). */
          if (next < 0 && errno == ENOENT
              && (redirected = follow_dangling (cur, comp, parent, parts + i + 1)) != NULL)
            {
              if (links >= MAX_DANGLING_LINKS)
                return wr_throw_errno_value (error, ELOOP, "resolve %s in the root", orig), -1;
              return mkdir_in_root (root_fd, redirected, orig, kind, links + 1, error);
            }
        }
      if (next < 0)
        return wr_throw_errno (error, "resolve %s in the root", orig), -1;
      g_clear_fd (&cur, NULL);
      cur = next;
    }
  return g_steal_fd (&cur);
}

int
wr_path_mkdir_in_root (int root_fd, const char *path, WrPathKind kind, GError **error)
{
  const char *rel = skip_slashes (path);
  int fd;

  /* Most targets exist: one lookup of the whole path, resolved exactly as each prefix would
   * be below (in the root, no magic links). Only what is missing takes the walk. */
  fd = wr_openat2 (root_fd, *rel != '\0' ? rel : ".", O_PATH | O_CLOEXEC,
                   RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd >= 0 || errno != ENOENT)
    {
      if (fd < 0)
        return wr_throw_errno (error, "resolve %s in the root", path), -1;
      return fd;
    }
  return mkdir_in_root (root_fd, path, path, kind, 0, error);
}

char *
wr_fd_path (int fd)
{
  return g_strdup_printf ("/proc/self/fd/%d", fd);
}

gboolean
wr_path_is_clean (const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (strcmp (parts[i], ".") == 0 || strcmp (parts[i], "..") == 0)
        return FALSE;
    }
  return TRUE;
}
