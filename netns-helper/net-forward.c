#include "net-forward.h"

#include <arpa/inet.h>
#include <errno.h>

#include "wr-error.h"

gboolean
net_forward_add (Slirp *slirp, const NetPublish *p, struct in_addr container, GError **error)
{
  char host[INET_ADDRSTRLEN];
  const char *proto = p->proto == NET_PROTO_UDP ? "udp" : "tcp";

  inet_ntop (AF_INET, &p->host_addr, host, sizeof host);
  errno = 0;
  if (slirp_add_hostfwd (slirp, p->proto == NET_PROTO_UDP, p->host_addr, p->host_port, container,
                         p->container_port)
      < 0)
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
net_forward_remove (Slirp *slirp, NetProto proto, struct in_addr host_addr, guint16 host_port,
                    GError **error)
{
  char host[INET_ADDRSTRLEN];

  inet_ntop (AF_INET, &host_addr, host, sizeof host);
  if (slirp_remove_hostfwd (slirp, proto == NET_PROTO_UDP, host_addr, host_port) < 0)
    return wr_throw (error, WARREN_ERROR_NOT_FOUND, "libslirp has no forward on %s:%u/%s", host,
                     host_port, proto == NET_PROTO_UDP ? "udp" : "tcp");
  return TRUE;
}
