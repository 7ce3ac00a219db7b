/* A packet robustness smoke test for warren-netns (SECURITY 71), built static into the test
 * rootfs like udp-echo: frame-fuzz IFACE SECONDS SEED [PCAP...] sends random and mutated
 * Ethernet frames out of IFACE (the container's tap0, so into the helper and libslirp) for
 * SECONDS and prints how many. ARP, IPv4 and IPv6 frames start from valid templates and get
 * random bytes flipped, random lengths and, half the time, their checksums fixed so that they
 * reach libslirp's TCP and ICMP input. Their destination is always one the helper's filter
 * guards (the gateway and the other aliases of the host's loopback, multicast), which it runs
 * without --allow-host-loopback: new TCP connections and UDP there are dropped, so nothing
 * leaves this machine or reaches another test's server on the loopback.
 *
 * With classic pcap files of Ethernet frames (pcap-seeds.py writes our own corpus; libslirp's
 * fuzzing/IN_* captures can be added), it first replays every frame as it is and counts the
 * helper's replies by kind, then spends the rest of the time on mutations of those frames,
 * alternating with the random ones. A captured frame leaves from the container's addresses,
 * and one to anything but the gateway, the DNS forwarder (10.0.2.3, fd00::3: the test points
 * --dns-forward at the host's loopback), the IPv4 broadcast address or an IPv6 multicast one
 * is sent to a guarded address instead. Mutations never touch the IP headers' addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
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

/* Frames from pcap files, each already redirected to a destination this test allows. */
#define CORPUS_MAX 4096
#define PCAP_RECORD_MAX 262144

typedef struct
{
  size_t len;
  uint8_t data[FRAME_MAX];
} Frame;

static Frame *corpus;
static size_t corpus_len;

