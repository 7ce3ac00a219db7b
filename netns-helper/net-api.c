#include "net-api.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>

#include "net-api-message.h"
#include "wr-autocleanups.h"
#include "wr-error.h"
#include "wr-glib-compat.h"

struct NetApi
{
  int dfd;
  char *name;
  char *path; /* for messages */
  int fd;
  NetPorts *ports;
  GMainContext *context;
  GSource *source;
  GHashTable *clients; /* set of NetApiClient */
};

typedef struct
{
  NetApi *api;
  int fd;
  GSource *io;
  GSource *timeout;
  char request[NET_API_REQUEST_MAX];
  gsize request_len;
  char *reply; /* set once the request is read (or refused) */
  gsize reply_len;
  gsize reply_done;
} NetApiClient;

static void
client_free (NetApiClient *c)
{
  wr_source_clear (&c->io);
  wr_source_clear (&c->timeout);
  g_clear_fd (&c->fd, NULL);
  g_free (c->reply);
  g_free (c);
}

static void
client_close (NetApiClient *c)
{
  g_hash_table_remove (c->api->clients, c); /* frees it */
}

/* Write what the socket takes now. TRUE once the whole reply is out (or cannot go out). */
static gboolean
client_write (NetApiClient *c)
{
  while (c->reply_done < c->reply_len)
    {
      ssize_t n = send (c->fd, c->reply + c->reply_done, c->reply_len - c->reply_done,
                        MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return FALSE;
      if (n < 0)
        return TRUE; /* the client is gone: nobody to tell */
      c->reply_done += (gsize) n;
    }
  return TRUE;
}

static gboolean on_client (int fd, GIOCondition cond, gpointer user_data);

/* From now on the client only gets `reply` (taken over): then it is closed. */
static void
client_reply (NetApiClient *c, char *reply, gsize len)
{
  c->reply = reply;
  c->reply_len = len;
  if (client_write (c))
    {
      client_close (c);
      return;
    }
  wr_source_clear (&c->io);
  c->io = g_unix_fd_source_new (c->fd, G_IO_OUT);
  g_source_set_callback (c->io, G_SOURCE_FUNC (on_client), c, NULL);
  g_source_attach (c->io, c->api->context);
}

static void
client_reply_error (NetApiClient *c, const char *message)
{
  gsize len;
  char *reply = net_api_reply_error (message, &len);

  client_reply (c, reply, len);
}

static void
client_handle (NetApiClient *c, const char *line, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) port_node = NULL;
  g_autoptr (JsonNode) ports_node = NULL;
  g_autofree char *what = NULL;
  NetApiRequest req;
  NetPort removed;
  char *reply;
  gsize reply_len;

  if (!net_api_request_parse (line, len, &req, &error))
    {
      client_reply_error (c, error->message);
      return;
    }
  switch (req.op)
    {
    case NET_API_PUBLISH:
      if (!req.has_driver)
        req.port.driver = net_ports_default_driver (c->api->ports, req.port.proto);
      if (!net_ports_publish (c->api->ports, &req.port, NULL, &error))
        break;
      port_node = net_port_to_json (&req.port);
      what = net_port_to_string (&req.port);
      g_message ("api: published %s (%s)", what, net_port_driver_name (req.port.driver));
      break;
    case NET_API_UNPUBLISH:
      if (!net_ports_unpublish (c->api->ports, &req.port, req.has_host_addr, &removed, &error))
        break;
      port_node = net_port_to_json (&removed);
      what = net_port_to_string (&removed);
      g_message ("api: unpublished %s", what);
      break;
    case NET_API_LIST:
      ports_node = net_ports_to_json (c->api->ports);
      break;
    }
  if (error != NULL)
    {
      g_message ("api: %s", error->message);
      client_reply_error (c, error->message);
      return;
    }
  reply = net_api_reply_ok (port_node, ports_node, &reply_len);
  client_reply (c, reply, reply_len);
}

/* Read what there is. The request is the first line; a client that sends more than
 * NET_API_REQUEST_MAX bytes without a newline, or ends its stream before one, gets an error. */
static void
client_read (NetApiClient *c)
{
  for (;;)
    {
      char *newline;
      ssize_t n = recv (c->fd, c->request + c->request_len, sizeof c->request - c->request_len,
                        MSG_DONTWAIT);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n < 0)
        {
          client_close (c); /* a reset: nobody to answer */
          return;
        }
      if (n == 0)
        {
          client_reply_error (c, c->request_len == 0
                                     ? "request: the stream ended before any request"
                                     : "request: the stream ended before the newline that "
                                       "ends a request");
          return;
        }
      newline = memchr (c->request + c->request_len, '\n', (gsize) n);
      c->request_len += (gsize) n;
      if (newline != NULL)
        {
          /* One request per connection: anything after its newline is not read. */
          client_handle (c, c->request, (gsize) (newline - c->request));
          return;
        }
      if (c->request_len == sizeof c->request)
        {
          g_autofree char *message = g_strdup_printf (
              "request: longer than %d bytes (a request is one line)", NET_API_REQUEST_MAX);
          client_reply_error (c, message);
          return;
        }
    }
}

