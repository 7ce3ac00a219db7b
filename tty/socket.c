#include "socket.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "wr-error.h"
#include "wr-glib-compat.h"

char *
tty_socket_default_path (GError **error)
{
  const char *runtime_dir;

  if (geteuid () == 0)
    return g_strdup ("/run/warren-tty/console.sock");
  runtime_dir = g_getenv ("XDG_RUNTIME_DIR");
  if (runtime_dir == NULL || *runtime_dir != '/')
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "XDG_RUNTIME_DIR is not set to an absolute path; set it or pass --socket"),
           NULL;
  return g_build_filename (runtime_dir, "warren-tty", "console.sock", NULL);
}

static gboolean
fill_address (struct sockaddr_un *addr, const char *path, GError **error)
{
  memset (addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  if (strlen (path) >= sizeof addr->sun_path)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "socket path %s is too long (limit %zu "
                     "bytes)",
                     path, sizeof addr->sun_path - 1);
  strcpy (addr->sun_path, path);
  return TRUE;
}

static gboolean
ensure_parent (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  struct stat st;

  if (lstat (dir, &st) == 0)
    {
      if (!S_ISDIR (st.st_mode))
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "%s is not a directory", dir);
      return TRUE;
    }
  if (errno != ENOENT)
    return wr_throw_errno (error, "%s", dir);
  if (g_mkdir_with_parents (dir, 0700) < 0)
    return wr_throw_errno (error, "create %s", dir);
  return TRUE;
}

/* A socket file at the path: in use when someone accepts on it, stale otherwise. */
static gboolean
socket_answers (const struct sockaddr_un *addr)
{
  g_autofd int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  return fd >= 0 && connect (fd, (const struct sockaddr *)addr, sizeof *addr) == 0;
}

int
tty_socket_listen (const char *path, GError **error)
{
  struct sockaddr_un addr;
  g_autofd int fd = -1;
  struct stat st;
  mode_t old_umask;
  int r;

  if (!fill_address (&addr, path, error) || !ensure_parent (path, error))
    return -1;
  if (lstat (path, &st) == 0)
    {
      if (S_ISLNK (st.st_mode))
        return wr_throw (error, WARREN_ERROR_EXISTS, "%s is a symlink; refusing to use it", path),
               -1;
      if (!S_ISSOCK (st.st_mode))
        return wr_throw (error, WARREN_ERROR_EXISTS, "%s exists and is not a socket", path), -1;
      if (socket_answers (&addr))
        return wr_throw (error, WARREN_ERROR_EXISTS, "%s: another server is listening on it", path),
               -1;
      if (unlink (path) < 0 && errno != ENOENT)
        return wr_throw_errno (error, "remove stale socket %s", path), -1;
    }
  else if (errno != ENOENT)
    return wr_throw_errno (error, "%s", path), -1;

  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return wr_throw_errno (error, "socket"), -1;
  /* bind() creates the file with the umask applied: 0600 from birth, no window in which
   * another user could connect. bind() never follows a symlink planted meanwhile (EADDRINUSE). */
  old_umask = umask (0177);
  r = bind (fd, (struct sockaddr *)&addr, sizeof addr);
  umask (old_umask);
  if (r < 0)
    return wr_throw_errno (error, "bind %s", path), -1;
  if (listen (fd, 128) < 0)
    return wr_throw_errno (error, "listen %s", path), -1;
  return g_steal_fd (&fd);
}

int
tty_socket_accept (int listen_fd, GError **error)
{
  g_autofd int fd = -1;
  struct ucred cred;
  socklen_t len = sizeof cred;

  do
    fd = accept4 (listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return wr_throw_errno (error, "accept"), -1;
  /* Before reading anything: only our own uid may hand us a console or attach. */
  if (getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
    return wr_throw_errno (error, "SO_PEERCRED"), -1;
  if (cred.uid != geteuid ())
    return wr_throw (error, WARREN_ERROR_FAILED,
                     "refused a connection from uid %u (pid %d): only uid %u may connect",
                     (unsigned)cred.uid, (int)cred.pid, (unsigned)geteuid ()),
           -1;
  return g_steal_fd (&fd);
}

int
tty_socket_connect (const char *path, GError **error)
{
  struct sockaddr_un addr;
  g_autofd int fd = -1;

  if (!fill_address (&addr, path, error))
    return -1;
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return wr_throw_errno (error, "socket"), -1;
  if (connect (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    return wr_throw_errno (error, "connect %s", path), -1;
  return g_steal_fd (&fd);
}