static uint16_t
get16 (const uint8_t *p)
{
  return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32_in (const uint8_t *p, int big_endian)
{
  if (big_endian)
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
  return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The IPv4 and IPv6 checksums of a frame whose lengths agree: header, TCP, UDP, ICMP and
 * ICMPv6 (over their pseudo-headers). Fragments and anything shorter than it says are left. */
static void
fix_checksums (uint8_t *f, size_t len)
{
  uint8_t *ip = f + 14, *l4;
  size_t l4_len, at;
  uint32_t sum = 0;
  uint8_t proto;

  if (len >= 14 + 20 && get16 (f + 12) == 0x0800)
    {
      size_t ihl = (size_t)(ip[0] & 0x0f) * 4, total = get16 (ip + 2);
      if (ihl < 20 || 14 + ihl > len)
        return;
      put16 (ip + 10, 0);
      put16 (ip + 10, checksum (ip, ihl, 0));
      if (total < ihl || 14 + total > len || (get16 (ip + 6) & 0x3fff) != 0)
        return;
      proto = ip[9];
      l4 = ip + ihl;
      l4_len = total - ihl;
      if (proto != 1)
        for (int i = 12; i < 20; i += 2)
          sum += get16 (ip + i);
    }
  else if (len >= 14 + 40 && get16 (f + 12) == 0x86dd)
    {
      l4_len = get16 (ip + 4);
      if (14 + 40 + l4_len > len)
        return;
      proto = ip[6];
      l4 = ip + 40;
      for (int i = 8; i < 40; i += 2)
        sum += get16 (ip + i);
    }
  else
    return;
  at = proto == 6 ? 16 : proto == 17 ? 6 : proto == 1 || proto == 58 ? 2 : 0;
  if (at == 0 || l4_len < at + 2)
    return;
  if (proto != 1)
    sum += (uint32_t)l4_len + proto;
  put16 (l4 + at, 0);
  put16 (l4 + at, checksum (l4, l4_len, sum));
}

/* A captured frame leaves from the container (or 0.0.0.0, for BOOTP) and goes to the gateway,
 * the DNS forwarder, 255.255.255.255 or IPv6 multicast; anything else goes to a guarded
 * address instead. */
static void
guard (uint8_t *f, size_t len)
{
  static const uint8_t container[4] = { 10, 0, 2, 100 }, any[4] = { 0 };
  static const uint8_t broadcast[4] = { 255, 255, 255, 255 };
  uint8_t *ip = f + 14;

  memcpy (f + 6, "\x02\x00\x00\x00\x00\x64", 6);
  if (len >= 14 + 20 && get16 (f + 12) == 0x0800)
    {
      uint8_t *dst = ip + 16;
      if (memcmp (ip + 12, any, 4) != 0)
        memcpy (ip + 12, container, 4);
      if (!(dst[0] == 10 && dst[1] == 0 && dst[2] == 2 && (dst[3] == 2 || dst[3] == 3))
          && memcmp (dst, broadcast, 4) != 0)
        pick_ipv4_dst (dst);
    }
  else if (len >= 14 + 40 && get16 (f + 12) == 0x86dd)
    {
      static const uint8_t fd00[15] = { 0xfd };
      const uint8_t *dst = ip + 24;
      int gateway_or_dns = memcmp (dst, fd00, sizeof fd00) == 0 && (dst[15] == 2 || dst[15] == 3);
      inet_pton (AF_INET6, "fd00::100", ip + 8);
      if (dst[0] != 0xff && !gateway_or_dns)
        pick_ipv6_dst (ip + 24);
    }
  fix_checksums (f, len);
}

/* Load the Ethernet frames of a classic pcap file (either byte order, micro- or nanosecond
 * timestamps) into the corpus. Returns how many, or -1 with a message. */
static long
load_pcap (const char *path)
{
  static uint8_t record[PCAP_RECORD_MAX];
  uint8_t h[24];
  long added = 0;
  uint32_t magic, linktype;
  int big;
  FILE *f = fopen (path, "rbe");

  if (f == NULL)
    {
      fprintf (stderr, "frame-fuzz: %s: %s\n", path, strerror (errno));
      return -1;
    }
  if (fread (h, 1, sizeof h, f) != sizeof h)
    {
      fprintf (stderr, "frame-fuzz: %s: no pcap header\n", path);
      fclose (f);
      return -1;
    }
  magic = get32_in (h, 0);
  big = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
  if (!big && magic != 0xa1b2c3d4 && magic != 0xa1b23c4d)
    {
      fprintf (stderr, "frame-fuzz: %s: not a classic pcap file (magic %08x)\n", path, magic);
      fclose (f);
      return -1;
    }
  linktype = get32_in (h + 20, big) & 0xffff;
  if (linktype != 1)
    {
      fprintf (stderr, "frame-fuzz: %s: link type %u is not Ethernet, skipped\n", path, linktype);
      fclose (f);
      return 0;
    }
  for (;;)
    {
      uint8_t r[16];
      uint32_t incl;
      if (fread (r, 1, sizeof r, f) != sizeof r)
        break;
      incl = get32_in (r + 8, big);
      if (incl > PCAP_RECORD_MAX || fread (record, 1, incl, f) != incl)
        {
          fprintf (stderr, "frame-fuzz: %s: a truncated or oversized record\n", path);
          fclose (f);
          return -1;
        }
      if (incl < 14 || incl > FRAME_MAX || corpus_len == CORPUS_MAX)
        continue;
      memcpy (corpus[corpus_len].data, record, incl);
      corpus[corpus_len].len = incl;
      guard (corpus[corpus_len].data, incl);
      corpus_len++;
      added++;
    }
  fclose (f);
  return added;
}

/* A corpus frame with random bytes changed (never the Ethernet header or the addresses), now
 * and then cut short or grown, and half the time with its checksums made right again. */
static size_t
mutate (uint8_t *f)
{
  const Frame *c = &corpus[next () % corpus_len];
  size_t len = c->len, first = 14, flips = 1 + next () % 4;
  uint16_t type = get16 (c->data + 12);

  memcpy (f, c->data, c->len);
  if (next () % 4 == 0)
    {
      size_t to = 14 + next () % (FRAME_MAX - 14);
      for (size_t i = len; i < to; i++)
        f[i] = (uint8_t)next ();
      len = to;
    }
  for (size_t n = 0; n < flips && len > first; n++)
    {
      size_t at = first + next () % (len - first);
      if ((type == 0x0800 && at >= 14 + 12 && at < 14 + 20)
          || (type == 0x86dd && at >= 14 + 8 && at < 14 + 40))
        continue;
      f[at] ^= (uint8_t)(1 + next () % 255);
    }
  if (next () % 2)
    fix_checksums (f, len);
  return len;
}

typedef struct
{
  unsigned long arp, icmp, icmp6, tcp, dns, bootp, tftp, other;
} Replies;

static void
count_reply (Replies *r, const uint8_t *f, size_t len)
{
  const uint8_t *ip = f + 14;
  uint16_t type = len >= 14 ? get16 (f + 12) : 0;
  uint8_t proto = 0;
  const uint8_t *l4 = NULL;

  if (type == 0x0806)
    {
      r->arp++;
      return;
    }
  if (type == 0x0800 && len >= 14 + 20 + 4)
    proto = ip[9], l4 = ip + (ip[0] & 0x0f) * 4;
  else if (type == 0x86dd && len >= 14 + 40 + 4)
    proto = ip[6], l4 = ip + 40;
  if (l4 == NULL || l4 + 4 > f + len)
    r->other++;
  else if (proto == 1)
    r->icmp++;
  else if (proto == 58)
    r->icmp6++;
  else if ((proto == 6 || proto == 17) && get16 (l4) == 53)
    r->dns++;
  else if (proto == 6)
    r->tcp++;
  else if (proto == 17 && get16 (l4) == 67)
    r->bootp++;
  else if (proto == 17 && get16 (l4) == 69)
    r->tftp++;
  else
    r->other++;
}

/* Every corpus frame once as it is, then a second for the helper's replies, by kind. */
static void
replay (int fd, struct sockaddr_ll *to, int files)
{
  Replies r = { 0 };
  uint8_t f[FRAME_MAX];
  unsigned long sent = 0;
  time_t end;

  for (size_t i = 0; i < corpus_len; i++)
    {
      memcpy (to->sll_addr, corpus[i].data, 6);
      if (sendto (fd, corpus[i].data, corpus[i].len, 0, (struct sockaddr *)to, sizeof *to) >= 0)
        sent++;
      usleep (2000);
    }
  end = time (NULL) + 2;
  while (time (NULL) < end)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      struct sockaddr_ll from;
      socklen_t from_len = sizeof from;
      ssize_t n;
      if (poll (&p, 1, 200) <= 0)
        continue;
      n = recvfrom (fd, f, sizeof f, MSG_DONTWAIT, (struct sockaddr *)&from, &from_len);
      if (n > 0 && from.sll_pkttype != PACKET_OUTGOING)
        count_reply (&r, f, (size_t)n);
    }
  printf ("replayed %lu frames from %d files; replies: arp %lu icmp %lu icmp6 %lu tcp %lu "
          "dns %lu bootp %lu tftp %lu other %lu\n",
          sent, files, r.arp, r.icmp, r.icmp6, r.tcp, r.dns, r.bootp, r.tftp, r.other);
}

int
main (int argc, char **argv)
{
  struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = 6 };
  uint8_t frame[FRAME_MAX];
  unsigned long sent = 0;
  time_t end;
  int fd;

  if (argc < 4)
    {
      fprintf (stderr, "usage: frame-fuzz IFACE SECONDS SEED [PCAP...]\n");
      return 2;
    }
  rng = (uint32_t)strtoul (argv[3], NULL, 10) | 1;
  corpus = calloc (CORPUS_MAX, sizeof *corpus);
  if (corpus == NULL)
    {
      perror ("frame-fuzz");
      return 1;
    }
  for (int i = 4; i < argc; i++)
    if (load_pcap (argv[i]) < 0)
      return 1;
  if (argc > 4 && corpus_len == 0)
    {
      fprintf (stderr, "frame-fuzz: no Ethernet frames in the pcap files\n");
      return 1;
    }
  to.sll_ifindex = (int)if_nametoindex (argv[1]);
  fd = socket (AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons (ETH_P_ALL));
  if (to.sll_ifindex == 0 || fd < 0)
    {
      perror ("frame-fuzz");
      return 1;
    }
  end = time (NULL) + atoi (argv[2]);
  if (corpus_len > 0)
    replay (fd, &to, argc - 4);
  while (time (NULL) < end)
    {
      size_t len = corpus_len > 0 && next () % 2 ? mutate (frame) : build (frame);
      memcpy (to.sll_addr, frame, 6);
      if (sendto (fd, frame, len, 0, (struct sockaddr *)&to, sizeof to) >= 0)
        sent++;
      if (sent % 256 == 0)
        usleep (1000); /* let the helper's replies drain rather than fill the tap queue */
    }
  printf ("sent %lu frames (seed %s)\n", sent, argv[3]);
  return 0;
}
