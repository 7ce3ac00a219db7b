#include "net-ports.h"

#include <arpa/inet.h>

#include "net-forward.h"
#include "wr-error.h"

struct NetPorts
{
  const NetOptions *options;
  Slirp *slirp;
  NetFilter *filter;
  NetSplice *splice;
  GArray *ports; /* of NetPort, in the order published */
  NetPortsChanged changed;
  gpointer changed_data;
};

NetPorts *
net_ports_new (const NetOptions *options, Slirp *slirp, NetFilter *filter, NetSplice *splice)
{
  NetPorts *ports = g_new0 (NetPorts, 1);

  ports->options = options;
  ports->slirp = slirp;
  ports->filter = filter;
  ports->splice = splice;
  ports->ports = g_array_new (FALSE, FALSE, sizeof (NetPort));
  return ports;
}

void
net_ports_free (NetPorts *ports)
{
  if (ports == NULL)
    return;
  g_array_unref (ports->ports);
  g_free (ports);
}

void
net_ports_set_changed (NetPorts *ports, NetPortsChanged changed, gpointer user_data)
{
  ports->changed = changed;
  ports->changed_data = user_data;
}

NetPortDriver
net_ports_default_driver (NetPorts *ports, NetProto proto)
{
  return proto == NET_PROTO_UDP ? NET_PORT_DRIVER_SLIRP : ports->options->port_driver;
}

/* The index of the port with this proto and host port (and address), or -1. */
static int
find (NetPorts *ports, const NetPort *port, gboolean match_addr, guint *out_count)
{
  int found = -1;

  *out_count = 0;
  for (guint i = 0; i < ports->ports->len; i++)
    {
      const NetPort *p = &g_array_index (ports->ports, NetPort, i);
      if (p->proto == port->proto && p->host_port == port->host_port
          && (!match_addr || net_port_same_host (p, port)))
        {
          found = (int) i;
          (*out_count)++;
        }
    }
  return found;
}

gboolean
net_ports_publish (NetPorts *ports, const NetPort *port, const char *spec, GError **error)
{
  g_autofree char *made_up = net_port_to_string (port);
  struct in_addr container = net_options_host_addr (ports->options, NET_OFFSET_CONTAINER);
  NetPublish publish = {
    .family = port->family == AF_INET6 ? AF_INET6 : AF_INET,
    .host_addr = port->host_addr,
    .host_addr6 = port->host_addr6,
    .host_port = port->host_port,
    .container_port = port->container_port,
    .proto = port->proto,
    .spec = (char *) (spec != NULL ? spec : made_up),
  };
  guint count;

  if (ports->ports->len >= NET_PUBLISH_MAX)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "publish %s: at most %d ports can be published", publish.spec,
                     NET_PUBLISH_MAX);
  if (publish.family == AF_INET6 && !ports->options->ipv6)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "publish %s: an IPv6 host address needs a helper started with --ipv6",
                     publish.spec);
  if (find (ports, port, TRUE, &count) >= 0)
    return wr_throw (error, WARREN_ERROR_EXISTS, "publish %s: published already", publish.spec);
  if (port->driver == NET_PORT_DRIVER_SPLICE)
    {
      if (port->proto != NET_PROTO_TCP)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "publish %s: only TCP can be spliced", publish.spec);
      if (ports->splice == NULL)
        return wr_throw (error, WARREN_ERROR_NOT_SUPPORTED,
                         "publish %s: the splice driver needs the companion, which a helper "
                         "started with --port-driver slirp does not have",
                         publish.spec);
      if (!net_splice_listen (ports->splice, &publish, error))
        return FALSE;
    }
  else if (!net_forward_add (ports->slirp, &publish, container, error))
    return FALSE;
  g_array_append_val (ports->ports, *port);
  if (port->proto == NET_PROTO_UDP)
    net_filter_set_udp_published (ports->filter, port->container_port, TRUE);
  if (ports->changed != NULL)
    ports->changed (ports, ports->changed_data);
  return TRUE;
}

gboolean
net_ports_unpublish (NetPorts *ports, const NetPort *port, gboolean match_addr,
                     NetPort *out_removed, GError **error)
{
  g_autofree char *what = NULL;
  char host[INET6_ADDRSTRLEN];
  guint count;
  int i = find (ports, port, match_addr, &count);
  NetPort p;
  NetPublish publish = { 0 };

  net_port_host_text (port, host);
  what = match_addr
             ? g_strdup_printf (port->family == AF_INET6 ? "[%s]:%u/%s" : "%s:%u/%s", host,
                                port->host_port, net_proto_name (port->proto))
             : g_strdup_printf ("%u/%s", port->host_port, net_proto_name (port->proto));
  if (i < 0)
    return wr_throw (error, WARREN_ERROR_NOT_FOUND, "unpublish %s: not published", what);
  if (count > 1)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "unpublish %s: published on %u host addresses; name one", what, count);
  p = g_array_index (ports->ports, NetPort, i);
  publish.family = p.family == AF_INET6 ? AF_INET6 : AF_INET;
  publish.host_addr = p.host_addr;
  publish.host_addr6 = p.host_addr6;
  publish.host_port = p.host_port;
  publish.proto = p.proto;
  if (p.driver == NET_PORT_DRIVER_SPLICE)
    net_splice_unlisten (ports->splice, &publish);
  else if (!net_forward_remove (ports->slirp, &publish, error))
    return g_prefix_error (error, "unpublish %s: ", what), FALSE;
  g_array_remove_index (ports->ports, (guint) i);
  if (p.proto == NET_PROTO_UDP)
    {
      /* The container port may stay published through another host port. */
      gboolean still = FALSE;
      for (guint j = 0; j < ports->ports->len; j++)
        {
          const NetPort *other = &g_array_index (ports->ports, NetPort, j);
          if (other->proto == NET_PROTO_UDP && other->container_port == p.container_port)
            still = TRUE;
        }
      net_filter_set_udp_published (ports->filter, p.container_port, still);
    }
  if (ports->changed != NULL)
    ports->changed (ports, ports->changed_data);
  *out_removed = p;
  return TRUE;
}

JsonNode *
net_ports_to_json (NetPorts *ports)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < ports->ports->len; i++)
    json_array_add_element (array, net_port_to_json (&g_array_index (ports->ports, NetPort, i)));
  json_node_take_array (node, array);
  return node;
}
