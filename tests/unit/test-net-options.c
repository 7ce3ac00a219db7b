/* warren-netns's options, annotations, OCI state and frame filter: what needs no namespace. */
#include <arpa/inet.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <linux/if_packet.h>
#include <string.h>
#include <unistd.h>

#include "net-filter.h"
#include "net-options.h"
#include "net-state.h"
#include "wr-error.h"

static void
assert_message (GError *error, const char *fragment)
{
  g_assert_nonnull (error);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, fragment);
}

static void
test_publish (void)
{
  NetPublish p;
  char host[INET_ADDRSTRLEN];
  char host6[INET6_ADDRSTRLEN + 2];

  g_assert_true (net_publish_parse ("8080:80", &p, NULL));
  g_assert_cmpuint (p.host_port, ==, 8080);
  g_assert_cmpuint (p.container_port, ==, 80);
  g_assert_cmpint (p.proto, ==, NET_PROTO_TCP);
  g_assert_cmpuint (p.host_addr.s_addr, ==, htonl (INADDR_ANY));
  g_free (p.spec);

  g_assert_true (net_publish_parse ("127.0.0.1:5353:53/udp", &p, NULL));
  inet_ntop (AF_INET, &p.host_addr, host, sizeof host);
  g_assert_cmpstr (host, ==, "127.0.0.1");
  g_assert_cmpint (p.proto, ==, NET_PROTO_UDP);
  g_assert_cmpstr (p.spec, ==, "127.0.0.1:5353:53/udp");
  g_free (p.spec);

  g_assert_true (net_publish_parse ("[::1]:8080:80/udp", &p, NULL));
  g_assert_cmpint (p.family, ==, AF_INET6);
  g_assert_true (IN6_IS_ADDR_LOOPBACK (&p.host_addr6));
  g_assert_cmpuint (p.host_port, ==, 8080);
  g_assert_cmpuint (p.container_port, ==, 80);
  g_assert_cmpint (p.proto, ==, NET_PROTO_UDP);
  net_publish_format_host (&p, host6, sizeof host6);
  g_assert_cmpstr (host6, ==, "[::1]");
  g_free (p.spec);
  g_assert_true (net_publish_parse ("[::]:8080:80", &p, NULL));
  g_assert_true (IN6_IS_ADDR_UNSPECIFIED (&p.host_addr6));
  g_free (p.spec);
}

static void
test_ipv6_needs_flag (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  g_autoptr (GError) error = NULL;
  char addr[INET6_ADDRSTRLEN];
  struct in6_addr a;

  g_assert_true (net_options_set (o, "publish", "[::1]:8080:80", "--publish", NULL));
  g_assert_false (net_options_check (o, &error));
  assert_message (error, "publish [::1]:8080:80: an IPv6 host address needs --ipv6");
  g_assert_true (net_options_set (o, "ipv6", NULL, "--ipv6", NULL));
  g_assert_true (net_options_check (o, NULL));

  a = net_options_host_addr6 (NET_OFFSET6_CONTAINER);
  g_assert_cmpstr (inet_ntop (AF_INET6, &a, addr, sizeof addr), ==, "fd00::100");
  a = net_options_host_addr6 (NET_OFFSET6_GATEWAY);
  g_assert_cmpstr (inet_ntop (AF_INET6, &a, addr, sizeof addr), ==, "fd00::2");
  a = net_options_host_addr6 (NET_OFFSET6_DNS);
  g_assert_cmpstr (inet_ntop (AF_INET6, &a, addr, sizeof addr), ==, "fd00::3");
}

