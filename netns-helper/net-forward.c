#include "net-forward.h"

#include <arpa/inet.h>
#include <errno.h>

#include "wr-error.h"

/* An IPv6 host address: libslirp's hostxfwd (4.7), to the container's fd00::100. V6ONLY, so
 * that [::]:PORT leaves the IPv4 side of the port to an IPv4 publish. */
static int
forward_add6 (Slirp *slirp, const NetPublish *p)
{
  struct sockaddr_in6 host = { .sin6_family = AF_INET6, .sin6_addr = p->host_addr6 };
  struct sockaddr_in6 guest = { .sin6_family = AF_INET6 };

  host.sin6_port = htons (p->host_port);
  guest.sin6_addr = net_options_host_addr6 (NET_OFFSET6_CONTAINER);
  guest.sin6_port = htons (p->container_port);
  return slirp_add_hostxfwd (slirp, (struct sockaddr *) &host, sizeof host,
                             (struct sockaddr *) &guest, sizeof guest,
                             SLIRP_HOSTFWD_V6ONLY
                                 | (p->proto == NET_PROTO_UDP ? SLIRP_HOSTFWD_UDP : 0));
}

gboolean
net_forward_add (Slirp *slirp, const NetPublish *p, struct in_addr container, GError **error)
{
  char host[INET6_ADDRSTRLEN + 2];
  const char *proto = p->proto == NET_PROTO_UDP ? "udp" : "tcp";
  int r;

  net_publish_format_host (p, host, sizeof host);
  errno = 0;
  if (p->family == AF_INET6)
    r = forward_add6 (slirp, p);
  else
    r = slirp_add_hostfwd (slirp, p->proto == NET_PROTO_UDP, p->host_addr, p->host_port, container,
                           p->container_port);
  if (r < 0)
    {
      /* libslirp keeps the errno of the bind or listen that failed. */
      if (errno != 0)
        return wr_throw_errno (error, "publish %s: listen on %s:%u/%s", p->spec, host, p->host_port,
                               proto);
      return wr_throw (error, WARREN_ERROR_FAILED, "publish %s: listen on %s:%u/%s failed", p->spec,
                       host, p->host_port, proto);
    }
  return TRUE;
}

gboolean
net_forward_remove (Slirp *slirp, const NetPublish *p, GError **error)
{
  char host[INET6_ADDRSTRLEN + 2];
  int r;

  net_publish_format_host (p, host, sizeof host);
  if (p->family == AF_INET6)
    {
      struct sockaddr_in6 addr = { .sin6_family = AF_INET6, .sin6_addr = p->host_addr6 };
      addr.sin6_port = htons (p->host_port);
      r = slirp_remove_hostxfwd (slirp, (struct sockaddr *) &addr, sizeof addr,
                                 p->proto == NET_PROTO_UDP ? SLIRP_HOSTFWD_UDP : 0);
    }
  else
    r = slirp_remove_hostfwd (slirp, p->proto == NET_PROTO_UDP, p->host_addr, p->host_port);
  if (r < 0)
    return wr_throw (error, WARREN_ERROR_NOT_FOUND, "libslirp has no forward on %s:%u/%s", host,
                     p->host_port, p->proto == NET_PROTO_UDP ? "udp" : "tcp");
  return TRUE;
}
