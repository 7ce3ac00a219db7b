#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netlink.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

#define TAP_ERROR_MAX 1024

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
  if (!netlink_link_up (nl, index, o->mtu, o->has_mac ? o->mac : NULL, error)
      || !netlink_add_address (nl, index, addr, o->prefix_len, error)
      || !netlink_add_default_route (nl, index, gateway, error))
    return g_prefix_error (error, "%s: ", TAP_NAME), -1;
  return g_steal_fd (&tap);
}

static G_GNUC_NORETURN void
tap_child (int sock, int userns_fd, int netns_fd, const NetOptions *o)
{
  g_autoptr (GError) error = NULL;
  int tap = -1;

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
      (void) !write (sock, error->message, len);
      _exit (1);
    }
  _exit (0);
}

int
tap_create (int userns_fd, int netns_fd, const NetOptions *o, GError **error)
{
  g_autofd int ours = -1;
  g_autofd int theirs = -1;
  int sv[2];
  int status;
  pid_t pid;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return wr_throw_errno (error, "socketpair"), -1;
  ours = sv[0];
  theirs = sv[1];
  /* A child, because joining a user namespace cannot be undone. */
  pid = fork ();
  if (pid < 0)
    return wr_throw_errno (error, "fork"), -1;
  if (pid == 0)
    {
      (void) close (ours);
      tap_child (theirs, userns_fd, netns_fd, o);
    }
  g_clear_fd (&theirs, NULL);
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return wr_throw_errno (error, "wait for the tap child"), -1;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    {
      char ok[2];
      gsize len = 0;
      int fd = wr_fd_recv (ours, ok, sizeof ok, &len, error);
      if (fd < 0)
        return g_prefix_error (error, "tap fd: "), -1;
      return fd;
    }
  else
    {
      char msg[TAP_ERROR_MAX + 1];
      ssize_t n = read (ours, msg, TAP_ERROR_MAX);
      msg[MAX (n, 0)] = '\0';
      return wr_throw (error, WARREN_ERROR_FAILED, "%s",
                       n > 0 ? msg : "the tap child failed without a message"),
             -1;
    }
}