static void
test_publish_rejected (void)
{
  static const struct
  {
    const char *spec, *fragment;
  } cases[] = {
    { "80", "expected [HOSTIP:]HOSTPORT:CONTAINERPORT" },
    { "1:2:3:4", "expected" },
    { "0:80", "host port '0' is not a port number" },
    { "65536:80", "host port '65536'" },
    { "80:x", "container port 'x'" },
    { "80:80/sctp", "protocol 'sctp' is not tcp or udp" },
    { "localhost:80:80", "host address 'localhost' is not an IPv4 address" },
    { "[::1]:80", "expected [IPV6]:HOSTPORT:CONTAINERPORT" },
    { "[::1:80:80", "expected [IPV6]:HOSTPORT:CONTAINERPORT" },
    { "[::1]80:80", "expected [IPV6]:HOSTPORT:CONTAINERPORT" },
    { "[10.0.0.1]:80:80", "host address '10.0.0.1' is not an IPv6 address" },
    { "::1:80:80", "expected [HOSTIP:]HOSTPORT" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      NetPublish p = { 0 };
      g_assert_false (net_publish_parse (cases[i].spec, &p, &error));
      assert_message (error, cases[i].fragment);
      g_assert_null (p.spec); /* out-params untouched on failure */
    }
}

static void
test_options (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  g_autoptr (GError) error = NULL;
  char addr[INET_ADDRSTRLEN];
  struct in_addr a;

  g_assert_cmpuint (o->mtu, ==, NET_MTU_DEFAULT);
  g_assert_true (net_options_set (o, "cidr", "192.168.7.0/24", "--cidr", NULL));
  a = net_options_host_addr (o, NET_OFFSET_CONTAINER);
  inet_ntop (AF_INET, &a, addr, sizeof addr);
  g_assert_cmpstr (addr, ==, "192.168.7.100");
  g_assert_true (net_options_set (o, "mac", "02:42:0a:00:02:64", "--mac", NULL));
  g_assert_true (o->has_mac);
  g_assert_cmpuint (o->mac[5], ==, 0x64);
  g_assert_true (net_options_set (o, "allow-host-loopback", NULL, "--allow-host-loopback", NULL));
  g_assert_true (o->allow_host_loopback);
  g_assert_true (net_options_set (o, "port-driver", "slirp", "--port-driver", NULL));
  g_assert_cmpint (o->port_driver, ==, NET_PORT_DRIVER_SLIRP);

  g_assert_false (net_options_set (o, "mtu", "67", "--mtu", &error));
  assert_message (error, "--mtu: '67' is not a number between 68 and 65521");
  g_clear_error (&error);
  g_assert_false (net_options_set (o, "cidr", "10.0.2.0/26", "annotation warren.net.cidr", &error));
  assert_message (error, "annotation warren.net.cidr: '10.0.2.0/26': the prefix length");
  g_clear_error (&error);
  g_assert_false (net_options_set (o, "mac", "02:42:0a:00:02", "--mac", &error));
  assert_message (error, "is not a MAC address");
}

static char *
ntop6 (const struct in6_addr *a)
{
  char addr[INET6_ADDRSTRLEN];

  return g_strdup (inet_ntop (AF_INET6, a, addr, sizeof addr));
}

static void
test_outbound (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *six = NULL;
  char addr[INET_ADDRSTRLEN];

  g_assert_true (net_options_set (o, "outbound-addr", "lo", "--outbound-addr", NULL));
  inet_ntop (AF_INET, &o->outbound, addr, sizeof addr);
  g_assert_cmpstr (addr, ==, "127.0.0.1");
  g_assert_false (o->has_outbound6); /* ::1, the loopback, is no outbound address */
  g_assert_true (net_options_set (o, "outbound-addr", "127.0.0.2", "--outbound-addr", NULL));
  inet_ntop (AF_INET, &o->outbound, addr, sizeof addr);
  g_assert_cmpstr (addr, ==, "127.0.0.2");
  g_assert_true (net_options_check (o, NULL));

  /* An IPv6 address sets the IPv6 one alone, and needs --ipv6. */
  g_assert_true (net_options_set (o, "outbound-addr", "2001:db8::5", "--outbound-addr", NULL));
  g_assert_true (o->has_outbound && o->has_outbound6);
  six = ntop6 (&o->outbound6);
  g_assert_cmpstr (six, ==, "2001:db8::5");
  inet_ntop (AF_INET, &o->outbound, addr, sizeof addr);
  g_assert_cmpstr (addr, ==, "127.0.0.2");
  g_assert_false (net_options_check (o, &error));
  assert_message (error, "outbound-addr 2001:db8::5: an IPv6 address needs --ipv6");
  g_clear_error (&error);
  g_assert_true (net_options_set (o, "ipv6", NULL, "--ipv6", NULL));
  g_assert_true (net_options_check (o, NULL));

  g_assert_false (net_options_set (o, "outbound-addr", "nosuchif0", "--outbound-addr", &error));
  assert_message (error, "--outbound-addr: 'nosuchif0' is neither an IPv4 or IPv6 address nor "
                         "an interface");
  g_clear_error (&error);
  g_assert_false (net_options_set (o, "outbound-addr", "fe80::1", "--outbound-addr", &error));
  assert_message (error, "--outbound-addr: 'fe80::1': a link-local, multicast or unspecified "
                         "address");
  g_clear_error (&error);
  g_assert_false (net_options_set (o, "outbound-addr", "2001:db8::zz", "--outbound-addr", &error));
  assert_message (error, "'2001:db8::zz' is neither an IPv4 or IPv6 address nor an interface name");
}

/* One getifaddrs(3) entry. */
typedef struct
{
  struct ifaddrs ifa;
  union
  {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
  } addr;
} FakeIfaddr;

static void
fake_ifaddr (FakeIfaddr *f, FakeIfaddr *next, const char *name, const char *addr)
{
  memset (f, 0, sizeof *f);
  f->ifa.ifa_name = (char *) name;
  f->ifa.ifa_next = next != NULL ? &next->ifa : NULL;
  if (addr == NULL)
    f->addr.sa.sa_family = AF_PACKET; /* the link itself, as getifaddrs lists it */
  else if (strchr (addr, ':') != NULL)
    {
      f->addr.in6.sin6_family = AF_INET6;
      g_assert_cmpint (inet_pton (AF_INET6, addr, &f->addr.in6.sin6_addr), ==, 1);
    }
  else
    {
      f->addr.in.sin_family = AF_INET;
      g_assert_cmpint (inet_pton (AF_INET, addr, &f->addr.in.sin_addr), ==, 1);
    }
  f->ifa.ifa_addr = &f->addr.sa;
}

static void
test_outbound_interface (void)
{
  FakeIfaddr l[7];
  g_autoptr (GError) error = NULL;
  char addr[INET_ADDRSTRLEN];

  fake_ifaddr (&l[0], &l[1], "eth0", NULL);
  fake_ifaddr (&l[1], &l[2], "eth0", "fe80::1"); /* link-local: skipped */
  fake_ifaddr (&l[2], &l[3], "eth0", "192.0.2.5");
  fake_ifaddr (&l[3], &l[4], "eth0", "2001:db8::5");
  fake_ifaddr (&l[4], &l[5], "eth0", "192.0.2.6"); /* the first of a family wins */
  fake_ifaddr (&l[5], &l[6], "v6only", "2001:db8::7");
  fake_ifaddr (&l[6], NULL, "bare", "fe80::2");

  {
    g_autoptr (NetOptions) o = net_options_new ();
    g_autofree char *six = NULL;
    g_assert_true (net_options_set_outbound_interface (o, "eth0", &l[0].ifa, NULL));
    inet_ntop (AF_INET, &o->outbound, addr, sizeof addr);
    g_assert_cmpstr (addr, ==, "192.0.2.5");
    six = ntop6 (&o->outbound6);
    g_assert_cmpstr (six, ==, "2001:db8::5");
    /* Without --ipv6 an interface's IPv6 address is simply not used. */
    g_assert_true (net_options_check (o, NULL));
  }
  {
    g_autoptr (NetOptions) o = net_options_new ();
    g_assert_true (net_options_set_outbound_interface (o, "v6only", &l[0].ifa, NULL));
    g_assert_false (o->has_outbound);
    g_assert_false (net_options_check (o, &error));
    assert_message (error, "outbound-addr v6only: the interface has no IPv4 address, and its "
                           "IPv6 one needs --ipv6");
    g_clear_error (&error);
    g_assert_true (net_options_set (o, "ipv6", "true", "--ipv6", NULL));
    g_assert_true (net_options_check (o, NULL));
  }
  {
    g_autoptr (NetOptions) o = net_options_new ();
    g_assert_false (net_options_set_outbound_interface (o, "bare", &l[0].ifa, &error));
    assert_message (error, "interface 'bare' has neither an IPv4 address nor a global IPv6 one");
    g_clear_error (&error);
    g_assert_false (net_options_set_outbound_interface (o, "eth1", &l[0].ifa, &error));
    g_assert_error (error, WARREN_ERROR, WARREN_ERROR_NOT_FOUND);
    assert_message (error, "'eth1' is neither an IPv4 or IPv6 address nor an interface");
    g_assert_false (o->has_outbound || o->has_outbound6); /* untouched on failure */
  }
}

static void
test_outbound_annotation (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  g_autoptr (JsonObject) a = json_object_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *six = NULL;

  json_object_set_string_member (a, "warren.net.outbound-addr", "::1");
  g_assert_true (net_options_apply_annotations (o, a, NULL));
  six = ntop6 (&o->outbound6);
  g_assert_cmpstr (six, ==, "::1");
  g_assert_false (net_options_check (o, &error));
  assert_message (error, "outbound-addr ::1: an IPv6 address needs --ipv6");
  g_clear_error (&error);
  json_object_set_string_member (a, "warren.net.ipv6", "true");
  g_assert_true (net_options_apply_annotations (o, a, NULL));
  g_assert_true (net_options_check (o, NULL));

  json_object_set_string_member (a, "warren.net.outbound-addr", "no/such");
  g_assert_false (net_options_apply_annotations (o, a, &error));
  assert_message (error, "annotation warren.net.outbound-addr: 'no/such' is neither");
}

static void
test_publish_limit (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < NET_PUBLISH_MAX; i++)
    {
      g_autofree char *spec = g_strdup_printf ("%d:80", 1000 + i);
      g_assert_true (net_options_set (o, "publish", spec, "--publish", NULL));
    }
  g_assert_false (net_options_set (o, "publish", "9999:80", "--publish", &error));
  assert_message (error, "at most 256 ports");
}

