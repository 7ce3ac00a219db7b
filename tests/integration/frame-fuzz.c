/* A packet robustness smoke test for warren-netns (SECURITY 71), built static into the test
 * rootfs like udp-echo: frame-fuzz IFACE SECONDS SEED sends random and mutated Ethernet
 * frames out of IFACE (the container's tap0, so into the helper and libslirp) for SECONDS and
 * prints how many. ARP, IPv4 and IPv6 frames start from valid templates and get random bytes
 * flipped, random lengths and, half the time, their checksums fixed so that they reach
 * libslirp's TCP and ICMP input. Their destination is always one the helper's filter guards
 * (the gateway and the other aliases of the host's loopback, multicast), which it runs
 * without --allow-host-loopback: new TCP connections and UDP there are dropped, so nothing
 * leaves this machine or reaches another test's server on the loopback. */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX 1600

static uint32_t rng;

static uint32_t
next (void)
{
  /* xorshift32: reproducible from the seed the test prints. */
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static uint16_t
checksum (const uint8_t *p, size_t len, uint32_t sum)
{
  for (size_t i = 0; i + 1 < len; i += 2)
    sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (len & 1)
    sum += (uint32_t)p[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static void
put16 (uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static const uint8_t gateway_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

/* Where a frame may go: see the top of the file. */
static void
pick_ipv4_dst (uint8_t *dst)
{
  static const uint8_t last[] = { 2, 2, 77, 1 };
  dst[0] = 10, dst[1] = 0, dst[2] = 2, dst[3] = last[next () % 4];
}

static void
pick_ipv6_dst (uint8_t *dst)
{
  static const char *const addrs[] = { "fd00::2", "fd00::2", "fd00::1:77", "ff02::1",
                                       "ff02::1:ff00:2" };
  inet_pton (AF_INET6, addrs[next () % 5], dst);
}

/* Never a SYN alone, whatever the mutation did: the filter would drop it anyway. */
static void
tcp_not_syn (uint8_t *tcp)
{
  if ((tcp[13] & 0x12) == 0x02)
    tcp[13] |= 0x10;
}

static size_t
build (uint8_t *f)
{
  size_t len, l4_len;
  uint8_t *ip = f + 14;
  int kind = (int)(next () % 3);
  int fix = next () % 2;

  memcpy (f, next () % 4 ? gateway_mac : (const uint8_t *)"\xff\xff\xff\xff\xff\xff", 6);
  memcpy (f + 6, "\x02\x00\x00\x00\x00\x64", 6);
  for (size_t i = 14; i < FRAME_MAX; i++)
    f[i] = (uint8_t)next ();
  len = 14 + 28 + next () % (FRAME_MAX - 14 - 28);

  if (kind == 0)
    {
      /* ARP who-has 10.0.2.2, mutated. */
      put16 (f + 12, 0x0806);
      memcpy (ip, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
      memcpy (ip + 14, "\x0a\x00\x02\x64", 4);
      memcpy (ip + 24, "\x0a\x00\x02\x02", 4);
      ip[next () % 28] ^= (uint8_t)next ();
      return len;
    }
  if (kind == 1)
    {
      static const uint8_t protos[] = { 6, 17, 1, 2 };
      put16 (f + 12, 0x0800);
      ip[0] = next () % 8 ? 0x45 : (uint8_t)(0x40 | (next () % 16));
      put16 (ip + 2, (uint16_t)(next () % 8 ? len - 14 : next ()));
      put16 (ip + 6, next () % 4 ? 0x4000 : (uint16_t)next ());
      ip[8] = 64;
      ip[9] = protos[next () % 4];
      memcpy (ip + 12, "\x0a\x00\x02\x64", 4);
      pick_ipv4_dst (ip + 16);
      ip[20 + next () % 40] ^= (uint8_t)next ();
      if (ip[9] == 6)
        tcp_not_syn (ip + 20);
      if (fix)
        {
          put16 (ip + 10, 0);
          put16 (ip + 10, checksum (ip, 20, 0));
        }
      return len;
    }
  /* IPv6 with TCP, UDP or ICMPv6 (neighbour discovery among them). */
  {
    static const uint8_t nexts[] = { 6, 17, 58, 58, 0, 44 };
    put16 (f + 12, 0x86dd);
    ip[0] = 0x60;
    if (len < 14 + 40 + 40)
      len = 14 + 40 + 40 + next () % 64;
    l4_len = len - 14 - 40;
    put16 (ip + 4, (uint16_t)(next () % 8 ? l4_len : next ()));
    ip[6] = nexts[next () % 6];
    ip[7] = 255;
    inet_pton (AF_INET6, "fd00::100", ip + 8);
    pick_ipv6_dst (ip + 24);
    if (ip[6] == 58 && next () % 2)
      ip[40] = (uint8_t)(128 + next () % 10); /* echo, router and neighbour messages */
    ip[40 + next () % 40] ^= (uint8_t)next ();
    if (ip[6] == 6)
      tcp_not_syn (ip + 40);
    if (fix && (ip[6] == 58 || ip[6] == 17))
      {
        /* The checksum over the pseudo-header, so that libslirp reads on. */
        uint32_t sum = 0;
        uint8_t *ck = ip + 40 + (ip[6] == 58 ? 2 : 6);
        for (int i = 8; i < 40; i += 2)
          sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
        sum += (uint32_t)l4_len + ip[6];
        put16 (ck, 0);
        put16 (ck, checksum (ip + 40, l4_len, sum));
      }
    return len;
  }
}

int
main (int argc, char **argv)
{
  struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = 6 };
  uint8_t frame[FRAME_MAX];
  unsigned long sent = 0;
  time_t end;
  int fd;

  if (argc != 4)
    {
      fprintf (stderr, "usage: frame-fuzz IFACE SECONDS SEED\n");
      return 2;
    }
  rng = (uint32_t)strtoul (argv[3], NULL, 10) | 1;
  to.sll_ifindex = (int)if_nametoindex (argv[1]);
  fd = socket (AF_PACKET, SOCK_RAW, htons (ETH_P_ALL));
  if (to.sll_ifindex == 0 || fd < 0)
    {
      perror ("frame-fuzz");
      return 1;
    }
  end = time (NULL) + atoi (argv[2]);
  while (time (NULL) < end)
    {
      size_t len = build (frame);
      memcpy (to.sll_addr, frame, 6);
      if (sendto (fd, frame, len, 0, (struct sockaddr *)&to, sizeof to) >= 0)
        sent++;
      if (sent % 256 == 0)
        usleep (1000); /* let the helper's replies drain rather than fill the tap queue */
    }
  printf ("sent %lu frames (seed %s)\n", sent, argv[3]);
  return 0;
}
