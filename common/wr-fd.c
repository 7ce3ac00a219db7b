#include "wr-fd.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wr-error.h"
#include "wr-glib-compat.h"

gboolean
wr_fd_send (int sock, int fd, const void *payload, gsize payload_len, GError **error)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  char dummy = '\0';
  struct iovec iov = { .iov_base = (void *) payload, .iov_len = payload_len };
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;
  ssize_t n;

  /* A stream socket needs at least one byte of data to carry the control message. */
  if (payload_len == 0)
    {
      iov.iov_base = &dummy;
      iov.iov_len = 1;
    }
  memset (&control, 0, sizeof control);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));

  do
    n = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return wr_throw_errno (error, "send fd");
  return TRUE;
}

static void
close_received (struct msghdr *msg)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR (msg); c != NULL; c = CMSG_NXTHDR (msg, c))
    {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
        continue;
      gsize n = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
      for (gsize i = 0; i < n; i++)
        {
          int fd;
          memcpy (&fd, CMSG_DATA (c) + i * sizeof (int), sizeof (int));
          (void) close (fd);
        }
    }
}

int
wr_fd_recv (int sock, void *payload, gsize max_payload, gsize *out_payload_len, GError **error)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int) * 4)];
    struct cmsghdr align;
  } control;
  char dummy;
  struct iovec iov = { .iov_base = payload, .iov_len = max_payload };
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;
  int fd = -1;
  int nfds = 0;
  ssize_t n;

  if (max_payload == 0)
    {
      iov.iov_base = &dummy;
      iov.iov_len = 1;
    }
  memset (&control, 0, sizeof control);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;

  do
    n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return wr_throw_errno (error, "receive fd"), -1;

  for (cmsg = CMSG_FIRSTHDR (&msg); cmsg != NULL; cmsg = CMSG_NXTHDR (&msg, cmsg))
    {
      if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
        {
          close_received (&msg);
          return wr_throw (error, WARREN_ERROR_FAILED, "receive fd: unexpected control message"),
                 -1;
        }
      nfds += (int) ((cmsg->cmsg_len - CMSG_LEN (0)) / sizeof (int));
      if (nfds == 1)
        memcpy (&fd, CMSG_DATA (cmsg), sizeof (int));
    }
  if ((msg.msg_flags & MSG_CTRUNC) != 0 || nfds != 1)
    {
      close_received (&msg);
      if (n == 0 && nfds == 0)
        return wr_throw (error, WARREN_ERROR_FAILED, "receive fd: peer closed the connection"),
               -1;
      return wr_throw (error, WARREN_ERROR_FAILED,
                       "receive fd: expected exactly one fd, got %d%s", nfds,
                       (msg.msg_flags & MSG_CTRUNC) ? " (truncated)" : ""),
             -1;
    }
  if (out_payload_len != NULL)
    *out_payload_len = max_payload == 0 ? 0 : (gsize) n;
  return fd;
}

gboolean
wr_write_all (int fd, const void *buf, gsize len, GError **error)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return wr_throw_errno (error, "write");
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gssize
wr_read_all (int fd, void *buf, gsize len, GError **error)
{
  char *p = buf;
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = read (fd, p + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return wr_throw_errno (error, "read"), -1;
      if (n == 0)
        break;
      done += (gsize) n;
    }
  return (gssize) done;
}

char *
wr_read_file_at (int dirfd, const char *name, gsize max, gsize *out_len, GError **error)
{
  g_autofd int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  g_autofree char *buf = NULL;
  gssize n;

  if (fd < 0)
    return wr_throw_errno (error, "open %s", name), NULL;
  buf = g_malloc (max + 1);
  n = wr_read_all (fd, buf, max, error);
  if (n < 0)
    return g_prefix_error (error, "%s: ", name), NULL;
  buf[n] = '\0';
  if (out_len != NULL)
    *out_len = (gsize) n;
  return g_steal_pointer (&buf);
}
