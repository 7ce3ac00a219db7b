/* net-filter: which frames from the container reach libslirp. Its one job is keeping the
 * host's loopback out of reach without --allow-host-loopback. libslirp maps every address of
 * the slirp network but the container's and the DNS forwarder's to the host's 127.0.0.1, and
 * its own switch for that (disable_host_loopback) also drops the container's replies to UDP
 * clients that came through a published port from the host's loopback: their replies are
 * addressed to the gateway. So the filter lets through TCP segments of connections the host
 * opened and UDP replies from a published port to a peer that sent to it lately (it watches
 * the frames libslirp sends to the container for those), and drops the rest to those
 * addresses. With --ipv6 the same holds for fd00::/64 (libslirp maps its aliases to the
 * host's ::1) and for multicast; ICMPv6 (neighbour discovery) passes. Parsing options is left
 * to net-options.c. */
#pragma once

#include <glib.h>

#include "net-options.h"

typedef struct NetFilter NetFilter;

NetFilter *net_filter_new (const NetOptions *options);
void net_filter_free (NetFilter *filter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NetFilter, net_filter_free)

/* Ports published or unpublished at runtime: whether the container's UDP `container_port`
 * is published (by any host port). */
void net_filter_set_udp_published (NetFilter *filter, guint16 container_port,
                                   gboolean published);
/* Whether an Ethernet frame the container sent may go to libslirp. */
gboolean net_filter_allows (NetFilter *filter, const guint8 *frame, gsize len);
/* Note a frame libslirp sends to the container. */
void net_filter_note_inbound (NetFilter *filter, const guint8 *frame, gsize len);

/* UDP peers remembered at most, and for how long after their last datagram. */
#define NET_FILTER_UDP_PEERS_MAX 4096
#define NET_FILTER_UDP_PEER_SECONDS 60
