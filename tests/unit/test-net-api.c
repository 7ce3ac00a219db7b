/* warren-netns's API messages and net.json: request parsing, the requests the command line
 * builds, replies, and what restart reads back. */
#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "net-api-message.h"
#include "net-saved.h"
#include "wr-error.h"

static void
assert_message (GError *error, const char *fragment)
{
  g_assert_nonnull (error);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, fragment);
}

static gboolean
parse (const char *line, NetApiRequest *out, GError **error)
{
  return net_api_request_parse (line, strlen (line), out, error);
}

static void
test_publish (void)
{
  NetApiRequest r;
  char host[INET_ADDRSTRLEN];

  g_assert_true (parse ("{\"request\": \"publish\", \"proto\": \"udp\", \"host_addr\": "
                        "\"127.0.0.1\", \"host_port\": 5353, \"container_port\": 53}",
                        &r, NULL));
  g_assert_cmpint (r.op, ==, NET_API_PUBLISH);
  g_assert_cmpint (r.port.proto, ==, NET_PROTO_UDP);
  g_assert_cmpuint (r.port.host_port, ==, 5353);
  g_assert_cmpuint (r.port.container_port, ==, 53);
  inet_ntop (AF_INET, &r.port.host_addr, host, sizeof host);
  g_assert_cmpstr (host, ==, "127.0.0.1");
  g_assert_false (r.has_driver);

  g_assert_true (parse ("{\"request\": \"publish\", \"proto\": \"tcp\", \"host_port\": 65535, "
                        "\"container_port\": 1, \"driver\": \"slirp\", \"unknown\": 1}",
                        &r, NULL));
  g_assert_true (r.has_driver);
  g_assert_cmpint (r.port.driver, ==, NET_PORT_DRIVER_SLIRP);
  g_assert_cmpuint (r.port.host_addr.s_addr, ==, htonl (INADDR_ANY));

  g_assert_true (
      parse ("{\"request\": \"unpublish\", \"proto\": \"tcp\", \"host_port\": 80}", &r, NULL));
  g_assert_cmpint (r.op, ==, NET_API_UNPUBLISH);
  g_assert_false (r.has_host_addr);
  g_assert_true (parse ("{\"request\": \"list\"}", &r, NULL));
  g_assert_cmpint (r.op, ==, NET_API_LIST);
}