static void
test_annotations (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  g_autoptr (JsonObject) a = json_object_new ();
  g_autoptr (GError) error = NULL;

  json_object_set_string_member (a, "warren.net.publish", " 8080:80 ,, 53:53/udp ");
  json_object_set_string_member (a, "warren.net.disable-dns", "true");
  json_object_set_string_member (a, "org.example", "ignored");
  g_assert_true (net_options_apply_annotations (o, a, NULL));
  g_assert_cmpuint (o->publish->len, ==, 2);
  g_assert_true (o->disable_dns);

  json_object_set_int_member (a, "warren.net.mtu", 1500);
  g_assert_false (net_options_apply_annotations (o, a, &error));
  assert_message (error, "annotation warren.net.mtu: must be a string");
}

static NetState *
state_from (const char *json, GError **error)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("test-net-state.XXXXXX", &path, NULL);
  NetState *state;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, json, strlen (json)), ==, (gssize) strlen (json));
  g_assert_cmpint (lseek (fd, 0, SEEK_SET), ==, 0);
  state = net_state_read (fd, error);
  close (fd);
  g_unlink (path);
  return state;
}

static void
test_state (void)
{
  g_autoptr (NetState) s = NULL;
  static const struct
  {
    const char *json, *fragment;
  } bad[] = {
    { "", "no OCI state on stdin" },
    { "[]", "must be a JSON object" },
    { "{\"pid\": 1, \"bundle\": \"/\"}", "id: must be a string" },
    { "{\"id\": \"..\", \"pid\": 1, \"bundle\": \"/\"}", "cannot name a file" },
    { "{\"id\": \"c\", \"pid\": 0, \"bundle\": \"/\"}", "pid: must be a positive integer" },
    { "{\"id\": \"c\", \"pid\": \"1\", \"bundle\": \"/\"}", "pid: must be a positive" },
    { "{\"id\": \"c\", \"pid\": 1}", "bundle: must be a string" },
    { "{\"id\": \"c\", \"pid\": 1, \"bundle\": \"/\", \"annotations\": []}",
      "annotations: must be an object" },
  };

  s = state_from ("{\"ociVersion\": \"1.2.0\", \"id\": \"c1\", \"pid\": 42, \"bundle\": \"/b\","
                  " \"status\": \"creating\", \"annotations\": {\"k\": \"v\"}}",
                  NULL);
  g_assert_nonnull (s);
  g_assert_cmpstr (s->id, ==, "c1");
  g_assert_cmpint (s->pid, ==, 42);
  g_assert_cmpstr (s->bundle, ==, "/b");
  g_assert_cmpstr (json_object_get_string_member (s->annotations, "k"), ==, "v");

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NetState) b = state_from (bad[i].json, &error);
      g_assert_null (b);
      assert_message (error, bad[i].fragment);
    }
}

