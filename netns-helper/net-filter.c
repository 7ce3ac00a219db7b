#include "net-filter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#define ETH_HEADER 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define IPV6_HEADER 40
#define IPV4_MORE_FRAGMENTS_AND_OFFSET 0x3fff
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_ACK 0x10

struct NetFilter
{
  gboolean allow_host_loopback;
  guint32 network; /* host byte order, like everything below */
  guint32 mask;
  guint32 container;
  guint32 dns;
  gboolean dns_closed; /* the IPv4 forwarder: --dns-forward names an IPv6 resolver */
  gboolean ipv6;
  struct in6_addr container6, dns6; /* the prefix is the first 8 bytes of both */
  guint8 udp_ports[65536 / 8]; /* container ports published for UDP */
  GHashTable *udp_peers;       /* (container port, peer address, peer port) -> expiry */
};

static guint64
udp_peer_key (guint16 container_port, guint32 peer, guint16 peer_port)
{
  return ((guint64) container_port << 48) | ((guint64) peer << 16) | peer_port;
}

static gboolean
udp_published (const NetFilter *f, guint16 port)
{
  return (f->udp_ports[port / 8] & (1u << (port % 8))) != 0;
}

NetFilter *
net_filter_new (const NetOptions *o)
{
  NetFilter *f = g_new0 (NetFilter, 1);

  f->allow_host_loopback = o->allow_host_loopback;
  f->mask = ~0u << (32 - o->prefix_len);
  f->network = ntohl (o->network.s_addr);
  f->container = ntohl (net_options_host_addr (o, NET_OFFSET_CONTAINER).s_addr);
  f->dns = ntohl (net_options_host_addr (o, NET_OFFSET_DNS).s_addr);
  f->dns_closed = o->dns_forward_family == AF_INET6;
  f->ipv6 = o->ipv6;
  f->container6 = net_options_host_addr6 (NET_OFFSET6_CONTAINER);
  f->dns6 = net_options_host_addr6 (NET_OFFSET6_DNS);
  for (guint i = 0; i < o->publish->len; i++)
    {
      const NetPublish *p = g_ptr_array_index (o->publish, i);
      if (p->proto == NET_PROTO_UDP)
        f->udp_ports[p->container_port / 8] |= (guint8) (1u << (p->container_port % 8));
    }
  f->udp_peers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  return f;
}

void
net_filter_set_udp_published (NetFilter *f, guint16 container_port, gboolean published)
{
  if (published)
    f->udp_ports[container_port / 8] |= (guint8) (1u << (container_port % 8));
  else
    f->udp_ports[container_port / 8] &= (guint8) ~(1u << (container_port % 8));
}

void
net_filter_free (NetFilter *f)
{
  if (f == NULL)
    return;
  g_hash_table_unref (f->udp_peers);
  g_free (f);
}

static guint16
get16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static guint32
get32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* The IPv4 header of a frame and its length, when it has one. */
static const guint8 *
ipv4_header (const guint8 *frame, gsize len, gsize *out_ihl)
{
  const guint8 *ip = frame + ETH_HEADER;
  gsize ihl;

  if (len < ETH_HEADER + 20 || get16 (frame + 12) != ETHERTYPE_IPV4)
    return NULL;
  ihl = (gsize) (ip[0] & 0x0f) * 4;
  if (ihl < 20 || len < ETH_HEADER + ihl)
    return NULL;
  *out_ihl = ihl;
  return ip;
}

static gboolean
is_loopback_alias (const NetFilter *f, guint32 addr)
{
  return (addr & f->mask) == f->network && addr != f->container && addr != f->dns
         && addr != (f->network | ~f->mask);
}

/* Destinations that libslirp hands to the host's own stack as they are, where they mean this
 * host: 0.0.0.0/8 and 127.0.0.0/8 (its loopback) and the limited broadcast 255.255.255.255,
 * which libslirp 4.7 also sends to the host's loopback. The container's kernel never routes
 * them out of tap0, but a container with CAP_NET_RAW can write such frames itself (SECURITY
 * 63; udp-send --raw in netns.bats). No reply to anything the host sent has them as its
 * destination: libslirp rewrites the host's loopback to the gateway's address. */
static gboolean
is_host_local (guint32 addr)
{
  return (addr >> 24) == 0 || (addr >> 24) == 127 || addr == 0xffffffffu;
}

