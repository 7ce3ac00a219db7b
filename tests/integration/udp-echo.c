/* A UDP echo server for the network tests, built static into the test rootfs (busybox has
 * no UDP server): udp-echo PORT answers each datagram with "echo:" and the datagram, on IPv4
 * and, where the kernel has it, IPv6. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int
main (int argc, char **argv)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_ANY) };
  struct sockaddr_in6 addr6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
  char buf[2048];
  int fd, off = 0;

  if (argc != 2)
    return 2;
  addr.sin_port = htons ((unsigned short)atoi (argv[1]));
  addr6.sin6_port = addr.sin_port;
  /* Dual stack: IPv4 peers come as ::ffff:a.b.c.d. */
  fd = socket (AF_INET6, SOCK_DGRAM, 0);
  if (fd >= 0
      && (setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0
          || bind (fd, (struct sockaddr *)&addr6, sizeof addr6) < 0))
    {
      perror ("udp-echo");
      return 1;
    }
  if (fd < 0)
    {
      fd = socket (AF_INET, SOCK_DGRAM, 0);
      if (fd < 0 || bind (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        {
          perror ("udp-echo");
          return 1;
        }
    }
  for (;;)
    {
      struct sockaddr_storage peer;
      socklen_t len = sizeof peer;
      ssize_t n = recvfrom (fd, buf + 5, sizeof buf - 5, 0, (struct sockaddr *)&peer, &len);
      if (n < 0)
        continue;
      memcpy (buf, "echo:", 5);
      (void)sendto (fd, buf, (size_t)n + 5, 0, (struct sockaddr *)&peer, len);
    }
}
