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

static uint16_t
ip_checksum (const uint8_t *p, size_t len)
{
  uint32_t sum = 0;

  for (size_t i = 0; i + 1 < len; i += 2)
    sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static int
send_raw (const char *iface, struct in_addr dst, uint16_t port, const char *text)
{
  static const uint8_t gateway_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
  struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons (ETH_P_IP),
                            .sll_halen = 6 };
  uint8_t pkt[20 + 8 + 256];
  size_t text_len = strlen (text) < 256 ? strlen (text) : 256, len = 20 + 8 + text_len;
  uint16_t sum;
  int fd;

  memcpy (to.sll_addr, gateway_mac, 6);
  to.sll_ifindex = (int)if_nametoindex (iface);
  memset (pkt, 0, sizeof pkt);
  pkt[0] = 0x45;
  pkt[2] = (uint8_t)(len >> 8);
  pkt[3] = (uint8_t)len;
  pkt[6] = 0x40; /* don't fragment */
  pkt[8] = 64;
  pkt[9] = IPPROTO_UDP;
  inet_pton (AF_INET, "10.0.2.100", pkt + 12);
  memcpy (pkt + 16, &dst, 4);
  sum = ip_checksum (pkt, 20);
  pkt[10] = (uint8_t)(sum >> 8);
  pkt[11] = (uint8_t)sum;
  pkt[20] = 0x9c; /* source port 40000 */
  pkt[21] = 0x40;
  pkt[22] = (uint8_t)(port >> 8);
  pkt[23] = (uint8_t)port;
  pkt[24] = (uint8_t)((8 + text_len) >> 8);
  pkt[25] = (uint8_t)(8 + text_len); /* UDP checksum 0: none, as IPv4 allows */
  memcpy (pkt + 28, text, text_len);
  fd = socket (AF_PACKET, SOCK_DGRAM, htons (ETH_P_IP));
  if (fd < 0 || to.sll_ifindex == 0
      || sendto (fd, pkt, len, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)len)
    {
      perror ("udp-send: raw");
      return 1;
    }
  puts ("sent");
  return 0;
}

static int
send_raw6 (const char *iface, const struct in6_addr *dst, uint16_t port, const char *text)
{
  static const uint8_t gateway_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
  struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons (ETH_P_IPV6),
                            .sll_halen = 6 };
  uint8_t pkt[40 + 8 + 256];
  size_t text_len = strlen (text) < 256 ? strlen (text) : 256, udp_len = 8 + text_len;
  uint32_t sum = 0;
  int fd;

  memcpy (to.sll_addr, gateway_mac, 6);
  to.sll_ifindex = (int)if_nametoindex (iface);
  memset (pkt, 0, sizeof pkt);
  pkt[0] = 0x60;
  pkt[4] = (uint8_t)(udp_len >> 8);
  pkt[5] = (uint8_t)udp_len;
  pkt[6] = IPPROTO_UDP;
  pkt[7] = 64;
  inet_pton (AF_INET6, "fd00::100", pkt + 8);
  memcpy (pkt + 24, dst, 16);
  pkt[40] = 0x9c; /* source port 40000 */
  pkt[41] = 0x40;
  pkt[42] = (uint8_t)(port >> 8);
  pkt[43] = (uint8_t)port;
  pkt[44] = (uint8_t)(udp_len >> 8);
  pkt[45] = (uint8_t)udp_len;
  memcpy (pkt + 48, text, text_len);
  /* The UDP checksum is mandatory over IPv6: the pseudo-header (addresses, length, next
   * header) and the datagram. */
  for (size_t i = 8; i < 40; i += 2)
    sum += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
  sum += (uint32_t)udp_len + IPPROTO_UDP;
  for (size_t i = 40; i < 40 + udp_len; i += 2)
    sum += (uint32_t)(pkt[i] << 8 | (i + 1 < 40 + udp_len ? pkt[i + 1] : 0));
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  sum = ~sum & 0xffff;
  if (sum == 0)
    sum = 0xffff;
  pkt[46] = (uint8_t)(sum >> 8);
  pkt[47] = (uint8_t)sum;
  fd = socket (AF_PACKET, SOCK_DGRAM, htons (ETH_P_IPV6));
  if (fd < 0 || to.sll_ifindex == 0
      || sendto (fd, pkt, 40 + udp_len, 0, (struct sockaddr *)&to, sizeof to)
             != (ssize_t)(40 + udp_len))
    {
      perror ("udp-send: raw6");
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

  if (argc == 5 && strcmp (argv[1], "--raw") == 0)
    {
      if (inet_pton (AF_INET, argv[3], &addr.sin_addr) != 1)
        return 2;
      return send_raw (argv[2], addr.sin_addr, (uint16_t)atoi (argv[4]), argv[3]);
    }
  if (argc == 5 && strcmp (argv[1], "--raw6") == 0)
    {
      struct in6_addr dst;
      if (inet_pton (AF_INET6, argv[3], &dst) != 1)
        return 2;
      return send_raw6 (argv[2], &dst, (uint16_t)atoi (argv[4]), argv[3]);
    }
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
