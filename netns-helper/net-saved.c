#include "net-saved.h"

#include <errno.h>
#include <string.h>

#include "wr-error.h"
#include "wr-json.h"

#define NET_SAVED_VERSION 1

NetSaved *
net_saved_new (void)
{
  NetSaved *saved = g_new0 (NetSaved, 1);

  saved->annotations = json_object_new ();
  saved->args = g_ptr_array_new_with_free_func (g_free);
  saved->ports = g_array_new (FALSE, FALSE, sizeof (NetPort));
  return saved;
}

void
net_saved_free (NetSaved *saved)
{
  if (saved == NULL)
    return;
  json_object_unref (saved->annotations);
  g_ptr_array_unref (saved->args);
  g_array_unref (saved->ports);
  g_free (saved);
}

void
net_saved_set_options (NetSaved *saved, JsonObject *annotations, GPtrArray *args)
{
  g_autoptr (GList) members = json_object_get_members (annotations);

  for (GList *l = members; l != NULL; l = l->next)
    if (g_str_has_prefix (l->data, "warren.net.") && strcmp (l->data, "warren.net.publish") != 0)
      json_object_set_member (saved->annotations, l->data,
                              json_node_copy (json_object_get_member (annotations, l->data)));
  for (guint i = 0; i + 2 < args->len; i += 3)
    {
      if (strcmp (g_ptr_array_index (args, i), "publish") == 0)
        continue;
      for (guint j = 0; j < 3; j++)
        g_ptr_array_add (saved->args, g_strdup (g_ptr_array_index (args, i + j)));
    }
}

JsonNode *
net_saved_to_json (const NetSaved *saved, JsonNode *ports)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, NET_SAVED_VERSION);
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, saved->pid);
  json_builder_set_member_name (b, "start_time");
  json_builder_add_int_value (b, (gint64) saved->start_time);
  json_builder_set_member_name (b, "annotations");
  {
    JsonNode *node = json_node_new (JSON_NODE_OBJECT);
    json_node_set_object (node, saved->annotations);
    json_builder_add_value (b, node);
  }
  json_builder_set_member_name (b, "args");
  json_builder_begin_array (b);
  for (guint i = 0; i + 2 < saved->args->len; i += 3)
    {
      json_builder_begin_array (b);
      for (guint j = 0; j < 3; j++)
        {
          const char *v = g_ptr_array_index (saved->args, i + j);
          if (v != NULL)
            json_builder_add_string_value (b, v);
          else
            json_builder_add_null_value (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "ports");
  json_builder_add_value (b, json_node_ref (ports));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
get_arg (const WrJsonCursor *c, char **out, GError **error)
{
  if (!wr_json_present (c))
    return *out = NULL, TRUE;
  return wr_json_get_string (c, out, error);
}

NetSaved *
net_saved_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (NetSaved) saved = net_saved_new ();
  g_autoptr (JsonNode) root = NULL;
  WrJsonCursor top, c, element, item;
  g_autoptr (GHashTable) annotations = NULL;
  gint64 version, pid;
  guint64 start_time;
  guint n;

  if (memchr (data, '\0', len) != NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, NET_SAVED_FILE ": contains a NUL byte"),
           NULL;
  if ((root = wr_json_parse_data (data, (gssize) len, NET_SAVED_FILE, error)) == NULL)
    return NULL;
  wr_json_cursor_root (&top, NET_SAVED_FILE, root);
  if (!wr_json_expect_object (&top, error))
    return NULL;
  wr_json_member (&top, "version", &c);
  if (!wr_json_get_int64_range (&c, NET_SAVED_VERSION, NET_SAVED_VERSION, &version, error))
    return NULL;
  wr_json_member (&top, "pid", &c);
  if (!wr_json_get_int64_range (&c, 1, G_MAXINT, &pid, error))
    return NULL;
  saved->pid = (int) pid;
  wr_json_member (&top, "start_time", &c);
  if (!wr_json_get_uint64 (&c, &start_time, error))
    return NULL;
  saved->start_time = start_time;
  wr_json_member (&top, "annotations", &c);
  if (!wr_json_get_string_map (&c, &annotations, error))
    return NULL;
  {
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init (&iter, annotations);
    while (g_hash_table_iter_next (&iter, &key, &value))
      json_object_set_string_member (saved->annotations, key, value);
  }
  wr_json_member (&top, "args", &c);
  if (!wr_json_array_length (&c, &n, error))
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      guint three;
      wr_json_element (&c, i, &element);
      if (!wr_json_array_length (&element, &three, error))
        return NULL;
      if (three != 3)
        return wr_json_fail (&element, error, "must hold name, value and origin"), NULL;
      for (guint j = 0; j < 3; j++)
        {
          char *v = NULL;
          wr_json_element (&element, j, &item);
          if (!get_arg (&item, &v, error))
            return NULL;
          if (v == NULL && j != 1)
            return wr_json_fail (&item, error, "must be a string"), NULL;
          g_ptr_array_add (saved->args, v);
        }
    }
  wr_json_member (&top, "ports", &c);
  if (!wr_json_array_length (&c, &n, error))
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      NetPort port;
      wr_json_element (&c, i, &element);
      if (!net_port_from_json (&element, &port, error))
        return NULL;
      g_array_append_val (saved->ports, port);
    }
  return g_steal_pointer (&saved);
}

gboolean
net_saved_apply (const NetSaved *saved, NetOptions *options, GError **error)
{
  if (!net_options_apply_annotations (options, saved->annotations, error))
    return FALSE;
  for (guint i = 0; i + 2 < saved->args->len; i += 3)
    if (!net_options_set (options, g_ptr_array_index (saved->args, i),
                          g_ptr_array_index (saved->args, i + 1),
                          g_ptr_array_index (saved->args, i + 2), error))
      return FALSE;
  return TRUE;
}

gboolean
net_saved_start_time (int pid, guint64 *out, GError **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) fields = NULL;
  const char *after_comm;
  guint64 v;

  if (!g_file_get_contents (path, &text, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return wr_throw_errno_value (error, ESRCH, "process %d", pid);
      return wr_throw (error, WARREN_ERROR_FAILED, "%s", local_error->message);
    }
  /* The command name may hold spaces and parentheses: fields start after the last ')'. */
  after_comm = strrchr (text, ')');
  if (after_comm == NULL)
    return wr_throw (error, WARREN_ERROR_FAILED, "%s: no command name", path);
  fields = g_strsplit (after_comm + 2, " ", -1);
  /* A zombie has its start time still, and none of its namespaces. */
  if (fields[0] != NULL && (strcmp (fields[0], "Z") == 0 || strcmp (fields[0], "X") == 0))
    return wr_throw_errno_value (error, ESRCH, "process %d", pid);
  /* Field 22 overall, the 20th after pid and comm. */
  if (g_strv_length (fields) < 20
      || !g_ascii_string_to_unsigned (fields[19], 10, 0, G_MAXUINT64, &v, NULL))
    return wr_throw (error, WARREN_ERROR_FAILED, "%s: no start time", path);
  *out = v;
  return TRUE;
}
