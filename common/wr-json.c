#include "wr-json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wr-error.h"
#include "wr-glib-compat.h"

void
wr_json_cursor_root (WrJsonCursor *out, const char *file, JsonNode *node)
{
  *out = (WrJsonCursor){ .file = file, .parent = NULL, .key = NULL, .index = 0, .node = node };
}

void
wr_json_member (const WrJsonCursor *object, const char *key, WrJsonCursor *out)
{
  JsonNode *node = NULL;

  if (object->node != NULL && JSON_NODE_HOLDS_OBJECT (object->node))
    node = json_object_get_member (json_node_get_object (object->node), key);
  *out = (WrJsonCursor){ .file = object->file, .parent = object, .key = key, .node = node };
}

void
wr_json_element (const WrJsonCursor *array, guint index, WrJsonCursor *out)
{
  JsonNode *node = NULL;

  if (array->node != NULL && JSON_NODE_HOLDS_ARRAY (array->node))
    {
      JsonArray *a = json_node_get_array (array->node);
      if (index < json_array_get_length (a))
        node = json_array_get_element (a, index);
    }
  *out = (WrJsonCursor){ .file = array->file, .parent = array, .key = NULL, .index = index,
                         .node = node };
}

static void
append_path (GString *s, const WrJsonCursor *c)
{
  if (c->parent == NULL)
    return;
  append_path (s, c->parent);
  if (c->key != NULL)
    {
      if (s->len > 0)
        g_string_append_c (s, '.');
      g_string_append (s, c->key);
    }
  else
    g_string_append_printf (s, "[%u]", c->index);
}

char *
wr_json_cursor_path (const WrJsonCursor *cursor)
{
  GString *s = g_string_new (NULL);

  append_path (s, cursor);
  if (s->len == 0)
    g_string_append (s, "(root)");
  return g_string_free (s, FALSE);
}

gboolean
wr_json_present (const WrJsonCursor *cursor)
{
  return cursor->node != NULL && !JSON_NODE_HOLDS_NULL (cursor->node);
}

gboolean
wr_json_fail (const WrJsonCursor *cursor, GError **error, const char *format, ...)
{
  g_autofree char *path = wr_json_cursor_path (cursor);
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "%s: %s: %s", cursor->file, path, msg);
}

static const char *
node_kind (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_INT64:
      return "an integer";
    case G_TYPE_DOUBLE:
      return "a number";
    default:
      return "a value";
    }
}

static gboolean
expect_value (const WrJsonCursor *c, GType type, const char *what, GError **error)
{
  if (c->node == NULL || !JSON_NODE_HOLDS_VALUE (c->node)
      || json_node_get_value_type (c->node) != type)
    return wr_json_fail (c, error, "must be %s, not %s", what, node_kind (c->node));
  return TRUE;
}

gboolean
wr_json_expect_object (const WrJsonCursor *cursor, GError **error)
{
  if (cursor->node == NULL || !JSON_NODE_HOLDS_OBJECT (cursor->node))
    return wr_json_fail (cursor, error, "must be an object, not %s", node_kind (cursor->node));
  return TRUE;
}

gboolean
wr_json_array_length (const WrJsonCursor *cursor, guint *out_length, GError **error)
{
  if (cursor->node == NULL || !JSON_NODE_HOLDS_ARRAY (cursor->node))
    return wr_json_fail (cursor, error, "must be an array, not %s", node_kind (cursor->node));
  *out_length = json_array_get_length (json_node_get_array (cursor->node));
  return TRUE;
}

gboolean
wr_json_get_string (const WrJsonCursor *cursor, char **out, GError **error)
{
  if (!expect_value (cursor, G_TYPE_STRING, "a string", error))
    return FALSE;
  *out = g_strdup (json_node_get_string (cursor->node));
  return TRUE;
}

gboolean
wr_json_get_bool (const WrJsonCursor *cursor, gboolean *out, GError **error)
{
  if (!expect_value (cursor, G_TYPE_BOOLEAN, "a boolean", error))
    return FALSE;
  *out = json_node_get_boolean (cursor->node);
  return TRUE;
}

gboolean
wr_json_get_int64 (const WrJsonCursor *cursor, gint64 *out, GError **error)
{
  if (!expect_value (cursor, G_TYPE_INT64, "an integer", error))
    return FALSE;
  *out = json_node_get_int (cursor->node);
  return TRUE;
}

gboolean
wr_json_get_int64_range (const WrJsonCursor *cursor, gint64 min, gint64 max, gint64 *out,
                         GError **error)
{
  gint64 v;

  if (!wr_json_get_int64 (cursor, &v, error))
    return FALSE;
  if (v < min || v > max)
    return wr_json_fail (cursor, error, "%" G_GINT64_FORMAT " is out of range [%" G_GINT64_FORMAT
                         ", %" G_GINT64_FORMAT "]", v, min, max);
  *out = v;
  return TRUE;
}

