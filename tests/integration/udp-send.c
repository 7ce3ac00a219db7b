/* A UDP sender for the network tests, built static into the test rootfs (busybox's nc cannot
 * send to a broadcast address):
 *   udp-send ADDR PORT sends ADDR itself, as text, to ADDR:PORT with SO_BROADCAST set, and
 *     prints what comes back within two seconds, or "no reply";
 *   udp-send --raw IFACE ADDR PORT builds the IPv4 datagram itself and sends it out of IFACE
 *     to the gateway's MAC address (52:55:0a:00:02:02, libslirp's), from 10.0.2.100: for
 *     destinations the container's own kernel would never route out (0.0.0.0, 127.0.0.1).
 *     Needs CAP_NET_RAW; prints "sent";
 *   udp-send --raw6 IFACE ADDR PORT does the same with IPv6, from fd00::100 (::1, ::, and
 *     IPv4-mapped addresses). */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

/* The Internet checksum of p[0..len), added to `sum` (a pseudo-header's words). */
static uint16_t
checksum (const uint8_t *p, size_t len, uint32_t sum)
{
  for (size_t i = 0; i < len; i += 2)
    sum += (uint32_t)(p[i] << 8 | (i + 1 < len ? p[i + 1] : 0));
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static void
put16 (uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

/* --raw and --raw6: the datagram, from the container's address and port 40000, built here
 * and sent to libslirp's MAC address through a packet socket. */
static int
send_raw (const char *iface, int family, const char *addr, uint16_t port)
{
  static const uint8_t gateway_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
  const int v6 = family == AF_INET6;
  const size_t ip_len = v6 ? 40 : 20, text_len = strlen (addr) < 256 ? strlen (addr) : 256;
  const size_t udp_len = 8 + text_len, len = ip_len + udp_len;
  struct sockaddr_ll to = { .sll_family = AF_PACKET,
                            .sll_protocol = htons (v6 ? ETH_P_IPV6 : ETH_P_IP), .sll_halen = 6 };
  uint8_t pkt[40 + 8 + 256] = { 0 }, *udp = pkt + ip_len;
  uint32_t pseudo = 0;
  int fd;

  memcpy (to.sll_addr, gateway_mac, 6);
  to.sll_ifindex = (int)if_nametoindex (iface);
  if (v6)
    {
      pkt[0] = 0x60;
      put16 (pkt + 4, (uint32_t)udp_len);
      pkt[6] = IPPROTO_UDP;
      pkt[7] = 64;
      inet_pton (AF_INET6, "fd00::100", pkt + 8);
      if (inet_pton (AF_INET6, addr, pkt + 24) != 1)
        return 2;
      /* The UDP checksum is mandatory over IPv6: over a pseudo-header of the addresses, the
       * length and the next header. */
      for (size_t i = 8; i < 40; i += 2)
        pseudo += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
      pseudo += (uint32_t)udp_len + IPPROTO_UDP;
    }
  else
    {
      pkt[0] = 0x45;
      put16 (pkt + 2, (uint32_t)len);
      pkt[6] = 0x40; /* don't fragment */
      pkt[8] = 64;
      pkt[9] = IPPROTO_UDP;
      inet_pton (AF_INET, "10.0.2.100", pkt + 12);
      if (inet_pton (AF_INET, addr, pkt + 16) != 1)
        return 2;
      put16 (pkt + 10, checksum (pkt, 20, 0));
    }
  put16 (udp, 40000);
  put16 (udp + 2, port);
  put16 (udp + 4, (uint32_t)udp_len);
  memcpy (udp + 8, addr, text_len);
  if (v6)
    {
      uint16_t sum = checksum (udp, udp_len, pseudo);
      put16 (udp + 6, sum == 0 ? 0xffff : sum);
    } /* IPv4: a UDP checksum of 0 is none, which IPv4 allows */
  fd = socket (AF_PACKET, SOCK_DGRAM, to.sll_protocol);
  if (fd < 0 || to.sll_ifindex == 0
      || sendto (fd, pkt, len, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)len)
    {
      perror ("udp-send: raw");
      return 1;
    }
  puts ("sent");
  return 0;
}

int
main (int argc, char **argv)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  struct timeval timeout = { .tv_sec = 2 };
  char buf[512];
  int fd, on = 1;
  ssize_t n;

  if (argc == 5 && (strcmp (argv[1], "--raw") == 0 || strcmp (argv[1], "--raw6") == 0))
    return send_raw (argv[2], strcmp (argv[1], "--raw6") == 0 ? AF_INET6 : AF_INET, argv[3],
                     (uint16_t)atoi (argv[4]));
  if (argc != 3 || inet_pton (AF_INET, argv[1], &addr.sin_addr) != 1)
    return 2;
  addr.sin_port = htons ((unsigned short)atoi (argv[2]));
  fd = socket (AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || setsockopt (fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) < 0
      || setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0)
    {
      perror ("udp-send: socket");
      return 1;
    }
  if (sendto (fd, argv[1], strlen (argv[1]), 0, (struct sockaddr *)&addr, sizeof addr)
      != (ssize_t)strlen (argv[1]))
    {
      perror ("udp-send: sendto");
      return 1;
    }
  n = recv (fd, buf, sizeof buf - 1, 0);
  if (n < 0)
    {
      puts ("no reply");
      return 0;
    }
  buf[n] = '\0';
  printf ("reply: %s\n", buf);
  return 0;
}
