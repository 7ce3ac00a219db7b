#include "net-options.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>

#include "wr-error.h"

#define ANNOTATION_PREFIX "warren.net."

NetOptions *
net_options_new (void)
{
  NetOptions *o = g_new0 (NetOptions, 1);

  o->publish = g_ptr_array_new_with_free_func ((GDestroyNotify) net_publish_clear);
  o->mtu = NET_MTU_DEFAULT;
  o->network.s_addr = htonl (0x0a000200); /* 10.0.2.0/24, as slirp4netns and QEMU */
  o->prefix_len = 24;
  return o;
}

void
net_options_free (NetOptions *o)
{
  if (o == NULL)
    return;
  g_ptr_array_unref (o->publish);
  g_free (o->outbound6_source);
  g_free (o);
}

void
net_publish_clear (NetPublish *p)
{
  if (p == NULL)
    return;
  g_free (p->spec);
  g_free (p);
}

void
net_publish_format_host (const NetPublish *p, char *buf, gsize size)
{
  char addr[INET6_ADDRSTRLEN];

  if (p->family == AF_INET6)
    {
      inet_ntop (AF_INET6, &p->host_addr6, addr, sizeof addr);
      g_snprintf (buf, size, "[%s]", addr);
    }
  else
    inet_ntop (AF_INET, &p->host_addr, buf, (socklen_t) size);
}

static gboolean
parse_port (const char *text, const char *spec, const char *which, guint16 *out_port,
            GError **error)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &v, NULL))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "'%s': %s '%s' is not a port number between 1 and 65535", spec, which, text);
  *out_port = (guint16) v;
  return TRUE;
}

gboolean
net_publish_parse (const char *spec, NetPublish *out, GError **error)
{
  g_autofree char *copy = g_strdup (spec);
  g_auto (GStrv) parts = NULL;
  NetPublish p = { 0 };
  char *slash = strchr (copy, '/');
  guint n;

  p.proto = NET_PROTO_TCP;
  if (slash != NULL)
    {
      *slash = '\0';
      if (strcmp (slash + 1, "tcp") == 0)
        p.proto = NET_PROTO_TCP;
      else if (strcmp (slash + 1, "udp") == 0)
        p.proto = NET_PROTO_UDP;
      else
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s': protocol '%s' is not tcp or udp", spec, slash + 1);
    }
  p.family = AF_INET;
  p.host_addr.s_addr = htonl (INADDR_ANY);
  if (copy[0] == '[')
    {
      /* [HOSTIP]:HOSTPORT:CPORT, the brackets keeping the address's colons apart. */
      char *close = strchr (copy, ']');
      if (close == NULL || close[1] != ':')
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s': expected [IPV6]:HOSTPORT:CONTAINERPORT[/tcp|/udp]", spec);
      *close = '\0';
      if (inet_pton (AF_INET6, copy + 1, &p.host_addr6) != 1)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s': host address '%s' is not an IPv6 address", spec, copy + 1);
      p.family = AF_INET6;
      parts = g_strsplit (close + 2, ":", -1);
      if (g_strv_length (parts) != 2)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s': expected [IPV6]:HOSTPORT:CONTAINERPORT[/tcp|/udp]", spec);
      n = 2;
    }
  else
    {
      parts = g_strsplit (copy, ":", -1);
      n = g_strv_length (parts);
      if (n != 2 && n != 3)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s': expected [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]", spec);
      if (n == 3 && inet_pton (AF_INET, parts[0], &p.host_addr) != 1)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s': host address '%s' is not an IPv4 address (IPv6 goes in "
                         "brackets)",
                         spec, parts[0]);
    }
  if (!parse_port (parts[n - 2], spec, "host port", &p.host_port, error)
      || !parse_port (parts[n - 1], spec, "container port", &p.container_port, error))
    return FALSE;
  p.spec = g_strdup (spec);
  *out = p;
  return TRUE;
}