gboolean
wr_json_get_uint32 (const WrJsonCursor *cursor, guint32 *out, GError **error)
{
  gint64 v;

  if (!wr_json_get_int64_range (cursor, 0, G_MAXUINT32, &v, error))
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

gboolean
wr_json_get_uint64 (const WrJsonCursor *cursor, guint64 *out, GError **error)
{
  gint64 v;

  /* json-glib stores integers as gint64, so values above G_MAXINT64 cannot be represented. */
  if (!wr_json_get_int64_range (cursor, 0, G_MAXINT64, &v, error))
    return FALSE;
  *out = (guint64) v;
  return TRUE;
}

gboolean
wr_json_get_strv (const WrJsonCursor *cursor, char ***out, GError **error)
{
  g_autoptr (GPtrArray) items = NULL;
  guint n = 0;

  if (!wr_json_array_length (cursor, &n, error))
    return FALSE;
  items = g_ptr_array_new_full (n + 1, g_free);
  for (guint i = 0; i < n; i++)
    {
      WrJsonCursor el;
      char *s = NULL;

      wr_json_element (cursor, i, &el);
      if (!wr_json_get_string (&el, &s, error))
        return FALSE;
      g_ptr_array_add (items, s);
    }
  g_ptr_array_add (items, NULL);
  *out = (char **) g_ptr_array_steal (items, NULL);
  return TRUE;
}

gboolean
wr_json_get_string_map (const WrJsonCursor *cursor, GHashTable **out, GError **error)
{
  g_autoptr (GHashTable) map = NULL;
  g_autoptr (GList) members = NULL;

  if (!wr_json_expect_object (cursor, error))
    return FALSE;
  map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  members = json_object_get_members (json_node_get_object (cursor->node));
  for (GList *l = members; l != NULL; l = l->next)
    {
      WrJsonCursor m;
      char *value = NULL;

      wr_json_member (cursor, l->data, &m);
      if (!wr_json_get_string (&m, &value, error))
        return FALSE;
      g_hash_table_insert (map, g_strdup (l->data), value);
    }
  *out = g_steal_pointer (&map);
  return TRUE;
}

gboolean
wr_json_opt_string (const WrJsonCursor *object, const char *key, char **out, GError **error)
{
  WrJsonCursor m;
  char *value = NULL;

  wr_json_member (object, key, &m);
  if (!wr_json_present (&m))
    return TRUE;
  if (!wr_json_get_string (&m, &value, error))
    return FALSE;
  g_free (*out);
  *out = value;
  return TRUE;
}

gboolean
wr_json_opt_bool (const WrJsonCursor *object, const char *key, gboolean *out, GError **error)
{
  WrJsonCursor m;

  wr_json_member (object, key, &m);
  if (!wr_json_present (&m))
    return TRUE;
  return wr_json_get_bool (&m, out, error);
}

gboolean
wr_json_opt_uint32 (const WrJsonCursor *object, const char *key, guint32 *out, GError **error)
{
  WrJsonCursor m;

  wr_json_member (object, key, &m);
  if (!wr_json_present (&m))
    return TRUE;
  return wr_json_get_uint32 (&m, out, error);
}

gboolean
wr_json_opt_int64 (const WrJsonCursor *object, const char *key, gint64 *out, GError **error)
{
  WrJsonCursor m;

  wr_json_member (object, key, &m);
  if (!wr_json_present (&m))
    return TRUE;
  return wr_json_get_int64 (&m, out, error);
}

gboolean
wr_json_opt_strv (const WrJsonCursor *object, const char *key, char ***out, GError **error)
{
  WrJsonCursor m;
  char **value = NULL;

  wr_json_member (object, key, &m);
  if (!wr_json_present (&m))
    return TRUE;
  if (!wr_json_get_strv (&m, &value, error))
    return FALSE;
  g_strfreev (*out);
  *out = value;
  return TRUE;
}

JsonNode *
wr_json_parse_data (const char *data, gssize length, const char *file, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "%s: %s", file, local_error->message),
           NULL;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "%s: empty document", file), NULL;
  return json_node_ref (root);
}

JsonNode *
wr_json_parse_file (const char *path, const char *file, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) local_error = NULL;

  if (!g_file_get_contents (path, &data, &len, &local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* json-glib stops at an embedded NUL; refuse it instead of reading half a file. */
  if (memchr (data, '\0', len) != NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "%s: contains a NUL byte", file), NULL;
  return wr_json_parse_data (data, (gssize) len, file, error);
}

gboolean
wr_json_write_atomic_full (int dirfd, const char *name, JsonNode *node, WrJsonWriteFlags flags,
                           GError **error)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *data = NULL;
  g_autofree char *tmp = g_strdup_printf (".%s.%d.tmp", name, (int) getpid ());
  g_autofd int fd = -1;
  gsize len = 0;
  gsize done = 0;

  json_generator_set_root (gen, node);
  data = json_generator_to_data (gen, &len);
  fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return wr_throw_errno (error, "create %s", tmp);
  while (done < len)
    {
      ssize_t w = write (fd, data + done, len - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        {
          wr_throw_errno (error, "write %s", tmp);
          (void) unlinkat (dirfd, tmp, 0); /* best effort: the write error is what matters */
          return FALSE;
        }
      done += (gsize) w;
    }
  if (((flags & WR_JSON_WRITE_DURABLE) && fsync (fd) < 0) || renameat (dirfd, tmp, dirfd, name) < 0)
    {
      wr_throw_errno (error, "write %s", name);
      (void) unlinkat (dirfd, tmp, 0);
      return FALSE;
    }
  if (flags & WR_JSON_WRITE_DURABLE)
    (void) fsync (dirfd); /* the rename is visible either way; this only orders it on disk */
  return TRUE;
}

char *
wr_json_line (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  return g_strconcat (text, "\n", NULL);
}

char *
wr_json_error_line (const char *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return wr_json_line (root);
}
