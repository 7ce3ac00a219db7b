#include "sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wr-error.h"

gboolean
sync_send (int sock, SyncType type, gint32 value, const char *message, GError **error)
{
  SyncMsg msg = { .type = type, .value = value };
  gsize len = G_STRUCT_OFFSET (SyncMsg, message);
  ssize_t n;

  if (message != NULL)
    {
      g_strlcpy (msg.message, message, sizeof msg.message);
      len += strlen (msg.message) + 1;
    }
  do
    n = send (sock, &msg, len, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return wr_throw_errno (error, "sync send");
  return TRUE;
}

gboolean
sync_send_fd (int sock, SyncType type, int fd, GError **error)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  SyncMsg msg = { .type = type };
  struct iovec iov = { .iov_base = &msg, .iov_len = G_STRUCT_OFFSET (SyncMsg, message) };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  struct cmsghdr *cmsg;
  ssize_t n;

  memset (&control, 0, sizeof control);
  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof control.buf;
  cmsg = CMSG_FIRSTHDR (&mh);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof fd);
  do
    n = sendmsg (sock, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return wr_throw_errno (error, "sync send");
  return TRUE;
}

gboolean
sync_recv (int sock, SyncMsg *out, int *out_fd, GError **error)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = out, .iov_len = sizeof *out };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  ssize_t n;
  int fd = -1;

  memset (out, 0, sizeof *out);
  memset (&control, 0, sizeof control);
  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof control.buf;
  do
    n = recvmsg (sock, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return wr_throw_errno (error, "sync receive");
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS
        && c->cmsg_len == CMSG_LEN (sizeof (int)))
      memcpy (&fd, CMSG_DATA (c), sizeof fd);
  if (n == 0)
    return wr_throw (error, WARREN_ERROR_INIT, "the container init exited during setup");
  if ((gsize) n < G_STRUCT_OFFSET (SyncMsg, message))
    {
      if (fd >= 0)
        (void) close (fd);
      return wr_throw (error, WARREN_ERROR_INIT, "sync receive: short message");
    }
  out->message[sizeof out->message - 1] = '\0';
  if (out_fd != NULL)
    *out_fd = fd;
  else if (fd >= 0)
    (void) close (fd); /* nobody asked for one */
  return TRUE;
}

gboolean
sync_expect (int sock, SyncType type, SyncMsg *out, GError **error)
{
  if (!sync_recv (sock, out, NULL, error))
    return FALSE;
  if (out->type == SYNC_ERROR)
    return wr_throw (error, WARREN_ERROR_INIT, "%s", out->message);
  if (out->type != type)
    return wr_throw (error, WARREN_ERROR_INIT, "sync: expected message %d, got %u", type,
                     out->type);
  return TRUE;
}
