#include "net-state.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "wr-error.h"

gboolean
net_state_id_valid (const char *id)
{
  return id[0] != '\0' && strchr (id, '/') == NULL && strcmp (id, ".") != 0
         && strcmp (id, "..") != 0 && strlen (id) <= 1024;
}

static char *
read_bounded (int fd, GError **error)
{
  g_autoptr (GString) text = g_string_new (NULL);
  char buf[8192];

  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return wr_throw_errno (error, "read the OCI state from stdin"), NULL;
      if (n == 0)
        break;
      if (text->len + (gsize) n > NET_STATE_MAX)
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "OCI state on stdin: larger than %d bytes", NET_STATE_MAX),
               NULL;
      g_string_append_len (text, buf, n);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
get_string (JsonObject *o, const char *name, GError **error)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "OCI state on stdin: %s: must be a string", name),
           NULL;
  return json_node_get_string (n);
}

NetState *
net_state_read (int fd, GError **error)
{
  g_autofree char *text = read_bounded (fd, error);
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (NetState) state = g_new0 (NetState, 1);
  JsonObject *root;
  JsonNode *n;
  const char *s;
  gint64 pid;

  if (text == NULL)
    return NULL;
  if (text[0] == '\0')
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "no OCI state on stdin (run as a hook, or give --pid)"),
           NULL;
  if (!json_parser_load_from_data (parser, text, -1, error))
    return g_prefix_error (error, "OCI state on stdin: "), NULL;
  n = json_parser_get_root (parser);
  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "OCI state on stdin: must be a JSON object"),
           NULL;
  root = json_node_get_object (n);

  if ((s = get_string (root, "id", error)) == NULL)
    return NULL;
  if (!net_state_id_valid (s))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "OCI state on stdin: id: '%s' cannot name a file", s),
           NULL;
  state->id = g_strdup (s);

  n = json_object_get_member (root, "pid");
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64
      || (pid = json_node_get_int (n)) <= 0 || pid > G_MAXINT)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "OCI state on stdin: pid: must be a positive integer"),
           NULL;
  state->pid = (int) pid;

  if ((s = get_string (root, "bundle", error)) == NULL)
    return NULL;
  state->bundle = g_strdup (s);

  n = json_object_get_member (root, "annotations");
  if (n != NULL && !JSON_NODE_HOLDS_NULL (n) && !JSON_NODE_HOLDS_OBJECT (n))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "OCI state on stdin: annotations: must be an object"),
           NULL;
  state->annotations = n != NULL && JSON_NODE_HOLDS_OBJECT (n)
                           ? json_object_ref (json_node_get_object (n))
                           : json_object_new ();
  return g_steal_pointer (&state);
}

void
net_state_free (NetState *state)
{
  if (state == NULL)
    return;
  g_free (state->id);
  g_free (state->bundle);
  if (state->annotations != NULL)
    json_object_unref (state->annotations);
  g_free (state);
}
