#include "netlink.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wr-error.h"

#define NETLINK_BUF 1024

typedef struct
{
  union
  {
    struct nlmsghdr hdr;
    char buf[NETLINK_BUF];
  };
} NetlinkMsg;

int
netlink_open (GError **error)
{
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

  if (fd < 0)
    return wr_throw_errno (error, "netlink socket"), -1;
  return fd;
}

static void *
msg_start (NetlinkMsg *m, guint16 type, guint16 flags, gsize body_len)
{
  memset (m, 0, sizeof *m);
  m->hdr.nlmsg_len = NLMSG_LENGTH (body_len);
  m->hdr.nlmsg_type = type;
  m->hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  return NLMSG_DATA (&m->hdr);
}

static void
msg_add_attr (NetlinkMsg *m, guint16 type, const void *data, gsize len)
{
  struct rtattr *rta = (struct rtattr *) (m->buf + NLMSG_ALIGN (m->hdr.nlmsg_len));

  /* Every request here is far below NETLINK_BUF; a bigger one is a bug of ours. */
  g_assert (NLMSG_ALIGN (m->hdr.nlmsg_len) + RTA_SPACE (len) <= sizeof m->buf);
  rta->rta_type = type;
  rta->rta_len = (unsigned short) RTA_LENGTH (len);
  memcpy (RTA_DATA (rta), data, len);
  m->hdr.nlmsg_len = (guint32) (NLMSG_ALIGN (m->hdr.nlmsg_len) + RTA_SPACE (len));
}

/* Send one request and wait for its acknowledgement. */
static gboolean
msg_transact (int nl, NetlinkMsg *m, const char *what, GError **error)
{
  static guint32 seq;
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  char reply[NETLINK_BUF];
  ssize_t n;

  m->hdr.nlmsg_seq = ++seq;
  if (sendto (nl, m, m->hdr.nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0)
    return wr_throw_errno (error, "%s: netlink send", what);
  for (;;)
    {
      do
        n = recv (nl, reply, sizeof reply, 0);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        return wr_throw_errno (error, "%s: netlink receive", what);
      for (struct nlmsghdr *h = (struct nlmsghdr *) reply; NLMSG_OK (h, (guint32) n);
           h = NLMSG_NEXT (h, n))
        {
          struct nlmsgerr *err;
          if (h->nlmsg_seq != m->hdr.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
            continue;
          if (h->nlmsg_len < NLMSG_LENGTH (sizeof *err))
            return wr_throw (error, WARREN_ERROR_FAILED, "%s: short netlink reply", what);
          err = NLMSG_DATA (h);
          if (err->error != 0)
            return wr_throw_errno_value (error, -err->error, "%s", what);
          return TRUE;
        }
    }
}

gboolean
netlink_link_up (int nl, int ifindex, guint mtu, const guint8 *mac, GError **error)
{
  NetlinkMsg m;
  struct ifinfomsg *ifi = msg_start (&m, RTM_NEWLINK, 0, sizeof *ifi);
  guint32 mtu32 = mtu;

  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  ifi->ifi_flags = IFF_UP;
  ifi->ifi_change = IFF_UP;
  /* The kernel applies the address and the MTU before the flags (do_setlink), so the link
   * comes up already configured. */
  if (mac != NULL)
    msg_add_attr (&m, IFLA_ADDRESS, mac, 6);
  if (mtu != 0)
    msg_add_attr (&m, IFLA_MTU, &mtu32, sizeof mtu32);
  return msg_transact (nl, &m, "set link up", error);
}

gboolean
netlink_add_address (int nl, int ifindex, struct in_addr addr, guint prefix_len, GError **error)
{
  NetlinkMsg m;
  struct ifaddrmsg *ifa = msg_start (&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
  struct in_addr broadcast
      = { .s_addr = addr.s_addr | htonl (prefix_len >= 32 ? 0 : ~0u >> prefix_len) };

  ifa->ifa_family = AF_INET;
  ifa->ifa_prefixlen = (unsigned char) prefix_len;
  ifa->ifa_index = (unsigned) ifindex;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  msg_add_attr (&m, IFA_LOCAL, &addr, sizeof addr);
  msg_add_attr (&m, IFA_ADDRESS, &addr, sizeof addr);
  msg_add_attr (&m, IFA_BROADCAST, &broadcast, sizeof broadcast);
  return msg_transact (nl, &m, "add address", error);
}

gboolean
netlink_add_default_route (int nl, int ifindex, struct in_addr gateway, GError **error)
{
  NetlinkMsg m;
  struct rtmsg *rt = msg_start (&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rt);
  guint32 oif = (guint32) ifindex;

  rt->rtm_family = AF_INET;
  rt->rtm_dst_len = 0;
  rt->rtm_table = RT_TABLE_MAIN;
  rt->rtm_protocol = RTPROT_BOOT;
  rt->rtm_scope = RT_SCOPE_UNIVERSE;
  rt->rtm_type = RTN_UNICAST;
  msg_add_attr (&m, RTA_GATEWAY, &gateway, sizeof gateway);
  msg_add_attr (&m, RTA_OIF, &oif, sizeof oif);
  return msg_transact (nl, &m, "add default route", error);
}

gboolean
netlink_add_address6 (int nl, int ifindex, const struct in6_addr *addr, guint prefix_len,
                      GError **error)
{
  NetlinkMsg m;
  struct ifaddrmsg *ifa = msg_start (&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
  /* No duplicate address detection: the address would stay tentative, unusable as a source
   * and unreachable, for a second after the hook returned. Nothing else is on this link. */
  guint32 flags = IFA_F_NODAD;

  ifa->ifa_family = AF_INET6;
  ifa->ifa_prefixlen = (unsigned char) prefix_len;
  ifa->ifa_flags = (unsigned char) flags;
  ifa->ifa_index = (unsigned) ifindex;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  msg_add_attr (&m, IFA_LOCAL, addr, sizeof *addr);
  msg_add_attr (&m, IFA_ADDRESS, addr, sizeof *addr);
  msg_add_attr (&m, IFA_FLAGS, &flags, sizeof flags);
  return msg_transact (nl, &m, "add IPv6 address", error);
}

gboolean
netlink_add_default_route6 (int nl, int ifindex, const struct in6_addr *gateway, GError **error)
{
  NetlinkMsg m;
  struct rtmsg *rt = msg_start (&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rt);
  guint32 oif = (guint32) ifindex;

  rt->rtm_family = AF_INET6;
  rt->rtm_dst_len = 0;
  rt->rtm_table = RT_TABLE_MAIN;
  rt->rtm_protocol = RTPROT_BOOT;
  rt->rtm_scope = RT_SCOPE_UNIVERSE;
  rt->rtm_type = RTN_UNICAST;
  msg_add_attr (&m, RTA_GATEWAY, gateway, sizeof *gateway);
  msg_add_attr (&m, RTA_OIF, &oif, sizeof oif);
  return msg_transact (nl, &m, "add IPv6 default route", error);
}
