#include "net-api-message.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "wr-error.h"
#include "wr-json.h"

const char *
net_port_driver_name (NetPortDriver driver)
{
  return driver == NET_PORT_DRIVER_SPLICE ? "splice" : "slirp";
}

const char *
net_proto_name (NetProto proto)
{
  return proto == NET_PROTO_UDP ? "udp" : "tcp";
}

static gboolean
get_proto (const WrJsonCursor *object, NetProto *out, GError **error)
{
  WrJsonCursor c;
  g_autofree char *name = NULL;

  wr_json_member (object, "proto", &c);
  if (!wr_json_present (&c))
    return wr_json_fail (&c, error, "missing (tcp or udp)");
  if (!wr_json_get_string (&c, &name, error))
    return FALSE;
  if (strcmp (name, "tcp") == 0)
    *out = NET_PROTO_TCP;
  else if (strcmp (name, "udp") == 0)
    *out = NET_PROTO_UDP;
  else
    return wr_json_fail (&c, error, "'%s' is not tcp or udp", name);
  return TRUE;
}

static gboolean
get_port (const WrJsonCursor *object, const char *key, guint16 *out, GError **error)
{
  WrJsonCursor c;
  gint64 v;

  wr_json_member (object, key, &c);
  if (!wr_json_present (&c))
    return wr_json_fail (&c, error, "missing (a port number between 1 and 65535)");
  if (!wr_json_get_int64 (&c, &v, error))
    return FALSE;
  if (v < 1 || v > 65535)
    return wr_json_fail (&c, error, "%" G_GINT64_FORMAT " is not a port number between 1 and 65535",
                         v);
  *out = (guint16) v;
  return TRUE;
}

const char *
net_port_host_text (const NetPort *port, char buf[INET6_ADDRSTRLEN])
{
  if (port->family == AF_INET6)
    inet_ntop (AF_INET6, &port->host_addr6, buf, INET6_ADDRSTRLEN);
  else
    inet_ntop (AF_INET, &port->host_addr, buf, INET6_ADDRSTRLEN);
  return buf;
}

gboolean
net_port_set_host (NetPort *port, const char *text)
{
  if (inet_pton (AF_INET, text, &port->host_addr) == 1)
    {
      port->family = AF_INET;
      return TRUE;
    }
  if (inet_pton (AF_INET6, text, &port->host_addr6) == 1)
    {
      port->family = AF_INET6;
      return TRUE;
    }
  return FALSE;
}

gboolean
net_port_same_host (const NetPort *a, const NetPort *b)
{
  gboolean a6 = a->family == AF_INET6, b6 = b->family == AF_INET6;

  if (a6 != b6)
    return FALSE;
  return a6 ? memcmp (&a->host_addr6, &b->host_addr6, sizeof a->host_addr6) == 0
            : a->host_addr.s_addr == b->host_addr.s_addr;
}

/* Leaves the port's address alone when the member is absent, and says whether it was there. */
static gboolean
get_host_addr (const WrJsonCursor *object, NetPort *out, gboolean *out_present, GError **error)
{
  WrJsonCursor c;
  g_autofree char *text = NULL;

  wr_json_member (object, "host_addr", &c);
  *out_present = wr_json_present (&c);
  if (!*out_present)
    return TRUE;
  if (!wr_json_get_string (&c, &text, error))
    return FALSE;
  if (!net_port_set_host (out, text))
    return wr_json_fail (&c, error, "'%s' is not an IPv4 or IPv6 address", text);
  return TRUE;
}

static gboolean
get_driver (const WrJsonCursor *object, NetPortDriver *out, gboolean *out_present, GError **error)
{
  WrJsonCursor c;
  g_autofree char *name = NULL;

  wr_json_member (object, "driver", &c);
  *out_present = wr_json_present (&c);
  if (!*out_present)
    return TRUE;
  if (!wr_json_get_string (&c, &name, error))
    return FALSE;
  if (strcmp (name, "splice") == 0)
    *out = NET_PORT_DRIVER_SPLICE;
  else if (strcmp (name, "slirp") == 0)
    *out = NET_PORT_DRIVER_SLIRP;
  else
    return wr_json_fail (&c, error, "'%s' is not splice or slirp", name);
  return TRUE;
}