/* An Ethernet + IPv4 + TCP/UDP frame from the container to dst:dport from sport. */
static gsize
frame (guint8 *buf, const char *src, const char *dst, guint8 proto, guint16 sport, guint16 dport,
       guint8 tcp_flags)
{
  guint8 *ip = buf + 14;
  guint8 *l4 = ip + 20;
  struct in_addr a;

  memset (buf, 0, 64);
  buf[12] = 0x08;
  ip[0] = 0x45;
  ip[9] = proto;
  inet_pton (AF_INET, src, &a);
  memcpy (ip + 12, &a, 4);
  inet_pton (AF_INET, dst, &a);
  memcpy (ip + 16, &a, 4);
  l4[0] = (guint8) (sport >> 8), l4[1] = (guint8) sport;
  l4[2] = (guint8) (dport >> 8), l4[3] = (guint8) dport;
  l4[13] = tcp_flags;
  return 14 + 20 + 20;
}

static void
test_filter (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  g_autoptr (NetFilter) f = NULL;
  guint8 buf[64];
  gsize n;

  g_assert_true (net_options_set (o, "publish", "5353:53/udp", "--publish", NULL));
  f = net_filter_new (o);

  /* Anywhere outside the network, the DNS forwarder, and ARP: through. */
  n = frame (buf, "10.0.2.100", "192.0.2.1", 6, 40000, 80, 0x02);
  g_assert_true (net_filter_allows (f, buf, n));
  n = frame (buf, "10.0.2.100", "10.0.2.3", 17, 40000, 53, 0);
  g_assert_true (net_filter_allows (f, buf, n));
  n = frame (buf, "10.0.2.100", "10.0.2.3", 6, 40000, 53, 0x02);
  g_assert_true (net_filter_allows (f, buf, n));
  /* The forwarder's other ports lead to the resolver's, maybe on the host's loopback. */
  n = frame (buf, "10.0.2.100", "10.0.2.3", 6, 40000, 22, 0x02);
  g_assert_false (net_filter_allows (f, buf, n));
  n = frame (buf, "10.0.2.100", "10.0.2.3", 17, 40000, 5353, 0);
  g_assert_false (net_filter_allows (f, buf, n));
  buf[12] = 0x08, buf[13] = 0x06;
  g_assert_true (net_filter_allows (f, buf, n));

  /* A new connection to the host's loopback, at the gateway or any other alias: dropped. */
  n = frame (buf, "10.0.2.100", "10.0.2.2", 6, 40000, 22, 0x02);
  g_assert_false (net_filter_allows (f, buf, n));
  n = frame (buf, "10.0.2.100", "10.0.2.77", 6, 40000, 22, 0x02);
  g_assert_false (net_filter_allows (f, buf, n));
  /* A segment of a connection the host opened: through. */
  n = frame (buf, "10.0.2.100", "10.0.2.2", 6, 80, 40000, 0x12);
  g_assert_true (net_filter_allows (f, buf, n));
  /* ICMP to the gateway: dropped. */
  n = frame (buf, "10.0.2.100", "10.0.2.2", 1, 0, 0, 0);
  g_assert_false (net_filter_allows (f, buf, n));
  /* Addresses that mean the host itself, which only a frame built by hand carries: dropped,
   * whatever the protocol and even as a reply. */
  {
    static const char *const host_local[] = { "127.0.0.1", "127.1.2.3", "0.0.0.0", "0.1.2.3",
                                              "255.255.255.255" };
    for (gsize i = 0; i < G_N_ELEMENTS (host_local); i++)
      {
        n = frame (buf, "10.0.2.100", host_local[i], 17, 40000, 53, 0);
        g_assert_false (net_filter_allows (f, buf, n));
        n = frame (buf, "10.0.2.100", host_local[i], 6, 80, 40000, 0x12);
        g_assert_false (net_filter_allows (f, buf, n));
      }
  }

  /* UDP from the published port: only back to a peer that sent to it. */
  n = frame (buf, "10.0.2.100", "10.0.2.2", 17, 53, 41000, 0);
  g_assert_false (net_filter_allows (f, buf, n));
  {
    guint8 in[64];
    gsize m = frame (in, "10.0.2.2", "10.0.2.100", 17, 41000, 53, 0);
    net_filter_note_inbound (f, in, m);
  }
  g_assert_true (net_filter_allows (f, buf, n));
  n = frame (buf, "10.0.2.100", "10.0.2.2", 17, 53, 41001, 0);
  g_assert_false (net_filter_allows (f, buf, n));
  n = frame (buf, "10.0.2.100", "10.0.2.2", 17, 54, 41000, 0);
  g_assert_false (net_filter_allows (f, buf, n));

  /* Short frames to the gateway are dropped rather than read past their end. */
  n = frame (buf, "10.0.2.100", "10.0.2.2", 6, 40000, 22, 0x02);
  g_assert_false (net_filter_allows (f, buf, 14 + 20 + 10));
}