static gboolean
on_client (int fd, GIOCondition cond, gpointer user_data)
{
  NetApiClient *c = user_data;

  if (c->reply == NULL)
    client_read (c);
  else if (client_write (c))
    client_close (c);
  /* Either way the source was replaced or destroyed, or stays for more. */
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  NetApiClient *c = user_data;
  NetApi *api = c->api;
  g_autofree char *message = NULL;

  wr_source_clear (&c->timeout);
  if (c->reply != NULL)
    {
      client_close (c); /* it does not read its reply */
      return G_SOURCE_REMOVE;
    }
  message = g_strdup_printf ("request: none within %d seconds", NET_API_TIMEOUT_SECONDS);
  client_reply_error (c, message);
  /* A client that reads nothing now would wait for its reply until it is closed here. */
  if (g_hash_table_contains (api->clients, c))
    client_close (c);
  return G_SOURCE_REMOVE;
}

/* Its peer's uid, checked before anything of it is read. */
static gboolean
peer_allowed (int fd, GError **error)
{
  struct ucred cred;
  socklen_t len = sizeof cred;

  if (getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
    return wr_throw_errno (error, "peer: SO_PEERCRED");
  if (cred.uid != geteuid ())
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "peer: uid %u is not the helper's uid %u", (guint) cred.uid, (guint) geteuid ());
  return TRUE;
}

static gboolean
on_accept (int fd, GIOCondition cond, gpointer user_data)
{
  NetApi *api = user_data;

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      NetApiClient *c;
      int client = accept4 (fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

      if (client < 0 && (errno == EINTR || errno == ECONNABORTED))
        continue;
      if (client < 0)
        {
          if (errno != EAGAIN)
            g_warning ("api: accept: %s", g_strerror (errno));
          return G_SOURCE_CONTINUE;
        }
      c = g_new0 (NetApiClient, 1);
      c->api = api;
      c->fd = client;
      g_hash_table_add (api->clients, c);
      c->timeout = g_timeout_source_new_seconds (NET_API_TIMEOUT_SECONDS);
      g_source_set_callback (c->timeout, on_timeout, c, NULL);
      g_source_attach (c->timeout, api->context);
      if (!peer_allowed (client, &error))
        {
          g_message ("api: %s", error->message);
          client_reply_error (c, error->message);
          continue;
        }
      if (g_hash_table_size (api->clients) > NET_API_CLIENTS_MAX)
        {
          g_autofree char *message
              = g_strdup_printf ("too many clients (at most %d at once)", NET_API_CLIENTS_MAX);
          client_reply_error (c, message);
          continue;
        }
      c->io = g_unix_fd_source_new (client, G_IO_IN);
      g_source_set_callback (c->io, G_SOURCE_FUNC (on_client), c, NULL);
      g_source_attach (c->io, api->context);
    }
}

NetApi *
net_api_new (int dfd, const char *dir_path, const char *name, NetPorts *ports, GError **error)
{
  g_autoptr (NetApi) api = g_new0 (NetApi, 1);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  mode_t old_umask;
  int r;

  api->dfd = -1;
  api->fd = -1;
  api->ports = ports;
  api->path = g_build_filename (dir_path, name, NULL);
  api->clients = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) client_free, NULL);
  /* Through the directory's fd: its path may be longer than sun_path has room for. */
  if ((gsize) g_snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dfd, name)
      >= sizeof addr.sun_path)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "%s: name too long", name), NULL;
  if (unlinkat (dfd, name, 0) < 0 && errno != ENOENT)
    return wr_throw_errno (error, "remove the stale %s", api->path), NULL;
  api->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (api->fd < 0)
    return wr_throw_errno (error, "%s: socket", api->path), NULL;
  /* 0600 from birth, not after a chmod. */
  old_umask = umask (0177);
  r = bind (api->fd, (struct sockaddr *) &addr, sizeof addr);
  umask (old_umask);
  if (r < 0)
    return wr_throw_errno (error, "bind %s", api->path), NULL;
  api->dfd = dfd;
  api->name = g_strdup (name);
  if (listen (api->fd, NET_API_CLIENTS_MAX) < 0)
    return wr_throw_errno (error, "listen on %s", api->path), NULL;
  return g_steal_pointer (&api);
}

void
net_api_attach (NetApi *api, GMainContext *context)
{
  api->context = context;
  api->source = g_unix_fd_source_new (api->fd, G_IO_IN);
  g_source_set_callback (api->source, G_SOURCE_FUNC (on_accept), api, NULL);
  g_source_attach (api->source, context);
}

void
net_api_free (NetApi *api)
{
  if (api == NULL)
    return;
  wr_source_clear (&api->source);
  g_hash_table_unref (api->clients);
  g_clear_fd (&api->fd, NULL);
  if (api->name != NULL)
    (void) unlinkat (api->dfd, api->name, 0); /* the run dir may be gone with it already */
  g_free (api->name);
  g_free (api->path);
  g_free (api);
}
