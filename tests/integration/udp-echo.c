/* A UDP echo server for the network tests, built static into the test rootfs (busybox has
 * no UDP server): udp-echo PORT answers each datagram with "echo:" and the datagram. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int
main (int argc, char **argv)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_ANY) };
  char buf[2048];
  int fd;

  if (argc != 2)
    return 2;
  addr.sin_port = htons ((unsigned short)atoi (argv[1]));
  fd = socket (AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || bind (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    {
      perror ("udp-echo");
      return 1;
    }
  for (;;)
    {
      struct sockaddr_in peer;
      socklen_t len = sizeof peer;
      ssize_t n = recvfrom (fd, buf + 5, sizeof buf - 5, 0, (struct sockaddr *)&peer, &len);
      if (n < 0)
        continue;
      memcpy (buf, "echo:", 5);
      (void)sendto (fd, buf, (size_t)n + 5, 0, (struct sockaddr *)&peer, len);
    }
}