static gboolean
parse_cidr (NetOptions *o, const char *value, GError **error)
{
  g_autofree char *copy = g_strdup (value);
  char *slash = strchr (copy, '/');
  struct in_addr addr;
  guint64 len;
  guint32 mask;

  if (slash == NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "'%s' is not an IPv4 network such as 10.0.2.0/24", value);
  *slash = '\0';
  if (inet_pton (AF_INET, copy, &addr) != 1)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "'%s' is not an IPv4 address", copy);
  /* The container sits at .100 of the network: anything smaller than a /25 has no room. */
  if (!g_ascii_string_to_unsigned (slash + 1, 10, 8, 25, &len, NULL))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "'%s': the prefix length must be between 8 and 25", value);
  mask = len == 0 ? 0 : ~0u << (32 - len);
  if ((ntohl (addr.s_addr) & ~mask) != 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "'%s': host bits are set; the network address is needed", value);
  o->network = addr;
  o->prefix_len = (guint) len;
  return TRUE;
}

static gboolean
parse_mac (NetOptions *o, const char *value, GError **error)
{
  guint8 mac[6];
  g_auto (GStrv) parts = g_strsplit (value, ":", -1);

  if (g_strv_length (parts) != 6)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "'%s' is not a MAC address such as 02:42:0a:00:02:64", value);
  for (guint i = 0; i < 6; i++)
    {
      guint64 v;
      if (strlen (parts[i]) != 2 || !g_ascii_string_to_unsigned (parts[i], 16, 0, 255, &v, NULL))
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s' is not a MAC address such as 02:42:0a:00:02:64", value);
      mac[i] = (guint8) v;
    }
  if ((mac[0] & 1) != 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "'%s' is a multicast address; a unicast one is needed", value);
  memcpy (o->mac, mac, sizeof mac);
  o->has_mac = TRUE;
  return TRUE;
}

/* What an interface's IPv6 address must be to serve as the source of connections to the
 * outside: global, so not link-local (it reaches only its own link), nor ::1. */
static gboolean
usable_outbound6 (const struct in6_addr *a)
{
  return !IN6_IS_ADDR_LINKLOCAL (a) && !IN6_IS_ADDR_LOOPBACK (a) && !IN6_IS_ADDR_MULTICAST (a)
         && !IN6_IS_ADDR_V4MAPPED (a) && !IN6_IS_ADDR_UNSPECIFIED (a);
}

static void
set_outbound6 (NetOptions *o, const struct in6_addr *a, const char *source,
               gboolean from_interface)
{
  o->outbound6 = *a;
  o->has_outbound6 = TRUE;
  g_free (o->outbound6_source);
  o->outbound6_source = g_strdup (source);
  o->outbound6_from_interface = from_interface;
}

gboolean
net_options_set_outbound_interface (NetOptions *o, const char *name, const struct ifaddrs *list,
                                    GError **error)
{
  gboolean exists = FALSE, has4 = FALSE, has6 = FALSE;
  struct in_addr a4 = { 0 };
  struct in6_addr a6 = IN6ADDR_ANY_INIT;

  for (const struct ifaddrs *i = list; i != NULL; i = i->ifa_next)
    {
      if (strcmp (i->ifa_name, name) != 0)
        continue;
      exists = TRUE;
      if (i->ifa_addr == NULL)
        continue;
      if (i->ifa_addr->sa_family == AF_INET && !has4)
        {
          a4 = ((const struct sockaddr_in *) i->ifa_addr)->sin_addr;
          has4 = TRUE;
        }
      else if (i->ifa_addr->sa_family == AF_INET6 && !has6)
        {
          const struct in6_addr *a = &((const struct sockaddr_in6 *) i->ifa_addr)->sin6_addr;
          if (usable_outbound6 (a))
            {
              a6 = *a;
              has6 = TRUE;
            }
        }
    }
  if (!exists)
    return wr_throw (error, WARREN_ERROR_NOT_FOUND,
                     "'%s' is neither an IPv4 or IPv6 address nor an interface", name);
  if (!has4 && !has6)
    return wr_throw (error, WARREN_ERROR_NOT_FOUND,
                     "interface '%s' has neither an IPv4 address nor a global IPv6 one", name);
  if (has4)
    {
      o->outbound = a4;
      o->has_outbound = TRUE;
    }
  if (has6)
    set_outbound6 (o, &a6, name, TRUE);
  return TRUE;
}

