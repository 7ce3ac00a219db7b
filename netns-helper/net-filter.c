#include "net-filter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#define ETH_HEADER 14
#define ETHERTYPE_IPV4 0x0800
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_ACK 0x10

struct NetFilter
{
  gboolean allow_host_loopback;
  guint32 network; /* host byte order, like everything below */
  guint32 mask;
  guint32 container;
  guint32 dns;
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

void
net_filter_note_inbound (NetFilter *f, const guint8 *frame, gsize len)
{
  gsize ihl = 0;
  const guint8 *ip = ipv4_header (frame, len, &ihl);
  const guint8 *udp;
  guint64 key;
  gint64 now = g_get_monotonic_time ();

  if (f->allow_host_loopback || ip == NULL || ip[9] != IPPROTO_UDP || (get16 (ip + 6) & 0x1fff) != 0
      || len < ETH_HEADER + ihl + 8 || !is_loopback_alias (f, get32 (ip + 12)))
    return;
  udp = ip + ihl;
  if (!udp_published (f, get16 (udp + 2)))
    return;
  key = udp_peer_key (get16 (udp + 2), get32 (ip + 12), get16 (udp));
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

gboolean
net_filter_allows (NetFilter *f, const guint8 *frame, gsize len)
{
  gsize ihl = 0;
  const guint8 *ip;
  const guint8 *l4;
  guint64 key;
  gint64 *expiry;

  if (f->allow_host_loopback)
    return TRUE;
  if (len >= ETH_HEADER && get16 (frame + 12) != ETHERTYPE_IPV4)
    return TRUE; /* ARP, and IPv6 which libslirp has off */
  if ((ip = ipv4_header (frame, len, &ihl)) == NULL)
    return FALSE;
  if (!is_loopback_alias (f, get32 (ip + 16)))
    return TRUE;
  /* A later fragment carries no ports; without its first one libslirp drops it. */
  if ((get16 (ip + 6) & 0x1fff) != 0)
    return TRUE;
  l4 = ip + ihl;
  switch (ip[9])
    {
    case IPPROTO_TCP:
      /* A connection the container opens starts with a SYN alone; segments of the ones the
       * host opened through a published port carry an ACK. */
      if (len < ETH_HEADER + ihl + 14)
        return FALSE;
      return (l4[13] & (TCP_FLAG_SYN | TCP_FLAG_ACK)) != TCP_FLAG_SYN;
    case IPPROTO_UDP:
      if (len < ETH_HEADER + ihl + 8)
        return FALSE;
      key = udp_peer_key (get16 (l4), get32 (ip + 16), get16 (l4 + 2));
      expiry = g_hash_table_lookup (f->udp_peers, &key);
      return expiry != NULL && *expiry >= g_get_monotonic_time ();
    default:
      return FALSE;
    }
}