/* The fields of a port; `need_all` for net.json, where nothing is optional. */
static gboolean
get_port_fields (const WrJsonCursor *c, gboolean need_all, NetPort *out, gboolean *out_has_addr,
                 gboolean *out_has_driver, GError **error)
{
  WrJsonCursor member;
  NetPort p = { .driver = NET_PORT_DRIVER_SLIRP, .family = AF_INET };

  p.host_addr.s_addr = htonl (INADDR_ANY);
  if (!get_proto (c, &p.proto, error) || !get_host_addr (c, &p, out_has_addr, error)
      || !get_port (c, "host_port", &p.host_port, error)
      || !get_port (c, "container_port", &p.container_port, error)
      || !get_driver (c, &p.driver, out_has_driver, error))
    return FALSE;
  if (need_all && !*out_has_addr)
    return wr_json_member (c, "host_addr", &member), wr_json_fail (&member, error, "missing");
  if (need_all && !*out_has_driver)
    return wr_json_member (c, "driver", &member), wr_json_fail (&member, error, "missing");
  if (*out_has_driver && p.driver == NET_PORT_DRIVER_SPLICE && p.proto == NET_PROTO_UDP)
    return wr_json_member (c, "driver", &member),
           wr_json_fail (&member, error, "UDP goes through slirp only, not splice");
  *out = p;
  return TRUE;
}

gboolean
net_port_from_json (const WrJsonCursor *cursor, NetPort *out_port, GError **error)
{
  gboolean has_addr, has_driver;

  if (!wr_json_expect_object (cursor, error))
    return FALSE;
  return get_port_fields (cursor, TRUE, out_port, &has_addr, &has_driver, error);
}

gboolean
net_api_request_parse (const char *line, gsize len, NetApiRequest *out, GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *op = NULL;
  WrJsonCursor top, c;
  NetApiRequest r = { 0 };

  if (memchr (line, '\0', len) != NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "request: contains a NUL byte");
  if ((root = wr_json_parse_data (line, (gssize) len, "request", error)) == NULL)
    return FALSE;
  wr_json_cursor_root (&top, "request", root);
  if (!wr_json_expect_object (&top, error))
    return FALSE;
  wr_json_member (&top, "request", &c);
  if (!wr_json_present (&c))
    return wr_json_fail (&c, error, "missing (publish, unpublish or list)");
  if (!wr_json_get_string (&c, &op, error))
    return FALSE;
  if (strcmp (op, "list") == 0)
    r.op = NET_API_LIST;
  else if (strcmp (op, "publish") == 0)
    {
      r.op = NET_API_PUBLISH;
      if (!get_port_fields (&top, FALSE, &r.port, &r.has_host_addr, &r.has_driver, error))
        return FALSE;
    }
  else if (strcmp (op, "unpublish") == 0)
    {
      r.op = NET_API_UNPUBLISH;
      r.port.family = AF_INET;
      r.port.host_addr.s_addr = htonl (INADDR_ANY);
      if (!get_proto (&top, &r.port.proto, error)
          || !get_host_addr (&top, &r.port, &r.has_host_addr, error)
          || !get_port (&top, "host_port", &r.port.host_port, error))
        return FALSE;
    }
  else
    return wr_json_fail (&c, error, "'%s' is not publish, unpublish or list", op);
  *out = r;
  return TRUE;
}

JsonNode *
net_port_to_json (const NetPort *p)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  char host[INET6_ADDRSTRLEN];

  net_port_host_text (p, host);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "driver");
  json_builder_add_string_value (b, net_port_driver_name (p->driver));
  json_builder_set_member_name (b, "proto");
  json_builder_add_string_value (b, net_proto_name (p->proto));
  json_builder_set_member_name (b, "host_addr");
  json_builder_add_string_value (b, host);
  json_builder_set_member_name (b, "host_port");
  json_builder_add_int_value (b, p->host_port);
  json_builder_set_member_name (b, "container_port");
  json_builder_add_int_value (b, p->container_port);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
net_port_to_string (const NetPort *p)
{
  char host[INET6_ADDRSTRLEN];

  net_port_host_text (p, host);
  if (p->family == AF_INET6)
    return g_strdup_printf ("[%s]:%u:%u/%s", host, p->host_port, p->container_port,
                            net_proto_name (p->proto));
  return g_strdup_printf ("%s:%u:%u/%s", host, p->host_port, p->container_port,
                          net_proto_name (p->proto));
}

