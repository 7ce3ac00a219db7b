#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "companion.h"
#include "netlink.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

#define TAP_ERROR_MAX 1024

/* Write `value` to the sysctl at `path`, in the network namespace we are in. */
static gboolean
write_sysctl (const char *path, const char *value, GError **error)
{
  g_autofd int fd = open (path, O_WRONLY | O_CLOEXEC);
  gsize len = strlen (value);

  if (fd < 0)
    return wr_throw_errno (error, "open %s", path);
  if (write (fd, value, len) != (gssize) len)
    return wr_throw_errno (error, "write %s", path);
  return TRUE;
}

/* fd00::100/64 and a default route via fd00::2, configured as the IPv4 address is. libslirp
 * sends router advertisements for fd00::/64: the kernel must not take a second address or
 * a second default route from them. */
static gboolean
tap_configure_ipv6 (int nl, int index, GError **error)
{
  struct in6_addr addr = net_options_host_addr6 (NET_OFFSET6_CONTAINER);
  struct in6_addr gateway = net_options_host_addr6 (NET_OFFSET6_GATEWAY);

  if (!netlink_add_address6 (nl, index, &addr, NET_IPV6_PREFIX_LEN, error)
      || !netlink_add_default_route6 (nl, index, &gateway, error))
    return FALSE;
  return TRUE;
}

/* In the child, inside the namespaces: create and configure tap0. */
static int
tap_configure (const NetOptions *o, GError **error)
{
  g_autofd int tap = -1;
  g_autofd int nl = -1;
  struct ifreq ifr = { 0 };
  struct in_addr addr = net_options_host_addr (o, NET_OFFSET_CONTAINER);
  struct in_addr gateway = net_options_host_addr (o, NET_OFFSET_GATEWAY);
  int lo, index;

  tap = open ("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (tap < 0)
    return wr_throw_errno (error, "open /dev/net/tun"), -1;
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  g_strlcpy (ifr.ifr_name, TAP_NAME, sizeof ifr.ifr_name);
  if (ioctl (tap, TUNSETIFF, &ifr) < 0)
    return wr_throw_errno (error, "create %s", TAP_NAME), -1;
  if ((nl = netlink_open (error)) < 0)
    return -1;
  if ((lo = (int) if_nametoindex ("lo")) == 0)
    return wr_throw_errno (error, "find lo"), -1;
  if ((index = (int) if_nametoindex (TAP_NAME)) == 0)
    return wr_throw_errno (error, "find %s", TAP_NAME), -1;
  if (!netlink_link_up (nl, lo, 0, NULL, error))
    return g_prefix_error (error, "lo: "), -1;
  /* Before the link is up, when the kernel would start listening to router advertisements. */
  if (o->ipv6 && !write_sysctl ("/proc/sys/net/ipv6/conf/" TAP_NAME "/accept_ra", "0", error))
    return g_prefix_error (error, "--ipv6: "), -1;
  if (!netlink_link_up (nl, index, o->mtu, o->has_mac ? o->mac : NULL, error)
      || !netlink_add_address (nl, index, addr, o->prefix_len, error)
      || !netlink_add_default_route (nl, index, gateway, error)
      || (o->ipv6 && !tap_configure_ipv6 (nl, index, error)))
    return g_prefix_error (error, "%s: ", TAP_NAME), -1;
  return g_steal_fd (&tap);
}

static G_GNUC_NORETURN void
tap_child (int sock, int userns_fd, int netns_fd, const NetOptions *o, gboolean companion)
{
  g_autoptr (GError) error = NULL;
  int tap = -1;

  /* In the container's user namespace its root could ptrace us, were the memory not from
   * the host's: no core dumps, no ptrace from in there (the CVE-2019-5736 class). */
  (void) prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* The user namespace first: it is what gives us CAP_NET_ADMIN over the network
   * namespace, which it owns. */
  if (userns_fd >= 0 && setns (userns_fd, CLONE_NEWUSER) < 0)
    wr_throw_errno (&error, "join the container's user namespace");
  else if (setns (netns_fd, CLONE_NEWNET) < 0)
    wr_throw_errno (&error, "join the container's network namespace");
  else
    tap = tap_configure (o, &error);
  if (tap < 0 || !wr_fd_send (sock, tap, "ok", 2, &error))
    {
      gsize len = MIN (strlen (error->message), TAP_ERROR_MAX);
      (void) !send (sock, error->message, len, MSG_NOSIGNAL);
      _exit (1);
    }
  (void) close (tap);
  if (companion)
    companion_run (sock);
  _exit (0);
}

/* The child's first message: the tap fd with "ok", or its error message alone. */
static int
tap_receive (int sock, GError **error)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  char msg[TAP_ERROR_MAX + 1];
  struct iovec iov = { .iov_base = msg, .iov_len = TAP_ERROR_MAX };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  struct cmsghdr *cmsg;
  int fd = -1;
  ssize_t n;

  memset (&control, 0, sizeof control);
  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof control.buf;
  do
    n = recvmsg (sock, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return wr_throw_errno (error, "receive the tap fd"), -1;
  cmsg = CMSG_FIRSTHDR (&mh);
  if (cmsg != NULL && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS
      && cmsg->cmsg_len == CMSG_LEN (sizeof (int)))
    memcpy (&fd, CMSG_DATA (cmsg), sizeof fd);
  if (fd >= 0 && (mh.msg_flags & MSG_CTRUNC) == 0 && n == 2 && memcmp (msg, "ok", 2) == 0)
    return fd;
  if (fd >= 0)
    (void) close (fd);
  msg[MAX (n, 0)] = '\0';
  return wr_throw (error, WARREN_ERROR_FAILED, "%s",
                   n > 0 && cmsg == NULL ? msg : "the tap child failed without a message"),
         -1;
}

gboolean
tap_start (TapChild *t, int userns_fd, int netns_fd, const NetOptions *o, gboolean companion,
           GError **error)
{
  g_autofd int ours = -1;
  g_autofd int theirs = -1;
  int sv[2];
  pid_t pid;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return wr_throw_errno (error, "socketpair");
  ours = sv[0];
  theirs = sv[1];
  /* A child, because joining a user namespace cannot be undone. */
  pid = fork ();
  if (pid < 0)
    return wr_throw_errno (error, "fork");
  if (pid == 0)
    {
      (void) close (ours);
      tap_child (theirs, userns_fd, netns_fd, o, companion);
    }
  t->sock = g_steal_fd (&ours);
  t->pid = pid;
  t->companion = companion;
  return TRUE;
}

int
tap_finish (TapChild *t, int *out_companion, GError **error)
{
  int tap = tap_receive (t->sock, error);

  if (tap >= 0 && t->companion)
    {
      /* It stays, serving connects; its parent (this hook process) exits soon after. */
      *out_companion = g_steal_fd (&t->sock);
      t->pid = -1;
      return tap;
    }
  tap_child_clear (t);
  return tap;
}

void
tap_child_clear (TapChild *t)
{
  int status;

  /* Without our end the child cannot send, or reads the end of its requests as a companion:
   * either way it exits, and is not left behind by a setup that failed. */
  g_clear_fd (&t->sock, NULL);
  if (t->pid > 0)
    while (waitpid (t->pid, &status, 0) < 0)
      if (errno != EINTR)
        break;
  t->pid = -1;
}