/* An Ethernet + IPv6 + TCP/UDP/ICMPv6 frame from the container. */
static gsize
frame6 (guint8 *buf, const char *src, const char *dst, guint8 next, guint16 sport, guint16 dport,
        guint8 tcp_flags)
{
  guint8 *ip = buf + 14;
  guint8 *l4 = ip + 40;

  memset (buf, 0, 96);
  buf[12] = 0x86, buf[13] = 0xdd;
  ip[0] = 0x60;
  ip[6] = next;
  inet_pton (AF_INET6, src, ip + 8);
  inet_pton (AF_INET6, dst, ip + 24);
  l4[0] = (guint8) (sport >> 8), l4[1] = (guint8) sport;
  l4[2] = (guint8) (dport >> 8), l4[3] = (guint8) dport;
  l4[13] = tcp_flags;
  return 14 + 40 + 20;
}

static void
test_filter_ipv6 (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  g_autoptr (NetFilter) f = NULL;
  guint8 buf[96];
  gsize n;

  g_assert_true (net_options_set (o, "ipv6", NULL, "--ipv6", NULL));
  g_assert_true (net_options_set (o, "publish", "[::1]:5353:53/udp", "--publish", NULL));
  f = net_filter_new (o);

  /* Outside the prefix, the DNS forwarder, neighbour discovery: through. */
  n = frame6 (buf, "fd00::100", "2001:db8::1", 6, 40000, 80, 0x02);
  g_assert_true (net_filter_allows (f, buf, n));
  n = frame6 (buf, "fd00::100", "fd00::3", 17, 40000, 53, 0);
  g_assert_true (net_filter_allows (f, buf, n));
  n = frame6 (buf, "fd00::100", "ff02::1:ff00:2", 58, 0, 0, 0);
  g_assert_true (net_filter_allows (f, buf, n));

  /* A new connection to ::1 through the gateway or another address of the prefix: dropped. */
  n = frame6 (buf, "fd00::100", "fd00::2", 6, 40000, 22, 0x02);
  g_assert_false (net_filter_allows (f, buf, n));
  n = frame6 (buf, "fd00::100", "fd00::1:77", 6, 40000, 22, 0x02);
  g_assert_false (net_filter_allows (f, buf, n));
  n = frame6 (buf, "fd00::100", "ff02::1", 17, 40000, 22, 0);
  g_assert_false (net_filter_allows (f, buf, n));
  /* Behind an extension header (44: a fragment) the ports are hidden: dropped. */
  n = frame6 (buf, "fd00::100", "fd00::2", 44, 40000, 22, 0);
  g_assert_false (net_filter_allows (f, buf, n));
  /* ::1, ::, IPv4-mapped and IPv4-compatible addresses mean the host itself: dropped, ICMPv6
   * and replies included. */
  {
    static const char *const host_local[] = { "::1", "::", "::ffff:127.0.0.1", "::ffff:192.0.2.1",
                                              "::127.0.0.1" };
    for (gsize i = 0; i < G_N_ELEMENTS (host_local); i++)
      {
        n = frame6 (buf, "fd00::100", host_local[i], 17, 40000, 53, 0);
        g_assert_false (net_filter_allows (f, buf, n));
        n = frame6 (buf, "fd00::100", host_local[i], 6, 80, 40000, 0x12);
        g_assert_false (net_filter_allows (f, buf, n));
        n = frame6 (buf, "fd00::100", host_local[i], 58, 0, 0, 0);
        g_assert_false (net_filter_allows (f, buf, n));
      }
  }
  /* A segment of a connection the host opened: through. */
  n = frame6 (buf, "fd00::100", "fd00::2", 6, 80, 40000, 0x12);
  g_assert_true (net_filter_allows (f, buf, n));

  /* UDP replies from the published port, only to a peer that sent to it. */
  n = frame6 (buf, "fd00::100", "fd00::2", 17, 53, 41000, 0);
  g_assert_false (net_filter_allows (f, buf, n));
  {
    guint8 in[96];
    gsize m = frame6 (in, "fd00::2", "fd00::100", 17, 41000, 53, 0);
    net_filter_note_inbound (f, in, m);
  }
  g_assert_true (net_filter_allows (f, buf, n));
  n = frame6 (buf, "fd00::100", "fd00::2", 17, 53, 41001, 0);
  g_assert_false (net_filter_allows (f, buf, n));

  /* Truncated: dropped. */
  n = frame6 (buf, "fd00::100", "fd00::2", 6, 40000, 22, 0x02);
  g_assert_false (net_filter_allows (f, buf, 14 + 30));
}

