#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>
#include <linux/magic.h>
#include <glib-unix.h>

#include "mount-fd.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"
#include "wr-path.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

int
terminal_create_in_root (int root_fd, const SpecProcess *process, gboolean bind_console,
                         int *out_slave, GError **error)
{
  g_autofd int master = -1;
  g_autofd int slave = -1;
  g_autofd int dev_fd = -1;
  g_autofd int console = -1;
  g_autofd int mnt = -1;
  struct statfs sfs;
  int unlock = 0;

  /* The master comes from the container's own devpts instance, reached without following any
   * symlink, so an image with /dev/pts/ptmx planted as a link cannot hand us a host pty
   * (runc CVE-2025-52565 class). */
  master = wr_openat2 (root_fd, "dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC,
                       RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
  if (master < 0)
    return wr_throw_errno (error, "process.terminal: open /dev/pts/ptmx in the container (a "
                                  "devpts mount on /dev/pts is needed)"),
           -1;
  if (fstatfs (master, &sfs) < 0)
    return wr_throw_errno (error, "process.terminal: statfs /dev/pts/ptmx"), -1;
  if (sfs.f_type != DEVPTS_SUPER_MAGIC)
    return wr_throw (error, WARREN_ERROR_FAILED,
                     "process.terminal: /dev/pts/ptmx in the container is not on devpts"),
           -1;
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return wr_throw_errno (error, "process.terminal: unlock pty"), -1;
  slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return wr_throw_errno (error, "process.terminal: open pty peer"), -1;
  if (process->console_width > 0 && process->console_height > 0)
    {
      struct winsize ws = { .ws_row = (unsigned short) MIN (process->console_height, 65535),
                            .ws_col = (unsigned short) MIN (process->console_width, 65535) };
      if (ioctl (master, TIOCSWINSZ, &ws) < 0)
        return wr_throw_errno (error, "process.consoleSize: set window size"), -1;
    }
  if (fchown (slave, process->uid, process->gid) < 0 && errno != EINVAL)
    return wr_throw_errno (error, "process.terminal: chown pty to %u:%u", process->uid,
                           process->gid),
           -1;

  if (!bind_console)
    {
      *out_slave = g_steal_fd (&slave);
      return g_steal_fd (&master);
    }
  /* /dev/console becomes a bind of the peer; whatever the image had there is replaced. */
  dev_fd = wr_path_mkdir_in_root (root_fd, "/dev", WR_PATH_DIR, error);
  if (dev_fd < 0)
    return -1;
  if (unlinkat (dev_fd, "console", 0) < 0 && errno != ENOENT)
    return wr_throw_errno (error, "replace /dev/console"), -1;
  console = openat (dev_fd, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                    0000);
  if (console < 0)
    return wr_throw_errno (error, "create /dev/console"), -1;
  g_clear_fd (&console, NULL);
  console = openat (dev_fd, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (console < 0)
    return wr_throw_errno (error, "open /dev/console"), -1;
  mnt = mount_fd_clone (slave, NULL, FALSE, error);
  if (mnt < 0 || !mount_fd_attach (mnt, console, "/dev/console", error))
    return -1;
  *out_slave = g_steal_fd (&slave);
  return g_steal_fd (&master);
}

gboolean
terminal_become_stdio (int slave, GError **error)
{
  if (setsid () < 0)
    return wr_throw_errno (error, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return wr_throw_errno (error, "set controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return wr_throw_errno (error, "dup2 pty to fd %d", fd);
  return TRUE;
}

int
terminal_console_socket_connect (const char *path, GError **error)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  g_autofd int sock = -1;
  struct stat st;

  if (strlen (path) >= sizeof addr.sun_path)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--console-socket: path %s is too long", path),
           -1;
  if (stat (path, &st) < 0)
    return wr_throw_errno (error, "--console-socket: %s", path), -1;
  if (!S_ISSOCK (st.st_mode))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--console-socket: %s is not a socket", path),
           -1;
  strcpy (addr.sun_path, path);
  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return wr_throw_errno (error, "--console-socket: socket"), -1;
  if (connect (sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    return wr_throw_errno (error, "--console-socket: connect %s", path), -1;
  {
    struct ucred peer;
    socklen_t len = sizeof peer;

    /* The master is the container's console: only a server of our own user (or root) may
     * have it, whoever owns or can reach the socket file. */
    if (getsockopt (sock, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0)
      return wr_throw_errno (error, "--console-socket: who listens on %s", path), -1;
    if (peer.uid != geteuid () && peer.uid != 0)
      return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                       "--console-socket: %s is served by uid %u, not by this user (uid %u); "
                       "the console is not sent to another user",
                       path, (unsigned) peer.uid, (unsigned) geteuid ()),
             -1;
  }
  return g_steal_fd (&sock);
}

gboolean
terminal_console_socket_send (int sock, int master, const char *id, GError **error)
{
  if (!wr_fd_send (sock, master, id, strlen (id), error))
    return g_prefix_error (error, "--console-socket: "), FALSE;
  return TRUE;
}

struct _TerminalRelay
{
  int master;
  gboolean stdin_is_tty;
  gboolean stdin_open;
  struct termios saved;
};

TerminalRelay *
terminal_relay_new (int master, GError **error)
{
  TerminalRelay *relay = g_new0 (TerminalRelay, 1);

  relay->master = master;
  relay->stdin_open = TRUE;
  relay->stdin_is_tty = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &relay->saved) == 0;
  if (relay->stdin_is_tty)
    {
      struct termios raw = relay->saved;
      /* Fully raw, output included: the container's pty already turns \n into \r\n. */
      cfmakeraw (&raw);
      if (tcsetattr (STDIN_FILENO, TCSANOW, &raw) < 0)
        {
          g_free (relay);
          return wr_throw_errno (error, "set the terminal to raw mode"), NULL;
        }
    }
  terminal_relay_resize (relay);
  (void) g_unix_set_fd_nonblocking (master, TRUE, NULL); /* only makes reads cheaper */
  return relay;
}

void
terminal_relay_resize (TerminalRelay *relay)
{
  struct winsize ws;

  if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
    (void) ioctl (relay->master, TIOCSWINSZ, &ws); /* a size is a nicety, never fatal */
}

static gboolean
copy_once (int from, int to)
{
  char buf[16384];
  ssize_t n = read (from, buf, sizeof buf);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return TRUE;
  if (n <= 0)
    return FALSE;
  return wr_write_all (to, buf, (gsize) n, NULL);
}

gboolean
terminal_relay_pump (TerminalRelay *relay, gboolean stdin_ready, gboolean master_ready)
{
  if (stdin_ready && relay->stdin_open && !copy_once (STDIN_FILENO, relay->master))
    relay->stdin_open = FALSE;
  if (master_ready && !copy_once (relay->master, STDOUT_FILENO))
    return FALSE;
  return TRUE;
}

void
terminal_relay_drain (TerminalRelay *relay)
{
  char buf[16384];

  /* The master is non-blocking: read until it is empty or hung up. */
  for (;;)
    {
      ssize_t n = read (relay->master, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || !wr_write_all (STDOUT_FILENO, buf, (gsize) n, NULL))
        break;
    }
}

int
terminal_relay_master (TerminalRelay *relay)
{
  return relay->master;
}

gboolean
terminal_relay_stdin_open (TerminalRelay *relay)
{
  return relay->stdin_open;
}

void
terminal_relay_free (TerminalRelay *relay)
{
  if (relay == NULL)
    return;
  if (relay->stdin_is_tty)
    (void) tcsetattr (STDIN_FILENO, TCSANOW, &relay->saved); /* best effort on the way out */
  g_free (relay);
}
