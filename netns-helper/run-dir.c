#include "run-dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

struct RunDir
{
  char *path;
  char *id;
  int base_fd; /* removing the directory goes through it: the sandbox hides the path */
  int dfd;
  int lock_fd;
  gboolean committed;
};

char *
run_dir_base (const char *base, GError **error)
{
  const char *xdg = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *user_dir = NULL;
  struct stat st;

  if (base != NULL)
    return g_strdup (base);
  if (getuid () == 0)
    return g_strdup ("/run/warren-netns");
  if (xdg != NULL && xdg[0] == '/')
    return g_build_filename (xdg, "warren-netns", NULL);
  /* Hooks run with the config's env, which rarely has XDG_RUNTIME_DIR: take the directory
   * pam_systemd makes, when it is ours. */
  user_dir = g_strdup_printf ("/run/user/%u", getuid ());
  if (stat (user_dir, &st) == 0 && S_ISDIR (st.st_mode) && st.st_uid == getuid ())
    return g_build_filename (user_dir, "warren-netns", NULL);
  return wr_throw (error, WARREN_ERROR_NOT_FOUND,
                   "no run directory: set XDG_RUNTIME_DIR or pass --run-dir"),
         NULL;
}

/* mkdir -m 0700 `path` unless it exists; either way it must be a directory of ours that
 * nobody else can enter. */
static int
open_private_dir (int at, const char *path, GError **error)
{
  g_autofd int fd = -1;
  struct stat st;

  if (mkdirat (at, path, 0700) < 0 && errno != EEXIST)
    return wr_throw_errno (error, "create %s", path), -1;
  fd = openat (at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return wr_throw_errno (error, "open %s", path), -1;
  if (fstat (fd, &st) < 0)
    return wr_throw_errno (error, "stat %s", path), -1;
  if (st.st_uid != geteuid () || (st.st_mode & 0077) != 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "%s: must be owned by uid %u with no group or other access", path, geteuid ()),
           -1;
  return g_steal_fd (&fd);
}

static RunDir *
open_and_lock (const char *base, const char *id, gboolean create, GError **error)
{
  g_autoptr (RunDir) dir = g_new0 (RunDir, 1);
  g_autofree char *base_dir = NULL;

  dir->base_fd = -1;
  dir->dfd = -1;
  dir->lock_fd = -1;
  dir->committed = TRUE; /* nothing to remove until we created it */
  if ((base_dir = run_dir_base (base, error)) == NULL)
    return NULL;
  dir->path = g_build_filename (base_dir, id, NULL);
  dir->id = g_strdup (id);
  if (!create && faccessat (AT_FDCWD, dir->path, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT)
        return wr_throw (error, WARREN_ERROR_NOT_FOUND, "no warren-netns has run for %s (no %s)",
                         id, dir->path),
               NULL;
      return wr_throw_errno (error, "%s", dir->path), NULL;
    }
  if ((dir->base_fd = open_private_dir (AT_FDCWD, base_dir, error)) < 0)
    return NULL;
  if ((dir->dfd = open_private_dir (dir->base_fd, id, error)) < 0)
    return NULL;
  dir->lock_fd = openat (dir->dfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (dir->lock_fd < 0)
    return wr_throw_errno (error, "open %s/lock", dir->path), NULL;
  if (flock (dir->lock_fd, LOCK_EX | LOCK_NB) < 0)
    {
      if (errno == EWOULDBLOCK)
        return wr_throw (error, WARREN_ERROR_EXISTS, "a warren-netns for %s runs already (%s)", id,
                         dir->path),
               NULL;
      return wr_throw_errno (error, "lock %s", dir->path), NULL;
    }
  dir->committed = FALSE;
  return g_steal_pointer (&dir);
}

RunDir *
run_dir_open (const char *base, const char *id, GError **error)
{
  return open_and_lock (base, id, TRUE, error);
}

RunDir *
run_dir_reopen (const char *base, const char *id, GError **error)
{
  return open_and_lock (base, id, FALSE, error);
}

int
run_dir_fd (RunDir *dir)
{
  return dir->dfd;
}

const char *
run_dir_path (RunDir *dir)
{
  return dir->path;
}

int
run_dir_open_log (RunDir *dir, GError **error)
{
  int fd = openat (dir->dfd, "log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0)
    return wr_throw_errno (error, "open %s/log", dir->path), -1;
  return fd;
}

gboolean
run_dir_write_pid (RunDir *dir, pid_t pid, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%d\n", (int) pid);
  g_autofd int fd
      = openat (dir->dfd, "pid.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0)
    return wr_throw_errno (error, "open %s/pid.tmp", dir->path);
  if (!wr_write_all (fd, text, strlen (text), error))
    return g_prefix_error (error, "%s/pid.tmp: ", dir->path), FALSE;
  if (renameat (dir->dfd, "pid.tmp", dir->dfd, "pid") < 0)
    return wr_throw_errno (error, "rename %s/pid.tmp", dir->path);
  return TRUE;
}

void
run_dir_commit (RunDir *dir)
{
  dir->committed = TRUE;
}

void
run_dir_free (RunDir *dir)
{
  if (dir == NULL)
    return;
  if (!dir->committed && dir->dfd >= 0)
    {
      static const char *const files[] = { "pid.tmp", "pid", "api.sock", "net.json", "log",
                                           "lock" };
      for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
        (void) unlinkat (dir->dfd, files[i], 0); /* some were never made */
      /* Still locked while we remove it: a new helper for the id waits on a fresh lock. */
      if (unlinkat (dir->base_fd, dir->id, AT_REMOVEDIR) < 0 && errno != ENOENT)
        g_warning ("remove %s: %s", dir->path, g_strerror (errno));
    }
  if (dir->lock_fd >= 0)
    (void) close (dir->lock_fd);
  if (dir->dfd >= 0)
    (void) close (dir->dfd);
  if (dir->base_fd >= 0)
    (void) close (dir->base_fd);
  g_free (dir->path);
  g_free (dir->id);
  g_free (dir);
}
