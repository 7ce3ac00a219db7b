#include "companion.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "sandbox.h"
#include "wr-fd.h"

/* A connect to the container's own address is local and quick; one whose listen queue is
 * full is not, and must not hold up every other connection for long. */
#define COMPANION_CONNECT_SECONDS 2

static int
companion_connect (const CompanionRequest *req)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  struct sockaddr_in6 addr6 = { .sin6_family = AF_INET6 };
  struct sockaddr *sa = (struct sockaddr *) &addr;
  socklen_t sa_len = sizeof addr;
  struct timeval timeout = { .tv_sec = COMPANION_CONNECT_SECONDS };
  int fd;

  addr.sin_addr.s_addr = req->addr;
  addr.sin_port = htons (req->port);
  if (req->family == AF_INET6)
    {
      memcpy (&addr6.sin6_addr, req->addr6, sizeof addr6.sin6_addr);
      addr6.sin6_port = htons (req->port);
      sa = (struct sockaddr *) &addr6;
      sa_len = sizeof addr6;
    }
  else if (req->family != AF_INET)
    return -EAFNOSUPPORT;
  fd = socket (req->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  (void) setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (connect (fd, sa, sa_len) < 0)
    {
      int errsv = errno;
      (void) close (fd);
      return -errsv;
    }
  return fd;
}

void
companion_run (int sock)
{
  int null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);

  /* Only the socket to the helper: nothing else of the hook process stays open in here
   * (the runtime's pipes, the run dir's lock, the namespace fds). */
  if (null_fd < 0 || dup2 (null_fd, STDIN_FILENO) < 0 || dup2 (null_fd, STDOUT_FILENO) < 0
      || dup2 (null_fd, STDERR_FILENO) < 0 || dup2 (sock, 3) < 0)
    _exit (1);
  sock = 3;
  (void) syscall (SYS_close_range, 4u, ~0u, 0u);
  /* It lives among the container's processes: the least it can do, it does. */
  if (!sandbox_enter (SANDBOX_COMPANION, NULL))
    _exit (1);

  for (;;)
    {
      CompanionRequest req;
      CompanionAnswer answer;
      ssize_t n = recv (sock, &req, sizeof req, 0);
      int fd;

      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0)
        _exit (0); /* the helper is gone */
      if (n != sizeof req)
        _exit (1);
      fd = companion_connect (&req);
      answer.id = req.id;
      answer.errsv = fd < 0 ? -fd : 0;
      if (fd >= 0)
        {
          gboolean sent = wr_fd_send (sock, fd, &answer, sizeof answer, NULL);
          (void) close (fd);
          if (!sent)
            _exit (1);
        }
      else if (send (sock, &answer, sizeof answer, MSG_NOSIGNAL) < 0)
        _exit (1);
    }
}
