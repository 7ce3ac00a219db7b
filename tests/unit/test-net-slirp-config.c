/* SECURITY 72: the SlirpConfig warren-netns passes libslirp. DHCP, BOOTP, TFTP and the protocol
 * emulation (tcp_emu) stay off whatever the options, which keeps the code paths of
 * CVE-2019-6778, 2020-7039, 2020-8608, 2021-3592 and 2021-3595 unreachable. */
#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "net-options.h"
#include "slirp-config.h"

static void
assert_services_off (const SlirpConfig *cfg)
{
  g_assert_true (cfg->disable_dhcp);
  g_assert_false (cfg->enable_emu);
  g_assert_null (cfg->tftp_path);
  g_assert_null (cfg->tftp_server_name);
  g_assert_null (cfg->bootfile);
  g_assert_null (cfg->vdnssearch);
  g_assert_null (cfg->vdomainname);
  g_assert_cmpint (cfg->restricted, ==, 0);
}

static char *
text4 (struct in_addr a)
{
  char buf[INET_ADDRSTRLEN];
  return g_strdup (inet_ntop (AF_INET, &a, buf, sizeof buf));
}

static void
test_defaults (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  SlirpConfig cfg;
  SlirpConfigAddrs addrs;
  g_autofree char *net = NULL, *host = NULL, *dns = NULL;

  memset (&cfg, 0xa5, sizeof cfg); /* the builder clears everything it does not set */
  slirp_config_build (o, &cfg, &addrs);
  assert_services_off (&cfg);
  g_assert_cmpuint (cfg.version, ==, 4);
  g_assert_true (cfg.in_enabled);
  g_assert_false (cfg.in6_enabled);
  net = text4 (cfg.vnetwork);
  host = text4 (cfg.vhost);
  dns = text4 (cfg.vnameserver);
  g_assert_cmpstr (net, ==, "10.0.2.0");
  g_assert_cmpstr (host, ==, "10.0.2.2");
  g_assert_cmpstr (dns, ==, "10.0.2.3");
  g_assert_cmphex (ntohl (cfg.vnetmask.s_addr), ==, 0xffffff00);
  g_assert_false (cfg.disable_dns);
  g_assert_cmpuint (cfg.if_mtu, ==, NET_MTU_DEFAULT);
  g_assert_cmpuint (cfg.if_mru, ==, NET_MTU_DEFAULT);
  /* The host's loopback: net-filter.c closes it, and libslirp's switch as a second guard. */
  g_assert_true (cfg.disable_host_loopback);
  g_assert_null (cfg.outbound_addr);
  g_assert_null (cfg.outbound_addr6);
}

static void
test_every_option (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  SlirpConfig cfg;
  SlirpConfigAddrs addrs;
  g_autofree char *out = NULL;
  char buf[INET6_ADDRSTRLEN];

  g_assert_true (net_options_set (o, "ipv6", NULL, "--ipv6", NULL));
  g_assert_true (net_options_set (o, "mtu", "1500", "--mtu", NULL));
  g_assert_true (net_options_set (o, "cidr", "192.168.7.0/24", "--cidr", NULL));
  g_assert_true (net_options_set (o, "allow-host-loopback", NULL, "--allow-host-loopback", NULL));
  g_assert_true (net_options_set (o, "disable-dns", NULL, "--disable-dns", NULL));
  g_assert_true (net_options_set (o, "outbound-addr", "192.0.2.5", "--outbound-addr", NULL));
  g_assert_true (net_options_set (o, "outbound-addr", "2001:db8::5", "--outbound-addr", NULL));
  g_assert_true (net_options_set (o, "port-driver", "slirp", "--port-driver", NULL));
  g_assert_true (net_options_set (o, "publish", "8080:80", "--publish", NULL));
  slirp_config_build (o, &cfg, &addrs);
  assert_services_off (&cfg);
  g_assert_true (cfg.in6_enabled);
  g_assert_cmpuint (cfg.vprefix_len, ==, 64);
  g_assert_cmpstr (inet_ntop (AF_INET6, &cfg.vhost6, buf, sizeof buf), ==, "fd00::2");
  g_assert_cmpstr (inet_ntop (AF_INET6, &cfg.vnameserver6, buf, sizeof buf), ==, "fd00::3");
  g_assert_cmpuint (cfg.if_mtu, ==, 1500);
  g_assert_true (cfg.disable_dns);
  g_assert_false (cfg.disable_host_loopback);
  g_assert_true (cfg.outbound_addr == &addrs.outbound);
  out = text4 (cfg.outbound_addr->sin_addr);
  g_assert_cmpstr (out, ==, "192.0.2.5");
  g_assert_cmpint (cfg.outbound_addr->sin_family, ==, AF_INET);
  g_assert_true (cfg.outbound_addr6 == &addrs.outbound6);
  g_assert_cmpint (cfg.outbound_addr6->sin6_family, ==, AF_INET6);
  g_assert_cmpstr (inet_ntop (AF_INET6, &cfg.outbound_addr6->sin6_addr, buf, sizeof buf), ==,
                   "2001:db8::5");
}

/* libslirp's own host-loopback switch drops replies to UDP clients on the host's loopback: a
 * published UDP port turns it off (net-filter.c still guards). */
static void
test_udp_publish_keeps_loopback_replies (void)
{
  g_autoptr (NetOptions) o = net_options_new ();
  SlirpConfig cfg;
  SlirpConfigAddrs addrs;

  g_assert_true (net_options_set (o, "publish", "5353:53/udp", "--publish", NULL));
  slirp_config_build (o, &cfg, &addrs);
  assert_services_off (&cfg);
  g_assert_false (cfg.disable_host_loopback);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/net-slirp-config/defaults", test_defaults);
  g_test_add_func ("/net-slirp-config/every-option", test_every_option);
  g_test_add_func ("/net-slirp-config/udp-publish", test_udp_publish_keeps_loopback_replies);
  return g_test_run ();
}