/* The same for IPv6: ::/96 (::1, ::, the old IPv4-compatible form) and ::ffff:0:0/96, which
 * a host socket takes for IPv4, its loopback included. */
static gboolean
is_host_local6 (const guint8 *addr)
{
  static const guint8 zero[12] = { 0 };
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  return memcmp (addr, zero, 12) == 0 || memcmp (addr, mapped, 12) == 0;
}

/* To the DNS forwarder, TCP and UDP to port 53 alone (SECURITY 63): the resolver behind it may
 * be on the host's loopback (127.0.0.53, a --dns-forward address), and older libslirp sent
 * any port of the forwarder's address on to the resolver's. 4.7 refuses those already; this
 * holds whatever the library does. ICMP is answered by libslirp itself. */
static gboolean
dns_allowed (gboolean open, guint8 proto, const guint8 *l4, gsize available)
{
  if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
    return TRUE;
  return open && available >= 4 && get16 (l4 + 2) == 53;
}

/* The IPv6 header of a frame, when it has one. */
static const guint8 *
ipv6_header (const guint8 *frame, gsize len)
{
  if (len < ETH_HEADER + IPV6_HEADER || get16 (frame + 12) != ETHERTYPE_IPV6)
    return NULL;
  return frame + ETH_HEADER;
}

/* What libslirp maps to the host's ::1: every address of fd00::/64 but the container's and
 * the DNS forwarder's. Multicast too: libslirp has nothing to deliver it to but the host. */
static gboolean
is_loopback_alias6 (const NetFilter *f, const guint8 *addr)
{
  if (addr[0] == 0xff)
    return TRUE;
  return memcmp (addr, &f->container6, 8) == 0 && memcmp (addr, &f->container6, 16) != 0
         && memcmp (addr, &f->dns6, 16) != 0;
}

/* A UDP peer key for an alias of fd00::/64: every one of them is the host's ::1, so the last
 * 32 bits tell apart what needs telling apart. */
static guint32
alias6_key (const guint8 *addr)
{
  return get32 (addr + 12);
}

static void
note_udp_peer (NetFilter *f, guint16 container_port, guint32 peer, guint16 peer_port)
{
  guint64 key;
  gint64 now = g_get_monotonic_time ();

  if (!udp_published (f, container_port))
    return;
  key = udp_peer_key (container_port, peer, peer_port);
  if (!g_hash_table_contains (f->udp_peers, &key)
      && g_hash_table_size (f->udp_peers) >= NET_FILTER_UDP_PEERS_MAX)
    {
      GHashTableIter iter;
      gint64 *expiry;
      g_hash_table_iter_init (&iter, f->udp_peers);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &expiry))
        if (*expiry < now)
          g_hash_table_iter_remove (&iter);
      if (g_hash_table_size (f->udp_peers) >= NET_FILTER_UDP_PEERS_MAX)
        return; /* the limit: this peer's replies are dropped */
    }
  g_hash_table_replace (
      f->udp_peers, g_memdup2 (&key, sizeof key),
      g_memdup2 (&(gint64){ now + NET_FILTER_UDP_PEER_SECONDS * G_USEC_PER_SEC }, sizeof (gint64)));
}

static gboolean
udp_peer_known (NetFilter *f, guint16 container_port, guint32 peer, guint16 peer_port)
{
  guint64 key = udp_peer_key (container_port, peer, peer_port);
  gint64 *expiry = g_hash_table_lookup (f->udp_peers, &key);

  return expiry != NULL && *expiry >= g_get_monotonic_time ();
}

/* A segment to the host's loopback: only of a connection the host opened through a published
 * port. A connection the container opens starts with a SYN alone; the others carry an ACK. */
static gboolean
tcp_allowed (const guint8 *tcp, gsize available)
{
  if (available < 14)
    return FALSE;
  return (tcp[13] & (TCP_FLAG_SYN | TCP_FLAG_ACK)) != TCP_FLAG_SYN;
}