/* An IPv4 or IPv6 address, or an interface whose addresses are taken now. Given again, an
 * address replaces only the one of its own family. */
static gboolean
parse_outbound (NetOptions *o, const char *value, GError **error)
{
  struct ifaddrs *list = NULL;
  struct in6_addr a6;
  gboolean ok;

  if (inet_pton (AF_INET, value, &o->outbound) == 1)
    {
      o->has_outbound = TRUE;
      return TRUE;
    }
  if (inet_pton (AF_INET6, value, &a6) == 1)
    {
      if (!usable_outbound6 (&a6) && !IN6_IS_ADDR_LOOPBACK (&a6))
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s': a link-local, multicast or unspecified address cannot be the "
                         "source of connections",
                         value);
      set_outbound6 (o, &a6, value, FALSE);
      return TRUE;
    }
  if (strlen (value) >= IFNAMSIZ || strchr (value, '/') != NULL || strchr (value, ':') != NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "'%s' is neither an IPv4 or IPv6 address nor an interface name", value);
  if (getifaddrs (&list) < 0)
    return wr_throw_errno (error, "list the interfaces");
  ok = net_options_set_outbound_interface (o, value, list, error);
  freeifaddrs (list);
  return ok;
}

static gboolean
parse_dns_forward (NetOptions *o, const char *value, GError **error)
{
  if (inet_pton (AF_INET, value, &o->dns_forward) == 1)
    o->dns_forward_family = AF_INET;
  else if (inet_pton (AF_INET6, value, &o->dns_forward6) == 1)
    o->dns_forward_family = AF_INET6;
  else
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "'%s' is not an IPv4 or IPv6 address (the resolver listens on port 53)",
                     value);
  return TRUE;
}

static gboolean
parse_flag (const char *value, gboolean *out, GError **error)
{
  if (value == NULL || strcmp (value, "true") == 0)
    *out = TRUE;
  else if (strcmp (value, "false") == 0)
    *out = FALSE;
  else
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "'%s' is not true or false", value);
  return TRUE;
}

static gboolean
set_one (NetOptions *o, const char *name, const char *value, GError **error)
{
  if (strcmp (name, "publish") == 0)
    {
      NetPublish p;
      if (o->publish->len >= NET_PUBLISH_MAX)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s': at most %d ports can be published", value, NET_PUBLISH_MAX);
      if (!net_publish_parse (value, &p, error))
        return FALSE;
      g_ptr_array_add (o->publish, g_memdup2 (&p, sizeof p));
      return TRUE;
    }
  if (strcmp (name, "mtu") == 0)
    {
      guint64 v;
      if (!g_ascii_string_to_unsigned (value, 10, NET_MTU_MIN, NET_MTU_MAX, &v, NULL))
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s' is not a number between %d and %d", value, NET_MTU_MIN, NET_MTU_MAX);
      o->mtu = (guint) v;
      return TRUE;
    }
  if (strcmp (name, "cidr") == 0)
    return parse_cidr (o, value, error);
  if (strcmp (name, "mac") == 0)
    return parse_mac (o, value, error);
  if (strcmp (name, "allow-host-loopback") == 0)
    return parse_flag (value, &o->allow_host_loopback, error);
  if (strcmp (name, "disable-dns") == 0)
    return parse_flag (value, &o->disable_dns, error);
  if (strcmp (name, "ipv6") == 0)
    return parse_flag (value, &o->ipv6, error);
  if (strcmp (name, "dns-forward") == 0)
    return parse_dns_forward (o, value, error);
  if (strcmp (name, "outbound-addr") == 0)
    return parse_outbound (o, value, error);
  if (strcmp (name, "port-driver") == 0)
    {
      if (strcmp (value, "splice") == 0)
        o->port_driver = NET_PORT_DRIVER_SPLICE;
      else if (strcmp (value, "slirp") == 0)
        o->port_driver = NET_PORT_DRIVER_SLIRP;
      else
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "'%s' is not splice or slirp",
                         value);
      return TRUE;
    }
  return wr_throw (error, WARREN_ERROR_NOT_SUPPORTED, "unknown option");
}