char *
net_api_reply_ok (JsonNode *port, JsonNode *ports, gsize *out_len)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  char *line;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  if (port != NULL)
    {
      json_builder_set_member_name (b, "port");
      json_builder_add_value (b, json_node_ref (port));
    }
  if (ports != NULL)
    {
      json_builder_set_member_name (b, "ports");
      json_builder_add_value (b, json_node_ref (ports));
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  line = wr_json_line (root);
  *out_len = strlen (line);
  return line;
}

char *
net_api_reply_error (const char *message, gsize *out_len)
{
  char *line = wr_json_error_line (message);

  *out_len = strlen (line);
  return line;
}

static JsonNode *
request_new (const char *op, const NetPort *port, gboolean with_addr, gboolean with_container,
             const char *driver)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  char host[INET6_ADDRSTRLEN];

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "request");
  json_builder_add_string_value (b, op);
  if (port != NULL)
    {
      net_port_host_text (port, host);
      json_builder_set_member_name (b, "proto");
      json_builder_add_string_value (b, net_proto_name (port->proto));
      if (with_addr)
        {
          json_builder_set_member_name (b, "host_addr");
          json_builder_add_string_value (b, host);
        }
      json_builder_set_member_name (b, "host_port");
      json_builder_add_int_value (b, port->host_port);
      if (with_container)
        {
          json_builder_set_member_name (b, "container_port");
          json_builder_add_int_value (b, port->container_port);
        }
    }
  if (driver != NULL)
    {
      json_builder_set_member_name (b, "driver");
      json_builder_add_string_value (b, driver);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
net_api_request_publish (const char *spec, const char *driver, JsonNode **out, GError **error)
{
  NetPublish p;
  NetPort port = { 0 };

  if (!net_publish_parse (spec, &p, error))
    return FALSE;
  g_free (p.spec);
  if (driver != NULL && strcmp (driver, "splice") != 0 && strcmp (driver, "slirp") != 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--port-driver: '%s' is not splice "
                     "or slirp",
                     driver);
  port.proto = p.proto;
  port.family = p.family;
  port.host_addr = p.host_addr;
  port.host_addr6 = p.host_addr6;
  port.host_port = p.host_port;
  port.container_port = p.container_port;
  /* UDP has one driver: --port-driver is about TCP, as at start-up. */
  if (port.proto == NET_PROTO_UDP)
    driver = NULL;
  *out = request_new ("publish", &port, TRUE, TRUE, driver);
  return TRUE;
}

gboolean
net_api_request_unpublish (const char *spec, JsonNode **out, GError **error)
{
  g_autofree char *copy = g_strdup (spec);
  char *slash = strchr (copy, '/');
  char *colon;
  const char *port_text = copy;
  NetPort port = { .proto = NET_PROTO_TCP, .family = AF_INET };
  gboolean with_addr = FALSE;
  guint64 v;

  port.host_addr.s_addr = htonl (INADDR_ANY);
  if (slash != NULL)
    {
      *slash = '\0';
      if (strcmp (slash + 1, "tcp") == 0)
        port.proto = NET_PROTO_TCP;
      else if (strcmp (slash + 1, "udp") == 0)
        port.proto = NET_PROTO_UDP;
      else
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s': protocol '%s' is not tcp or udp", spec, slash + 1);
    }
  colon = strrchr (copy, ':');
  if (colon != NULL)
    {
      char *host = copy;
      gsize len;

      *colon = '\0';
      port_text = colon + 1;
      with_addr = TRUE;
      /* An IPv6 address in brackets, as in a --publish spec: [::1]:8080/tcp. */
      len = strlen (host);
      if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
        {
          host[len - 1] = '\0';
          host++;
        }
      else if (strchr (host, ':') != NULL)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s': an IPv6 host address goes in brackets ([::1]:8080)", spec);
      if (!net_port_set_host (&port, host))
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "'%s': host address '%s' is not an IPv4 or IPv6 address", spec, host);
    }
  if (!g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &v, NULL))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "'%s': host port '%s' is not a port number between 1 and 65535 (expected "
                     "[HOSTIP:]HOSTPORT[/tcp|/udp])",
                     spec, port_text);
  port.host_port = (guint16) v;
  *out = request_new ("unpublish", &port, with_addr, FALSE, NULL);
  return TRUE;
}

JsonNode *
net_api_request_list (void)
{
  return request_new ("list", NULL, FALSE, FALSE, NULL);
}
