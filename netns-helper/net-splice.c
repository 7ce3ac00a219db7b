#include "net-splice.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "companion.h"
#include "wr-autocleanups.h"
#include "wr-error.h"
#include "wr-glib-compat.h"

/* Bytes in flight per direction: bigger pipes mean fewer splice calls per byte. */
#define NET_SPLICE_PIPE_SIZE (1024 * 1024)
#define NET_SPLICE_EVENTS 64

typedef struct
{
  NetSplice *splice;
  int fd;
  struct in_addr host_addr;
  struct in6_addr host_addr6;
  guint16 host_port;
  int family;   /* AF_INET6: the companion connects to the container's fd00::100 */
  guint16 port; /* in the container */
  GSource *source;
} NetSpliceListener;

typedef struct
{
  int fd[2]; /* 0: the host's client, 1: the container's socket */
  /* Direction d moves fd[d] -> pipe_w[d] ... pipe_r[d] -> fd[1 - d]. */
  int pipe_r[2];
  int pipe_w[2];
  gsize queued[2];
  gsize capacity[2];
  gboolean eof[2];   /* fd[d] has nothing more to read */
  gboolean shut[2];  /* and fd[1 - d] has been shut down for writing */
  gboolean reset[2]; /* fd[d] ended with an error, to be passed on as a reset */
} NetSpliceConn;

struct NetSplice
{
  int companion;
  gboolean companion_gone;
  struct in_addr container;
  int epfd;
  GPtrArray *listeners;
  GHashTable *pending; /* request id -> the host client's fd */
  GHashTable *conns;   /* set of NetSpliceConn */
  guint32 next_id;
  GSource *companion_source;
  GSource *epoll_source;
  gboolean attached;
  GMainContext *context; /* where listeners published later are attached */
};

static void
conn_free (NetSpliceConn *c)
{
  for (int d = 0; d < 2; d++)
    {
      g_clear_fd (&c->fd[d], NULL);
      g_clear_fd (&c->pipe_r[d], NULL);
      g_clear_fd (&c->pipe_w[d], NULL);
    }
  g_free (c);
}

static void
close_fd_abort (int fd)
{
  /* An abortive close: the client sees a reset, as from a port nobody listens on. */
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };
  (void) setsockopt (fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  (void) close (fd);
}

NetSplice *
net_splice_new (struct in_addr container)
{
  NetSplice *s = g_new0 (NetSplice, 1);

  s->companion = -1;
  s->container = container;
  s->epfd = -1;
  s->listeners = g_ptr_array_new ();
  s->pending = g_hash_table_new (NULL, NULL);
  s->conns = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) conn_free, NULL);
  return s;
}

void
net_splice_set_companion (NetSplice *s, int companion)
{
  g_clear_fd (&s->companion, NULL);
  s->companion = companion;
}

static gboolean on_accept (int fd, GIOCondition cond, gpointer user_data);

static void
listener_attach (NetSpliceListener *l, GMainContext *context)
{
  l->source = g_unix_fd_source_new (l->fd, G_IO_IN);
  g_source_set_callback (l->source, G_SOURCE_FUNC (on_accept), l, NULL);
  g_source_attach (l->source, context);
}

