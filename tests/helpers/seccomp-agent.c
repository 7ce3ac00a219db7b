/* seccomp-agent: a minimal seccomp notify agent for the integration tests.
 *
 *   seccomp-agent SOCKET OUT ERRNO
 *
 * Listens on the unix socket SOCKET, accepts one connection (and removes SOCKET), receives the container process
 * state with the notify fd (SCM_RIGHTS), writes the state to OUT, then answers every
 * notification: with -ERRNO, or, when ERRNO is 0, by letting the syscall continue. Exits when
 * every process under the filter is gone. Prints "ready" on stdout once it listens. */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "wr-fd.h"

static int
fail (const char *what)
{
  fprintf (stderr, "seccomp-agent: %s: %s\n", what, strerror (errno));
  return 1;
}

int
main (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  g_autoptr (GError) error = NULL;
  char state[65536];
  gsize len = 0;
  int sock, conn, notify_fd, answer;
  FILE *out;

  if (argc != 4 || strlen (argv[1]) >= sizeof addr.sun_path)
    {
      fprintf (stderr, "usage: seccomp-agent SOCKET OUT ERRNO\n");
      return 2;
    }
  answer = atoi (argv[3]);
  strcpy (addr.sun_path, argv[1]);
  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0 || bind (sock, (struct sockaddr *) &addr, sizeof addr) < 0
      || listen (sock, 1) < 0)
    return fail (argv[1]);
  printf ("ready\n");
  fflush (stdout);
  conn = accept4 (sock, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    return fail ("accept");
  /* One connection only: the path is free for the next agent. */
  (void) unlink (argv[1]);
  notify_fd = wr_fd_recv (conn, state, sizeof state - 1, &len, &error);
  if (notify_fd < 0)
    {
      fprintf (stderr, "seccomp-agent: %s\n", error->message);
      return 1;
    }
  state[len] = '\0';
  out = fopen (argv[2], "w");
  if (out == NULL || fputs (state, out) < 0 || fclose (out) != 0)
    return fail (argv[2]);

  for (;;)
    {
      struct pollfd p = { .fd = notify_fd, .events = POLLIN };
      struct seccomp_notif req;
      struct seccomp_notif_resp resp;

      if (poll (&p, 1, -1) < 0)
        return fail ("poll");
      if ((p.revents & POLLIN) == 0)
        return 0; /* POLLHUP: no process is left under the filter */
      memset (&req, 0, sizeof req);
      if (ioctl (notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
        {
          if (errno == EINTR || errno == ENOENT)
            continue;
          return fail ("SECCOMP_IOCTL_NOTIF_RECV");
        }
      memset (&resp, 0, sizeof resp);
      resp.id = req.id;
      if (answer == 0)
        resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      else
        resp.error = -answer;
      /* ENOENT: the caller was killed while we looked; nothing to answer. */
      if (ioctl (notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
        return fail ("SECCOMP_IOCTL_NOTIF_SEND");
    }
}
