/* netlink: the few rtnetlink requests that configure a container's interface: link up with
 * an MTU and MAC, an IPv4 or IPv6 address, a default route. Which interface and which values
 * is left to tap.c. Works in whatever network namespace the calling process is in. */
#pragma once

#include <glib.h>
#include <netinet/in.h>

/* An rtnetlink socket, or -1. */
int netlink_open (GError **error);

/* Set `mtu` (0: keep) and `mac` (NULL: keep) and bring the link up. */
gboolean netlink_link_up (int nl, int ifindex, guint mtu, const guint8 *mac, GError **error);
gboolean netlink_add_address (int nl, int ifindex, struct in_addr addr, guint prefix_len,
                              GError **error);
gboolean netlink_add_default_route (int nl, int ifindex, struct in_addr gateway, GError **error);
/* IPv6, without duplicate address detection: usable at once. */
gboolean netlink_add_address6 (int nl, int ifindex, const struct in6_addr *addr, guint prefix_len,
                               GError **error);
gboolean netlink_add_default_route6 (int nl, int ifindex, const struct in6_addr *gateway,
                                     GError **error);