gboolean
net_splice_listen (NetSplice *s, const NetPublish *p, GError **error)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr = p->host_addr };
  struct sockaddr_in6 addr6 = { .sin6_family = AF_INET6, .sin6_addr = p->host_addr6 };
  struct sockaddr *sa = (struct sockaddr *) &addr;
  socklen_t sa_len = sizeof addr;
  char host[INET6_ADDRSTRLEN + 2];
  g_autofd int fd = socket (p->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  NetSpliceListener *l;
  int one = 1;

  net_publish_format_host (p, host, sizeof host);
  if (fd < 0)
    return wr_throw_errno (error, "publish %s: socket", p->spec);
  addr.sin_port = htons (p->host_port);
  addr6.sin6_port = htons (p->host_port);
  if (p->family == AF_INET6)
    {
      sa = (struct sockaddr *) &addr6;
      sa_len = sizeof addr6;
      /* [::]:PORT is IPv6 only: the IPv4 side of the port is an IPv4 publish's. */
      if (setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0)
        return wr_throw_errno (error, "publish %s: IPV6_V6ONLY", p->spec);
    }
  (void) setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, sa, sa_len) < 0 || listen (fd, SOMAXCONN) < 0)
    return wr_throw_errno (error, "publish %s: listen on %s:%u/tcp", p->spec, host, p->host_port);
  l = g_new0 (NetSpliceListener, 1);
  l->splice = s;
  l->fd = g_steal_fd (&fd);
  l->host_addr = p->host_addr;
  l->host_addr6 = p->host_addr6;
  l->host_port = p->host_port;
  l->family = p->family;
  l->port = p->container_port;
  g_ptr_array_add (s->listeners, l);
  if (s->attached)
    listener_attach (l, s->context);
  return TRUE;
}


void
net_splice_unlisten (NetSplice *s, const NetPublish *p)
{
  for (guint i = 0; i < s->listeners->len; i++)
    {
      NetSpliceListener *l = g_ptr_array_index (s->listeners, i);
      gboolean l6 = l->family == AF_INET6, p6 = p->family == AF_INET6;
      if (l6 != p6 || l->host_port != p->host_port
          || (l6 ? memcmp (&l->host_addr6, &p->host_addr6, sizeof l->host_addr6) != 0
                 : l->host_addr.s_addr != p->host_addr.s_addr))
        continue;
      wr_source_clear (&l->source);
      (void) close (l->fd);
      g_free (l);
      g_ptr_array_remove_index (s->listeners, i);
      return;
    }
}