gboolean
net_options_set (NetOptions *o, const char *name, const char *value, const char *what,
                 GError **error)
{
  if (!set_one (o, name, value, error))
    return g_prefix_error (error, "%s: ", what), FALSE;
  return TRUE;
}

gboolean
net_options_apply_annotations (NetOptions *o, JsonObject *annotations, GError **error)
{
  g_autoptr (GList) members = json_object_get_members (annotations);

  /* Sorted, so that the first bad annotation reported does not depend on hash order. */
  members = g_list_sort (members, (GCompareFunc) strcmp);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (annotations, key);
      g_autofree char *what = NULL;
      const char *value;

      if (!g_str_has_prefix (key, ANNOTATION_PREFIX))
        continue;
      what = g_strdup_printf ("annotation %s", key);
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "%s: must be a string", what);
      value = json_node_get_string (node);
      if (strcmp (key, ANNOTATION_PREFIX "publish") == 0)
        {
          g_auto (GStrv) specs = g_strsplit (value, ",", -1);
          for (guint i = 0; specs[i] != NULL; i++)
            {
              g_strstrip (specs[i]);
              if (specs[i][0] != '\0' && !net_options_set (o, "publish", specs[i], what, error))
                return FALSE;
            }
          continue;
        }
      if (!net_options_set (o, key + strlen (ANNOTATION_PREFIX), value, what, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
net_options_check (const NetOptions *o, GError **error)
{
  if (o->dns_forward_family != 0 && o->disable_dns)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--dns-forward: there is no DNS forwarder with --disable-dns");
  for (guint i = 0; i < o->publish->len; i++)
    {
      const NetPublish *p = g_ptr_array_index (o->publish, i);
      if (p->family == AF_INET6 && !o->ipv6)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "publish %s: an IPv6 host address needs --ipv6", p->spec);
    }
  if (o->has_outbound6 && !o->ipv6 && !o->outbound6_from_interface)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "outbound-addr %s: an IPv6 address needs --ipv6", o->outbound6_source);
  if (o->has_outbound6 && !o->ipv6 && !o->has_outbound)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "outbound-addr %s: the interface has no IPv4 address, and its IPv6 one "
                     "needs --ipv6",
                     o->outbound6_source);
  return TRUE;
}

char *
net_options_resolv_conf (const NetOptions *o)
{
  char addr[INET6_ADDRSTRLEN];

  switch (o->dns_forward_family)
    {
    case AF_INET:
      /* libslirp takes the first address of each family: the second line, the same address
       * mapped into IPv6, serves the queries to fd00::3 through a dual-stack socket. */
      inet_ntop (AF_INET, &o->dns_forward, addr, sizeof addr);
      return g_strdup_printf ("nameserver %s\nnameserver ::ffff:%s\n", addr, addr);
    case AF_INET6:
      inet_ntop (AF_INET6, &o->dns_forward6, addr, sizeof addr);
      return g_strdup_printf ("nameserver %s\n", addr);
    default:
      return NULL;
    }
}

gboolean
net_options_splices (const NetOptions *o, const NetPublish *p)
{
  return p->proto == NET_PROTO_TCP && o->port_driver == NET_PORT_DRIVER_SPLICE;
}

struct in_addr
net_options_host_addr (const NetOptions *o, guint offset)
{
  struct in_addr a = { .s_addr = htonl (ntohl (o->network.s_addr) + offset) };
  return a;
}

struct in6_addr
net_options_host_addr6 (guint offset)
{
  struct in6_addr a = { .s6_addr = { 0xfd } };

  a.s6_addr[14] = (guint8) (offset >> 8);
  a.s6_addr[15] = (guint8) offset;
  return a;
}
