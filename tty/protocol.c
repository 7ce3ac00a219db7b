#include "protocol.h"

#include <string.h>

#include "wr-error.h"
#include "wr-json.h"

void
tty_request_clear (TtyRequest *request)
{
  g_clear_pointer (&request->op, g_free);
  g_clear_pointer (&request->name, g_free);
}

char *
tty_protocol_request_line (const char *op, const char *name, guint16 rows, guint16 cols)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "op");
  json_builder_add_string_value (b, op);
  if (name != NULL)
    {
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "rows");
      json_builder_add_int_value (b, rows);
      json_builder_set_member_name (b, "cols");
      json_builder_add_int_value (b, cols);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return wr_json_line (root);
}

static JsonObject *
parse_object (const char *line, gsize len, JsonParser *parser, GError **error)
{
  JsonNode *root;

  if (!json_parser_load_from_data (parser, line, (gssize)len, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "expected a JSON object"), NULL;
  return json_node_get_object (root);
}

static gboolean
get_u16 (JsonObject *obj, const char *member, guint16 *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, member);
  gint64 v;

  if (node == NULL)
    {
      *out = 0;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "%s: must be an integer", member);
  v = json_node_get_int (node);
  if (v < 0 || v > G_MAXUINT16)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "%s: must be 0 to 65535", member);
  *out = (guint16)v;
  return TRUE;
}

static char *
get_string (JsonObject *obj, const char *member, GError **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "%s: must be a string", member), NULL;
  return json_node_dup_string (node);
}

gboolean
tty_protocol_parse_request (const char *line, gsize len, TtyRequest *out_request, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_auto (TtyRequest) req = { 0 };
  JsonObject *obj = parse_object (line, len, parser, error);

  if (obj == NULL)
    return FALSE;
  req.op = get_string (obj, "op", error);
  if (req.op == NULL)
    return FALSE;
  if (g_str_equal (req.op, "attach"))
    {
      req.name = get_string (obj, "name", error);
      if (req.name == NULL || !get_u16 (obj, "rows", &req.rows, error)
          || !get_u16 (obj, "cols", &req.cols, error))
        return FALSE;
    }
  else if (!g_str_equal (req.op, "list"))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "op: unknown operation \"%s\"", req.op);
  *out_request = req;
  memset (&req, 0, sizeof req);
  return TRUE;
}

JsonNode *
tty_protocol_parse_reply (const char *line, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonObject *obj = parse_object (line, len, parser, error);

  if (obj == NULL)
    return NULL;
  if (json_object_has_member (obj, "error"))
    {
      g_autofree char *message = get_string (obj, "error", error);
      if (message != NULL)
        wr_throw (error, WARREN_ERROR_FAILED, "%s", message);
      return NULL;
    }
  return json_node_copy (json_parser_get_root (parser));
}

void
tty_frame_append (GByteArray *out, char type, const void *data, gsize len)
{
  guint8 header[TTY_FRAME_HEADER];

  g_assert (len <= TTY_FRAME_MAX);
  header[0] = (guint8)type;
  header[1] = (guint8)(len >> 8);
  header[2] = (guint8)len;
  g_byte_array_append (out, header, sizeof header);
  g_byte_array_append (out, data, (guint)len);
}

void
tty_frame_append_winsize (GByteArray *out, guint16 rows, guint16 cols)
{
  guint8 data[4] = { (guint8)(rows >> 8), (guint8)rows, (guint8)(cols >> 8), (guint8)cols };

  tty_frame_append (out, TTY_FRAME_WINSIZE, data, sizeof data);
}

gssize
tty_frame_parse (const guint8 *buf, gsize len, char *out_type, const guint8 **out_data,
                 gsize *out_data_len, GError **error)
{
  gsize data_len;

  if (len < TTY_FRAME_HEADER)
    return 0;
  data_len = ((gsize)buf[1] << 8) | buf[2];
  if (buf[0] != TTY_FRAME_DATA && buf[0] != TTY_FRAME_WINSIZE)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "unknown frame type 0x%02x", buf[0]), -1;
  if (data_len > TTY_FRAME_MAX)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "frame of %zu bytes (limit %d)",
                     data_len, TTY_FRAME_MAX),
           -1;
  if (buf[0] == TTY_FRAME_WINSIZE && data_len != 4)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "window size frame of %zu bytes",
                     data_len),
           -1;
  if (len < TTY_FRAME_HEADER + data_len)
    return 0;
  *out_type = (char)buf[0];
  *out_data = buf + TTY_FRAME_HEADER;
  *out_data_len = data_len;
  return (gssize)(TTY_FRAME_HEADER + data_len);
}