static void
test_rejected (void)
{
  static const struct
  {
    const char *line, *fragment;
  } cases[] = {
    { "", "request:" },
    { "{", "request:" },
    { "[]", "request: (root): must be an object" },
    { "{}", "request: request: missing" },
    { "{\"request\": 1}", "request: request: must be" },
    { "{\"request\": \"halt\"}", "request: request: 'halt' is not publish, unpublish or list" },
    { "{\"request\": \"publish\", \"host_port\": 1, \"container_port\": 1}",
      "request: proto: missing (tcp or udp)" },
    { "{\"request\": \"publish\", \"proto\": null, \"host_port\": 1, \"container_port\": 1}",
      "request: proto: missing" },
    { "{\"request\": \"publish\", \"proto\": \"icmp\", \"host_port\": 1, \"container_port\": 1}",
      "request: proto: 'icmp' is not tcp or udp" },
    { "{\"request\": \"publish\", \"proto\": \"tcp\", \"host_port\": 0, \"container_port\": 1}",
      "request: host_port: 0 is not a port number between 1 and 65535" },
    { "{\"request\": \"publish\", \"proto\": \"tcp\", \"host_port\": 65536, \"container_port\": 1}",
      "request: host_port: 65536 is not a port number" },
    { "{\"request\": \"publish\", \"proto\": \"tcp\", \"host_port\": -1, \"container_port\": 1}",
      "request: host_port: -1 is not a port number" },
    { "{\"request\": \"publish\", \"proto\": \"tcp\", \"host_port\": 1.5, \"container_port\": 1}",
      "request: host_port: must be" },
    { "{\"request\": \"publish\", \"proto\": \"tcp\", \"host_port\": 1}",
      "request: container_port: missing" },
    { "{\"request\": \"publish\", \"proto\": \"tcp\", \"host_addr\": \"::::\", \"host_port\": 1, "
      "\"container_port\": 1}",
      "request: host_addr: '::::' is not an IPv4 or IPv6 address" },
    { "{\"request\": \"publish\", \"proto\": \"tcp\", \"host_addr\": 7, \"host_port\": 1, "
      "\"container_port\": 1}",
      "request: host_addr: must be" },
    { "{\"request\": \"publish\", \"proto\": \"tcp\", \"driver\": \"fast\", \"host_port\": 1, "
      "\"container_port\": 1}",
      "request: driver: 'fast' is not splice or slirp" },
    { "{\"request\": \"publish\", \"proto\": \"udp\", \"driver\": \"splice\", \"host_port\": 1, "
      "\"container_port\": 1}",
      "request: driver: UDP goes through slirp only" },
    { "{\"request\": \"unpublish\", \"host_port\": 1}", "request: proto: missing" },
    { "{\"request\": \"unpublish\", \"proto\": \"tcp\"}", "request: host_port: missing" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      NetApiRequest r;
      g_assert_false (parse (cases[i].line, &r, &error));
      assert_message (error, cases[i].fragment);
    }
  {
    g_autoptr (GError) error = NULL;
    NetApiRequest r;
    g_assert_false (net_api_request_parse ("{\"request\": \"list\"}\0", 20, &r, &error));
    assert_message (error, "request: contains a NUL byte");
  }
}

static char *
to_text (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

static void
test_command_line_requests (void)
{
  static const struct
  {
    const char *spec, *driver, *json;
  } publish[] = {
    { "8080:80", NULL,
      "{\"request\":\"publish\",\"proto\":\"tcp\",\"host_addr\":\"0.0.0.0\",\"host_port\":8080,"
      "\"container_port\":80}" },
    { "127.0.0.1:5353:53/udp", "splice",
      "{\"request\":\"publish\",\"proto\":\"udp\",\"host_addr\":\"127.0.0.1\",\"host_port\":5353,"
      "\"container_port\":53}" },
    { "[::1]:8080:80", NULL,
      "{\"request\":\"publish\",\"proto\":\"tcp\",\"host_addr\":\"::1\",\"host_port\":8080,"
      "\"container_port\":80}" },
    { "1:2/tcp", "slirp",
      "{\"request\":\"publish\",\"proto\":\"tcp\",\"host_addr\":\"0.0.0.0\",\"host_port\":1,"
      "\"container_port\":2,\"driver\":\"slirp\"}" },
  };
  static const struct
  {
    const char *spec, *json;
  } unpublish[] = {
    { "8080", "{\"request\":\"unpublish\",\"proto\":\"tcp\",\"host_port\":8080}" },
    { "127.0.0.1:53/udp", "{\"request\":\"unpublish\",\"proto\":\"udp\",\"host_addr\":\"127.0.0."
                          "1\",\"host_port\":53}" },
    { "[::1]:8080", "{\"request\":\"unpublish\",\"proto\":\"tcp\",\"host_addr\":\"::1\","
                    "\"host_port\":8080}" },
  };
  static const struct
  {
    const char *spec, *fragment;
  } bad[] = {
    { "0", "'0': host port '0' is not a port number between 1 and 65535" },
    { "80/sctp", "'80/sctp': protocol 'sctp' is not tcp or udp" },
    { "localhost:80", "host address 'localhost' is not an IPv4 or IPv6 address" },
    { "1:2:3", "an IPv6 host address goes in brackets" },
    { "[::zz]:80", "host address '::zz' is not an IPv4 or IPv6 address" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (publish); i++)
    {
      g_autoptr (JsonNode) node = NULL;
      g_autofree char *text = NULL;
      NetApiRequest r;
      g_assert_true (net_api_request_publish (publish[i].spec, publish[i].driver, &node, NULL));
      text = to_text (node);
      g_assert_cmpstr (text, ==, publish[i].json);
      /* What the client sends, the helper reads. */
      g_assert_true (parse (text, &r, NULL));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (unpublish); i++)
    {
      g_autoptr (JsonNode) node = NULL;
      g_autofree char *text = NULL;
      NetApiRequest r;
      g_assert_true (net_api_request_unpublish (unpublish[i].spec, &node, NULL));
      text = to_text (node);
      g_assert_cmpstr (text, ==, unpublish[i].json);
      g_assert_true (parse (text, &r, NULL));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) node = NULL;
      g_assert_false (net_api_request_unpublish (bad[i].spec, &node, &error));
      assert_message (error, bad[i].fragment);
    }
}

static void
test_replies (void)
{
  NetPort port = { .driver = NET_PORT_DRIVER_SPLICE, .proto = NET_PROTO_TCP, .family = AF_INET,
                   .host_addr = { htonl (0x7f000001) }, .host_port = 8080,
                   .container_port = 80 };
  g_autoptr (JsonNode) node = net_port_to_json (&port);
  g_autofree char *ok = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = net_port_to_string (&port);
  gsize len;

  ok = net_api_reply_ok (node, NULL, &len);
  g_assert_cmpstr (ok, ==,
                   "{\"ok\":true,\"port\":{\"driver\":\"splice\",\"proto\":\"tcp\","
                   "\"host_addr\":\"127.0.0.1\",\"host_port\":8080,"
                   "\"container_port\":80}}\n");
  g_assert_cmpuint (len, ==, strlen (ok));
  err = net_api_reply_error ("a \"quoted\"\nline", &len);
  g_assert_cmpstr (err, ==, "{\"error\":\"a \\\"quoted\\\"\\nline\"}\n");
  g_assert_cmpstr (text, ==, "127.0.0.1:8080:80/tcp");
}

static void
test_saved (void)
{
  g_autoptr (NetSaved) saved = net_saved_new ();
  g_autoptr (NetSaved) back = NULL;
  g_autoptr (NetOptions) options = net_options_new ();
  g_autoptr (JsonObject) annotations = json_object_new ();
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  NetPort port = { .driver = NET_PORT_DRIVER_SLIRP, .proto = NET_PROTO_UDP, .family = AF_INET,
                   .host_addr = { htonl (0) }, .host_port = 5353, .container_port = 53 };
  JsonArray *ports = json_array_new ();
  g_autoptr (JsonNode) ports_node = json_node_new (JSON_NODE_ARRAY);

  json_object_set_string_member (annotations, "warren.net.mtu", "1500");
  json_object_set_string_member (annotations, "warren.net.publish", "1:2");
  json_object_set_string_member (annotations, "other", "x");
  g_ptr_array_add (args, "publish");
  g_ptr_array_add (args, "3:4");
  g_ptr_array_add (args, "-p");
  g_ptr_array_add (args, "mtu");
  g_ptr_array_add (args, "9000");
  g_ptr_array_add (args, "--mtu");
  g_ptr_array_add (args, "allow-host-loopback");
  g_ptr_array_add (args, NULL);
  g_ptr_array_add (args, "--allow-host-loopback");
  net_saved_set_options (saved, annotations, args);
  saved->pid = 42;
  saved->start_time = 123456789;
  json_array_add_element (ports, net_port_to_json (&port));
  json_node_take_array (ports_node, ports);
  root = net_saved_to_json (saved, ports_node);
  text = to_text (root);

  back = net_saved_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->pid, ==, 42);
  g_assert_cmpuint (back->start_time, ==, 123456789);
  g_assert_cmpuint (back->ports->len, ==, 1);
  g_assert_cmpuint (g_array_index (back->ports, NetPort, 0).host_port, ==, 5353);
  /* Publishes are the ports' business; the rest is applied as the hook did. */
  g_assert_false (json_object_has_member (back->annotations, "warren.net.publish"));
  g_assert_false (json_object_has_member (back->annotations, "other"));
  g_assert_cmpuint (back->args->len, ==, 6);
  g_assert_true (net_saved_apply (back, options, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (options->mtu, ==, 9000);
  g_assert_true (options->allow_host_loopback);
  g_assert_cmpuint (options->publish->len, ==, 0);

  {
    static const struct
    {
      const char *text, *fragment;
    } bad[] = {
      { "{\"version\": 2}", "net.json: version: 2 is out of range" },
      { "{\"version\": 1, \"pid\": 0}", "net.json: pid: 0 is out of range" },
      { "{\"version\": 1, \"pid\": 1, \"start_time\": 1, \"annotations\": {}, \"args\": [[1]]}",
        "net.json: args[0]: must hold name, value and origin" },
      { "{\"version\": 1, \"pid\": 1, \"start_time\": 1, \"annotations\": {}, \"args\": [], "
        "\"ports\": [{\"proto\": \"tcp\", \"host_port\": 1, \"container_port\": 1}]}",
        "net.json: ports[0].host_addr: missing" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr (GError) e = NULL;
        g_assert_null (net_saved_parse (bad[i].text, strlen (bad[i].text), &e));
        assert_message (e, bad[i].fragment);
      }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/net-api/request/publish", test_publish);
  g_test_add_func ("/net-api/request/rejected", test_rejected);
  g_test_add_func ("/net-api/request/command-line", test_command_line_requests);
  g_test_add_func ("/net-api/replies", test_replies);
  g_test_add_func ("/net-api/saved", test_saved);
  return g_test_run ();
}