static void
test_dns_forward (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  g_autoptr (NetFilter) f = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint8 buf[96];
  gsize n;

  g_assert_null (net_options_resolv_conf (o));
  g_assert_true (net_options_set (o, "dns-forward", "127.0.0.9", "--dns-forward", NULL));
  text = net_options_resolv_conf (o);
  g_assert_cmpstr (text, ==, "nameserver 127.0.0.9\nnameserver ::ffff:127.0.0.9\n");
  g_clear_pointer (&text, g_free);
  g_assert_true (net_options_set (o, "dns-forward", "::1", "--dns-forward", NULL));
  text = net_options_resolv_conf (o);
  g_assert_cmpstr (text, ==, "nameserver ::1\n");
  g_assert_false (net_options_set (o, "dns-forward", "localhost", "--dns-forward", &error));
  assert_message (error, "--dns-forward: 'localhost' is not an IPv4 or IPv6 address");
  g_clear_error (&error);
  g_assert_true (net_options_set (o, "disable-dns", NULL, "--disable-dns", NULL));
  g_assert_false (net_options_check (o, &error));
  assert_message (error, "no DNS forwarder with --disable-dns");
  g_clear_error (&error);
  g_assert_true (net_options_set (o, "disable-dns", "false", "--disable-dns", NULL));

  /* An IPv6 resolver: there is none to send IPv4 queries to, and they never reach libslirp
   * (older ones fell back to the host's 127.0.0.1). */
  g_assert_true (net_options_set (o, "ipv6", NULL, "--ipv6", NULL));
  f = net_filter_new (o);
  n = frame (buf, "10.0.2.100", "10.0.2.3", 17, 40000, 53, 0);
  g_assert_false (net_filter_allows (f, buf, n));
  n = frame6 (buf, "fd00::100", "fd00::3", 17, 40000, 53, 0);
  g_assert_true (net_filter_allows (f, buf, n));
  n = frame6 (buf, "fd00::100", "fd00::3", 6, 40000, 53, 0x02);
  g_assert_true (net_filter_allows (f, buf, n));
  n = frame6 (buf, "fd00::100", "fd00::3", 6, 40000, 8080, 0x02);
  g_assert_false (net_filter_allows (f, buf, n));
}

