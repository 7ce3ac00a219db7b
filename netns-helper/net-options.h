/* net-options: what a user can ask of warren-netns (published ports, MTU, address range,
 * host loopback, DNS, MAC), from command-line options and from `warren.net.*` annotations,
 * checked and turned into values. Acting on them is left to tap.c, slirp-loop.c and
 * net-forward.c. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#define NET_MTU_DEFAULT 65520
#define NET_MTU_MIN 68
#define NET_MTU_MAX 65521 /* libslirp's IF_MTU_MAX */
#define NET_PUBLISH_MAX 256

typedef enum
{
  NET_PROTO_TCP,
  NET_PROTO_UDP,
} NetProto;

typedef enum
{
  NET_PORT_DRIVER_SPLICE, /* TCP through the companion and splice(2), net-splice.c */
  NET_PORT_DRIVER_SLIRP,  /* everything through libslirp's hostfwd, net-forward.c */
} NetPortDriver;

typedef struct
{
  int family;                /* of the host address: AF_INET, or AF_INET6 for [HOSTIP] */
  struct in_addr host_addr;  /* AF_INET: INADDR_ANY unless given */
  struct in6_addr host_addr6; /* AF_INET6 */
  guint16 host_port;
  guint16 container_port;
  NetProto proto;
  char *spec; /* as the user wrote it, for messages */
} NetPublish;

typedef struct
{
  GPtrArray *publish; /* of NetPublish */
  guint mtu;
  struct in_addr network; /* network address of --cidr, host byte order never */
  guint prefix_len;
  gboolean allow_host_loopback;
  gboolean disable_dns;
  gboolean ipv6; /* fd00::/64 besides IPv4, see NET_IPV6_* */
  int dns_forward_family;        /* 0: the host's resolver; AF_INET or AF_INET6: --dns-forward */
  struct in_addr dns_forward;    /* AF_INET */
  struct in6_addr dns_forward6;  /* AF_INET6 */
  gboolean has_mac;
  guint8 mac[6];
  NetPortDriver port_driver; /* for TCP; UDP always goes through libslirp */
  /* --outbound-addr: libslirp's connections to the outside leave from these addresses. An
   * IPv4 address sets the first, an IPv6 one the second, an interface both that it has. */
  gboolean has_outbound;
  struct in_addr outbound;
  gboolean has_outbound6;
  struct in6_addr outbound6;
  /* Where the IPv6 one came from, for net_options_check(): "--outbound-addr: 'fd00::5'",
   * and whether that named an interface (whose IPv6 address only --ipv6 uses). */
  char *outbound6_source;
  gboolean outbound6_from_interface;
  gboolean runtime_publish; /* set by the helper, not a user: an API may publish UDP later */
} NetOptions;

NetOptions *net_options_new (void);
void net_options_free (NetOptions *options);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NetOptions, net_options_free)

/* Set option `name` (the long option name without dashes: "publish", "mtu", ...) from its
 * text. `what` names where it came from in messages ("--mtu", "annotation warren.net.mtu").
 * Flags take "true" or "false". */
gboolean net_options_set (NetOptions *options, const char *name, const char *value,
                          const char *what, GError **error);

/* Apply every `warren.net.*` member of an OCI annotations object; an unknown
 * `warren.net.` key is an error. `warren.net.publish` holds comma-separated specs. */
gboolean net_options_apply_annotations (NetOptions *options, JsonObject *annotations,
                                        GError **error);

/* What only the options as a whole can tell (an IPv6 publish or outbound address without
 * --ipv6): after the annotations and the command line are applied. An interface's IPv6
 * outbound address is no error without --ipv6: it is not used. */
gboolean net_options_check (const NetOptions *options, GError **error);

/* The resolv.conf that makes libslirp's DNS forwarder send to --dns-forward's address, or
 * NULL without that option. Free with g_free(). */
char *net_options_resolv_conf (const NetOptions *options);

/* Whether `publish` takes the splice fast path under these options. */
gboolean net_options_splices (const NetOptions *options, const NetPublish *publish);

/* --outbound-addr IFACE against a list of addresses (getifaddrs(3)'s, or a test's): the
 * interface's first IPv4 address and its first global IPv6 address (neither link-local nor
 * loopback). An error names the interface when it has neither. */
gboolean net_options_set_outbound_interface (NetOptions *options, const char *name,
                                             const struct ifaddrs *list, GError **error);

/* Parse `[HOSTIP:]HOSTPORT:CPORT[/tcp|/udp]`, HOSTIP an IPv4 address or an IPv6 one in
 * brackets (`[::1]:8080:80`). */
gboolean net_publish_parse (const char *spec, NetPublish *out_publish, GError **error);
void net_publish_clear (NetPublish *publish);
/* The host address for messages: 127.0.0.1, or [::1] (`size` at least INET6_ADDRSTRLEN + 2). */
void net_publish_format_host (const NetPublish *publish, char *buf, gsize size);

/* Addresses inside the --cidr network: the container (.100), the gateway that is the host
 * (.2) and the DNS forwarder (.3). */
struct in_addr net_options_host_addr (const NetOptions *options, guint offset);
#define NET_OFFSET_GATEWAY 2
#define NET_OFFSET_DNS 3
#define NET_OFFSET_CONTAINER 100

/* With --ipv6, as slirp4netns: the network fd00::/64, the container at fd00::100, the gateway
 * (the host) at fd00::2 and the DNS forwarder at fd00::3. */
#define NET_IPV6_PREFIX_LEN 64
struct in6_addr net_options_host_addr6 (guint offset);
#define NET_OFFSET6_GATEWAY 0x2
#define NET_OFFSET6_DNS 0x3
#define NET_OFFSET6_CONTAINER 0x100
