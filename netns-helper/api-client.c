#include "api-client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "net-api-message.h"
#include "net-api.h"
#include "net-state.h"
#include "run-dir.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"
#include "wr-json.h"

/* A list of NET_PUBLISH_MAX ports is far below this. */
#define API_CLIENT_REPLY_MAX (1024 * 1024)
/* The helper answers at once; a stopped one must not hang the command forever. */
#define API_CLIENT_TIMEOUT_SECONDS 10

static int
api_connect (const char *base, const char *id, GError **error)
{
  g_autofree char *base_dir = NULL;
  g_autofree char *dir = NULL;
  g_autofd int dfd = -1;
  g_autofd int fd = -1;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  struct timeval timeout = { .tv_sec = API_CLIENT_TIMEOUT_SECONDS };

  if (!net_state_id_valid (id))
    return wr_throw (error, WARREN_ERROR_INVALID_ID, "'%s' cannot name a container", id), -1;
  if ((base_dir = run_dir_base (base, error)) == NULL)
    return -1;
  dir = g_build_filename (base_dir, id, NULL);
  dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dfd < 0 && errno == ENOENT)
    return wr_throw (error, WARREN_ERROR_NOT_FOUND, "no warren-netns runs for %s (no %s)", id, dir),
           -1;
  if (dfd < 0)
    return wr_throw_errno (error, "open %s", dir), -1;
  /* Through the directory's fd: its path may be longer than sun_path. */
  g_snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dfd, NET_API_SOCKET);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return wr_throw_errno (error, "socket"), -1;
  (void) setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  (void) setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      if (errno == ENOENT || errno == ECONNREFUSED)
        return wr_throw (error, WARREN_ERROR_NOT_FOUND, "no warren-netns runs for %s (%s/%s: %s)",
                         id, dir, NET_API_SOCKET, g_strerror (errno)),
               -1;
      return wr_throw_errno (error, "connect to %s/%s", dir, NET_API_SOCKET), -1;
    }
  return g_steal_fd (&fd);
}

/* Send `request`, return the reply's root object when it says ok. */
static JsonNode *
api_call (const char *base, const char *id, JsonNode *request, GError **error)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (GByteArray) reply = g_byte_array_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  g_autofd int fd = -1;
  JsonObject *object;
  char buf[4096];

  if ((fd = api_connect (base, id, error)) < 0)
    return NULL;
  json_generator_set_root (gen, request);
  text = json_generator_to_data (gen, NULL);
  line = g_strconcat (text, "\n", NULL);
  if (!wr_write_all (fd, line, strlen (line), error))
    return g_prefix_error (error, "send the request: "), NULL;
  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return wr_throw_errno (error, "read the helper's reply"), NULL;
      if (n == 0)
        break;
      g_byte_array_append (reply, (guint8 *) buf, (guint) n);
      if (reply->len > API_CLIENT_REPLY_MAX)
        return wr_throw (error, WARREN_ERROR_FAILED, "the helper's reply is longer than %d bytes",
                         API_CLIENT_REPLY_MAX),
               NULL;
    }
  if (reply->len == 0)
    return wr_throw (error, WARREN_ERROR_FAILED, "the helper closed without a reply"), NULL;
  if ((root = wr_json_parse_data ((char *) reply->data, reply->len, "reply", error)) == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return wr_throw (error, WARREN_ERROR_FAILED, "reply: not an object"), NULL;
  object = json_node_get_object (root);
  if (json_object_has_member (object, "error"))
    return wr_throw (error, WARREN_ERROR_FAILED, "%s",
                     json_object_get_string_member_with_default (object, "error", "(no text)")),
           NULL;
  if (!json_object_get_boolean_member_with_default (object, "ok", FALSE))
    return wr_throw (error, WARREN_ERROR_FAILED, "reply: neither ok nor an error"), NULL;
  return g_steal_pointer (&root);
}

static gboolean
print_port (const char *verb, JsonNode *reply, GError **error)
{
  WrJsonCursor top, c;
  NetPort port;
  g_autofree char *text = NULL;

  wr_json_cursor_root (&top, "reply", reply);
  wr_json_member (&top, "port", &c);
  if (!net_port_from_json (&c, &port, error))
    return FALSE;
  text = net_port_to_string (&port);
  printf ("%s %s (%s)\n", verb, text, net_port_driver_name (port.driver));
  return TRUE;
}

gboolean
api_client_publish (const char *base, const char *id, const char *spec, const char *driver,
                    GError **error)
{
  g_autoptr (JsonNode) request = NULL;
  g_autoptr (JsonNode) reply = NULL;

  if (!net_api_request_publish (spec, driver, &request, error))
    return FALSE;
  if ((reply = api_call (base, id, request, error)) == NULL)
    return FALSE;
  return print_port ("published", reply, error);
}

gboolean
api_client_unpublish (const char *base, const char *id, const char *spec, GError **error)
{
  g_autoptr (JsonNode) request = NULL;
  g_autoptr (JsonNode) reply = NULL;

  if (!net_api_request_unpublish (spec, &request, error))
    return FALSE;
  if ((reply = api_call (base, id, request, error)) == NULL)
    return FALSE;
  return print_port ("unpublished", reply, error);
}

gboolean
api_client_list (const char *base, const char *id, ApiClientFormat format, GError **error)
{
  g_autoptr (JsonNode) request = net_api_request_list ();
  g_autoptr (JsonNode) reply = NULL;
  WrJsonCursor top, c, element;
  guint n;

  if ((reply = api_call (base, id, request, error)) == NULL)
    return FALSE;
  wr_json_cursor_root (&top, "reply", reply);
  wr_json_member (&top, "ports", &c);
  if (!wr_json_array_length (&c, &n, error))
    return FALSE;
  if (format == API_CLIENT_JSON)
    {
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autofree char *text = NULL;
      json_generator_set_root (gen, c.node);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      return TRUE;
    }
  printf ("%-8s %-5s %-15s %-9s %s\n", "DRIVER", "PROTO", "HOST ADDR", "HOST PORT",
          "CONTAINER PORT");
  for (guint i = 0; i < n; i++)
    {
      NetPort port;
      char host[INET6_ADDRSTRLEN];
      wr_json_element (&c, i, &element);
      if (!net_port_from_json (&element, &port, error))
        return FALSE;
      net_port_host_text (&port, host);
      printf ("%-8s %-5s %-15s %-9u %u\n", net_port_driver_name (port.driver),
              net_proto_name (port.proto), host, port.host_port, port.container_port);
    }
  return TRUE;
}