static void
test_filter_allow_host_loopback (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  g_autoptr (NetFilter) f = NULL;
  guint8 buf[64];
  gsize n;

  g_assert_true (net_options_set (o, "allow-host-loopback", NULL, "--allow-host-loopback", NULL));
  f = net_filter_new (o);
  n = frame (buf, "10.0.2.100", "10.0.2.2", 6, 40000, 22, 0x02);
  g_assert_true (net_filter_allows (f, buf, n));
  /* IPv4 fragments never reach libslirp's reassembly, which crashes on crafted ones: the
   * first (more fragments), a later one (an offset), anywhere. */
  n = frame (buf, "10.0.2.100", "192.0.2.1", 17, 40000, 53, 0);
  buf[14 + 6] = 0x20;
  g_assert_false (net_filter_allows (f, buf, n));
  buf[14 + 6] = 0x00, buf[14 + 7] = 0x10;
  g_assert_false (net_filter_allows (f, buf, n));
  buf[14 + 6] = 0x40, buf[14 + 7] = 0x00; /* don't fragment: whole */
  g_assert_true (net_filter_allows (f, buf, n));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/net-options/publish", test_publish);
  g_test_add_func ("/net-options/publish-rejected", test_publish_rejected);
  g_test_add_func ("/net-options/publish-limit", test_publish_limit);
  g_test_add_func ("/net-options/options", test_options);
  g_test_add_func ("/net-options/annotations", test_annotations);
  g_test_add_func ("/net-options/outbound", test_outbound);
  g_test_add_func ("/net-options/outbound-interface", test_outbound_interface);
  g_test_add_func ("/net-options/outbound-annotation", test_outbound_annotation);
  g_test_add_func ("/net-state/read", test_state);
  g_test_add_func ("/net-filter/host-loopback", test_filter);
  g_test_add_func ("/net-filter/allow-host-loopback", test_filter_allow_host_loopback);
  g_test_add_func ("/net-filter/ipv6", test_filter_ipv6);
  g_test_add_func ("/net-options/ipv6", test_ipv6_needs_flag);
  g_test_add_func ("/net-options/dns-forward", test_dns_forward);
  return g_test_run ();
}