/* Move what can be moved in direction d. FALSE when the connection ends with a reset. */
static gboolean
pump (NetSpliceConn *c, int d)
{
  for (;;)
    {
      gboolean moved = FALSE;
      ssize_t n;

      if (!c->eof[d] && c->queued[d] < c->capacity[d])
        {
          n = splice (c->fd[d], NULL, c->pipe_w[d], NULL, c->capacity[d] - c->queued[d],
                      SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
          if (n > 0)
            c->queued[d] += (gsize) n, moved = TRUE;
          else if (n == 0)
            c->eof[d] = TRUE, moved = TRUE;
          else if (errno != EAGAIN && errno != EINTR)
            /* A reset: what came before it still goes through, then the reset does. */
            c->eof[d] = c->reset[d] = TRUE, moved = TRUE;
        }
      if (c->queued[d] > 0)
        {
          n = splice (c->pipe_r[d], NULL, c->fd[1 - d], NULL, c->queued[d],
                      SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
          if (n > 0)
            c->queued[d] -= (gsize) n, moved = TRUE;
          else if (n < 0 && errno != EAGAIN && errno != EINTR)
            return FALSE;
        }
      if (c->eof[d] && c->queued[d] == 0 && c->reset[d])
        return FALSE;
      if (c->eof[d] && c->queued[d] == 0 && !c->shut[d])
        {
          /* Half-close, passed on: the other side reads its end of file. */
          (void) shutdown (c->fd[1 - d], SHUT_WR);
          c->shut[d] = TRUE;
        }
      if (!moved)
        return TRUE;
    }
}

static void
conn_service (NetSplice *s, NetSpliceConn *c)
{
  if (!pump (c, 0) || !pump (c, 1))
    {
      close_fd_abort (g_steal_fd (&c->fd[0]));
      close_fd_abort (g_steal_fd (&c->fd[1]));
      g_hash_table_remove (s->conns, c);
      return;
    }
  if (c->shut[0] && c->shut[1])
    g_hash_table_remove (s->conns, c);
}

static void
conn_start (NetSplice *s, int client, int container)
{
  NetSpliceConn *c = g_new0 (NetSpliceConn, 1);
  struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c };

  c->fd[0] = client;
  c->fd[1] = container;
  c->pipe_r[0] = c->pipe_r[1] = c->pipe_w[0] = c->pipe_w[1] = -1;
  g_hash_table_add (s->conns, c);
  (void) fcntl (container, F_SETFL, fcntl (container, F_GETFL) | O_NONBLOCK);
  for (int d = 0; d < 2; d++)
    {
      int p[2];
      int size;
      if (pipe2 (p, O_CLOEXEC | O_NONBLOCK) < 0)
        {
          g_warning ("splice: pipe: %s", g_strerror (errno));
          g_hash_table_remove (s->conns, c);
          return;
        }
      c->pipe_r[d] = p[0];
      c->pipe_w[d] = p[1];
      /* Larger when the user's pipe quota allows it; the default otherwise. */
      size = fcntl (p[1], F_SETPIPE_SZ, NET_SPLICE_PIPE_SIZE);
      if (size < 0)
        size = fcntl (p[1], F_GETPIPE_SZ);
      c->capacity[d] = (gsize) MAX (size, 4096);
    }
  if (epoll_ctl (s->epfd, EPOLL_CTL_ADD, client, &ev) < 0
      || epoll_ctl (s->epfd, EPOLL_CTL_ADD, container, &ev) < 0)
    {
      g_warning ("splice: epoll_ctl: %s", g_strerror (errno));
      g_hash_table_remove (s->conns, c);
      return;
    }
  conn_service (s, c);
}

static gboolean
on_epoll (int fd, GIOCondition cond, gpointer user_data)
{
  NetSplice *s = user_data;
  struct epoll_event ev[NET_SPLICE_EVENTS];
  int n = epoll_wait (s->epfd, ev, NET_SPLICE_EVENTS, 0);

  for (int i = 0; i < n; i++)
    /* Both sockets of a connection may be in one batch, and the first may have closed it. */
    if (g_hash_table_contains (s->conns, ev[i].data.ptr))
      conn_service (s, ev[i].data.ptr);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_accept (int fd, GIOCondition cond, gpointer user_data)
{
  NetSpliceListener *l = user_data;
  NetSplice *s = l->splice;

  for (;;)
    {
      CompanionRequest req = { 0 };
      int client = accept4 (fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

      if (client < 0)
        {
          if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
            g_warning ("splice: accept: %s", g_strerror (errno));
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          return G_SOURCE_CONTINUE;
        }
      if (s->companion_gone || g_hash_table_size (s->conns) >= NET_SPLICE_CONNECTIONS_MAX
          || g_hash_table_size (s->pending) >= NET_SPLICE_PENDING_MAX)
        {
          g_warning ("splice: refused a connection to port %u (%s)", l->port,
                     s->companion_gone ? "the companion is gone" : "limit of connections reached");
          close_fd_abort (client);
          continue;
        }
      req.id = ++s->next_id;
      req.family = (guint16) l->family;
      req.addr = s->container.s_addr;
      if (l->family == AF_INET6)
        {
          struct in6_addr container6 = net_options_host_addr6 (NET_OFFSET6_CONTAINER);
          memcpy (req.addr6, &container6, sizeof req.addr6);
        }
      req.port = l->port;
      if (send (s->companion, &req, sizeof req, MSG_NOSIGNAL | MSG_DONTWAIT) != sizeof req)
        {
          g_warning ("splice: ask the companion: %s", g_strerror (errno));
          close_fd_abort (client);
          continue;
        }
      g_hash_table_insert (s->pending, GUINT_TO_POINTER (req.id), GINT_TO_POINTER (client));
    }
}

/* One answer of the companion, with its fd when it connected. FALSE when there is none
 * to read now (or the companion is gone). */
static gboolean
companion_answer (NetSplice *s, CompanionAnswer *out_answer, int *out_fd)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = out_answer, .iov_len = sizeof *out_answer };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  struct cmsghdr *cmsg;
  ssize_t n;

  *out_fd = -1;
  memset (&control, 0, sizeof control);
  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof control.buf;
  do
    n = recvmsg (s->companion, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN)
    return FALSE;
  if (n <= 0)
    {
      g_warning ("splice: the companion is gone%s%s", n < 0 ? ": " : "",
                 n < 0 ? g_strerror (errno) : "");
      s->companion_gone = TRUE;
      return FALSE;
    }
  cmsg = CMSG_FIRSTHDR (&mh);
  if (cmsg != NULL && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS
      && cmsg->cmsg_len == CMSG_LEN (sizeof (int)))
    memcpy (out_fd, CMSG_DATA (cmsg), sizeof (int));
  if (n != sizeof *out_answer || (mh.msg_flags & MSG_CTRUNC) != 0
      || (out_answer->errsv == 0) != (*out_fd >= 0))
    {
      /* Not what the companion sends: refuse it whole. */
      g_clear_fd (out_fd, NULL);
      out_answer->errsv = EPROTO;
    }
  return TRUE;
}

static gboolean
on_companion (int fd, GIOCondition cond, gpointer user_data)
{
  NetSplice *s = user_data;
  CompanionAnswer answer;
  int container;

  while (companion_answer (s, &answer, &container))
    {
      gpointer client;
      if (!g_hash_table_steal_extended (s->pending, GUINT_TO_POINTER (answer.id), NULL, &client))
        {
          g_clear_fd (&container, NULL);
          continue;
        }
      if (container < 0)
        {
          g_message ("splice: connect in the container: %s", g_strerror (answer.errsv));
          close_fd_abort (GPOINTER_TO_INT (client));
          continue;
        }
      conn_start (s, GPOINTER_TO_INT (client), container);
    }
  if (s->companion_gone)
    {
      /* Connections waiting for it never get an answer now. */
      GHashTableIter iter;
      gpointer client;
      g_hash_table_iter_init (&iter, s->pending);
      while (g_hash_table_iter_next (&iter, NULL, &client))
        close_fd_abort (GPOINTER_TO_INT (client));
      g_hash_table_remove_all (s->pending);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
net_splice_attach (NetSplice *s, GMainContext *context)
{
  s->epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (s->epfd < 0)
    {
      /* Without it no connection can be served: refuse them rather than hang them. */
      g_warning ("splice: epoll_create1: %s", g_strerror (errno));
      s->companion_gone = TRUE;
    }
  else
    {
      s->epoll_source = g_unix_fd_source_new (s->epfd, G_IO_IN);
      g_source_set_callback (s->epoll_source, G_SOURCE_FUNC (on_epoll), s, NULL);
      /* As in slirp-loop.c: a source that may not recurse has its fd taken out of the poll
       * set and put back around each dispatch, two wakeups of the loop per batch of events. */
      g_source_set_can_recurse (s->epoll_source, TRUE);
      g_source_attach (s->epoll_source, context);
    }
  for (guint i = 0; i < s->listeners->len; i++)
    listener_attach (g_ptr_array_index (s->listeners, i), context);
  s->attached = TRUE;
  s->context = context;
  if (s->companion >= 0)
    {
      s->companion_source = g_unix_fd_source_new (s->companion, G_IO_IN);
      g_source_set_callback (s->companion_source, G_SOURCE_FUNC (on_companion), s, NULL);
      g_source_attach (s->companion_source, context);
    }
}

void
net_splice_free (NetSplice *s)
{
  GHashTableIter iter;
  gpointer client;

  if (s == NULL)
    return;
  for (guint i = 0; i < s->listeners->len; i++)
    {
      NetSpliceListener *l = g_ptr_array_index (s->listeners, i);
      wr_source_clear (&l->source);
      (void) close (l->fd);
      g_free (l);
    }
  g_ptr_array_unref (s->listeners);
  wr_source_clear (&s->epoll_source);
  wr_source_clear (&s->companion_source);
  g_hash_table_iter_init (&iter, s->pending);
  while (g_hash_table_iter_next (&iter, NULL, &client))
    (void) close (GPOINTER_TO_INT (client));
  g_hash_table_unref (s->pending);
  g_hash_table_unref (s->conns);
  g_clear_fd (&s->epfd, NULL);
  g_clear_fd (&s->companion, NULL);
  g_free (s);
}
