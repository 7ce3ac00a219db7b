#include "slirp-config.h"

#include <arpa/inet.h>
#include <string.h>

void
slirp_config_build (const NetOptions *o, SlirpConfig *cfg, SlirpConfigAddrs *addrs)
{
  guint32 mask = ~0u << (32 - o->prefix_len);

  memset (cfg, 0, sizeof *cfg);
  memset (addrs, 0, sizeof *addrs);
  cfg->version = 4;
  cfg->restricted = 0;
  cfg->in_enabled = true;
  cfg->vnetwork = o->network;
  cfg->vnetmask.s_addr = htonl (mask);
  cfg->vhost = net_options_host_addr (o, NET_OFFSET_GATEWAY);
  cfg->in6_enabled = o->ipv6;
  if (o->ipv6)
    {
      cfg->vprefix_addr6 = net_options_host_addr6 (0);
      cfg->vprefix_len = NET_IPV6_PREFIX_LEN;
      cfg->vhost6 = net_options_host_addr6 (NET_OFFSET6_GATEWAY);
      cfg->vnameserver6 = net_options_host_addr6 (NET_OFFSET6_DNS);
    }
  /* We configure the address ourselves: no DHCP or BOOTP server, no TFTP (no tftp_path),
   * and none of the protocol emulation libslirp itself calls unsafe. */
  cfg->disable_dhcp = true;
  cfg->vdhcp_start = net_options_host_addr (o, 15);
  cfg->vnameserver = net_options_host_addr (o, NET_OFFSET_DNS);
  cfg->disable_dns = o->disable_dns;
  cfg->enable_emu = false;
  if (o->has_outbound)
    {
      addrs->outbound.sin_family = AF_INET;
      addrs->outbound.sin_addr = o->outbound;
      cfg->outbound_addr = &addrs->outbound;
    }
  /* An interface's IPv6 address is there without --ipv6 too; it is only used with it. */
  if (o->has_outbound6 && o->ipv6)
    {
      addrs->outbound6.sin6_family = AF_INET6;
      addrs->outbound6.sin6_addr = o->outbound6;
      cfg->outbound_addr6 = &addrs->outbound6;
    }
  cfg->if_mtu = o->mtu;
  cfg->if_mru = o->mtu;
  /* net-filter.c keeps the host's loopback out of reach. libslirp's own switch does it too,
   * but drops the replies to UDP clients on the host's loopback: it stays on as a second
   * guard only where no UDP port is published, nor can be later through the API. */
  cfg->disable_host_loopback = !o->allow_host_loopback && !o->runtime_publish;
  for (guint i = 0; i < o->publish->len; i++)
    if (((NetPublish *) g_ptr_array_index (o->publish, i))->proto == NET_PROTO_UDP)
      cfg->disable_host_loopback = false;
}