static gboolean
allows_ipv6 (NetFilter *f, const guint8 *frame, gsize len)
{
  const guint8 *ip = ipv6_header (frame, len);
  const guint8 *l4;
  gsize available;

  if (!f->ipv6)
    return TRUE; /* libslirp has IPv6 off and drops it */
  if (ip == NULL || is_host_local6 (ip + 24))
    return FALSE;
  l4 = ip + IPV6_HEADER;
  available = len - ETH_HEADER - IPV6_HEADER;
  if (memcmp (ip + 24, &f->dns6, 16) == 0)
    return dns_allowed (TRUE, ip[6], l4, available);
  /* Neighbour discovery, and echo requests libslirp answers itself. */
  if (ip[6] == IPPROTO_ICMPV6 || !is_loopback_alias6 (f, ip + 24))
    return TRUE;
  switch (ip[6])
    {
    case IPPROTO_TCP:
      return tcp_allowed (l4, available);
    case IPPROTO_UDP:
      return available >= 8 && udp_peer_known (f, get16 (l4), alias6_key (ip + 24), get16 (l4 + 2));
    default:
      /* Extension headers (a fragment, hop-by-hop options) hide the ports. */
      return FALSE;
    }
}

static void
note_inbound_ipv6 (NetFilter *f, const guint8 *frame, gsize len)
{
  const guint8 *ip = ipv6_header (frame, len);
  const guint8 *udp;

  if (ip == NULL || ip[6] != IPPROTO_UDP || len < ETH_HEADER + IPV6_HEADER + 8
      || !is_loopback_alias6 (f, ip + 8))
    return;
  udp = ip + IPV6_HEADER;
  note_udp_peer (f, get16 (udp + 2), alias6_key (ip + 8), get16 (udp));
}

void
net_filter_note_inbound (NetFilter *f, const guint8 *frame, gsize len)
{
  gsize ihl = 0;
  const guint8 *ip;
  const guint8 *udp;

  if (f->allow_host_loopback)
    return;
  if (f->ipv6 && len >= ETH_HEADER && get16 (frame + 12) == ETHERTYPE_IPV6)
    {
      note_inbound_ipv6 (f, frame, len);
      return;
    }
  ip = ipv4_header (frame, len, &ihl);
  if (ip == NULL || ip[9] != IPPROTO_UDP || (get16 (ip + 6) & 0x1fff) != 0
      || len < ETH_HEADER + ihl + 8 || !is_loopback_alias (f, get32 (ip + 12)))
    return;
  udp = ip + ihl;
  note_udp_peer (f, get16 (udp + 2), get32 (ip + 12), get16 (udp));
}

gboolean
net_filter_allows (NetFilter *f, const guint8 *frame, gsize len)
{
  gsize ihl = 0;
  const guint8 *ip = NULL;
  const guint8 *l4;

  if (len >= ETH_HEADER && get16 (frame + 12) == ETHERTYPE_IPV4)
    {
      if ((ip = ipv4_header (frame, len, &ihl)) == NULL)
        return FALSE;
      /* No IPv4 fragments, whatever the options: libslirp 4.7.0's reassembly (ip_reass)
       * crashes the helper on crafted ones (found by the frame-fuzz smoke test). With an MTU
       * of 65520 and TCP's path MTU discovery the container has no need for them. */
      if ((get16 (ip + 6) & IPV4_MORE_FRAGMENTS_AND_OFFSET) != 0)
        return FALSE;
    }
  if (f->allow_host_loopback)
    return TRUE;
  if (len >= ETH_HEADER && get16 (frame + 12) == ETHERTYPE_IPV6)
    return allows_ipv6 (f, frame, len);
  if (len >= ETH_HEADER && get16 (frame + 12) != ETHERTYPE_IPV4)
    return TRUE; /* ARP */
  if (ip == NULL)
    return FALSE; /* shorter than an Ethernet header */
  if (is_host_local (get32 (ip + 16)))
    return FALSE;
  if (get32 (ip + 16) != f->dns && !is_loopback_alias (f, get32 (ip + 16)))
    return TRUE;
  l4 = ip + ihl;
  if (get32 (ip + 16) == f->dns)
    return dns_allowed (!f->dns_closed, ip[9], l4, len - ETH_HEADER - ihl);
  switch (ip[9])
    {
    case IPPROTO_TCP:
      return tcp_allowed (l4, len - ETH_HEADER - ihl);
    case IPPROTO_UDP:
      return len >= ETH_HEADER + ihl + 8
             && udp_peer_known (f, get16 (l4), get32 (ip + 16), get16 (l4 + 2));
    default:
      return FALSE;
    }
}
