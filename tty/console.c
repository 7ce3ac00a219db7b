#include "console.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wr-error.h"
#include "wr-glib-compat.h"

#define MAX_FDS 8

gboolean
tty_console_is_pty_master (int fd)
{
  struct stat st;
  unsigned int n;

  return fstat (fd, &st) == 0 && S_ISCHR (st.st_mode) && ioctl (fd, TIOCGPTN, &n) == 0;
}

gssize
tty_console_recv (int sock, guint8 *payload, gsize max, int *out_master, GError **error)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int) * MAX_FDS)];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = payload, .iov_len = max };
  struct msghdr msg = { 0 };
  int fds[MAX_FDS * 2];
  gsize nfds = 0;
  gboolean other = FALSE;
  ssize_t n;

  memset (&control, 0, sizeof control);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  do
    n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return wr_throw_errno (error, "receive"), -1;

  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c))
    {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
        {
          other = TRUE;
          continue;
        }
      for (gsize i = 0;
           i < (c->cmsg_len - CMSG_LEN (0)) / sizeof (int) && nfds < G_N_ELEMENTS (fds); i++)
        memcpy (&fds[nfds++], CMSG_DATA (c) + i * sizeof (int), sizeof (int));
    }

  *out_master = -1;
  if (nfds == 0 && !other && (msg.msg_flags & MSG_CTRUNC) == 0)
    return n;
  if (nfds == 1 && !other && (msg.msg_flags & MSG_CTRUNC) == 0
      && tty_console_is_pty_master (fds[0]))
    {
      *out_master = fds[0];
      return n;
    }
  for (gsize i = 0; i < nfds; i++)
    (void)close (fds[i]);
  if (other)
    return wr_throw (error, WARREN_ERROR_FAILED, "refused a console: unexpected control message"),
           -1;
  if (nfds != 1 || (msg.msg_flags & MSG_CTRUNC) != 0)
    return wr_throw (error, WARREN_ERROR_FAILED,
                     "refused a console: expected exactly one fd, got %zu%s", nfds,
                     (msg.msg_flags & MSG_CTRUNC) ? " or more (truncated)" : ""),
           -1;
  return wr_throw (error, WARREN_ERROR_FAILED, "refused a console: the fd is not a pty master"), -1;
}
