#include "cmd.h"

#include <stdio.h>
#include <unistd.h>

#include "client.h"
#include "protocol.h"
#include "wr-error.h"
#include "wr-glib-compat.h"
#include "wr-json.h"

static char *opt_socket, *opt_format;

static const GOptionEntry entries[] = {
  { "socket", 's', 0, G_OPTION_ARG_FILENAME, &opt_socket,
    "The server's socket (default: `warren-tty socket`)", "SOCKET" },
  { "format", 'f', 0, G_OPTION_ARG_STRING, &opt_format, "table (default) or json", "FORMAT" },
  { NULL },
};

static int
run (int argc, char **argv, GError **error)
{
  g_autofree char *socket_path = NULL;
  g_autofree char *request = NULL;
  g_autoptr (JsonNode) reply = NULL;
  g_autofd int fd = -1;
  gboolean json;
  JsonArray *sessions;

  if (!tty_cmd_parse (&tty_cmd_list, &argc, &argv, 0, 0, error))
    return -1;
  if (opt_format != NULL && !g_str_equal (opt_format, "table") && !g_str_equal (opt_format, "json"))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "list: --format: \"%s\" is not table or json", opt_format),
           -1;
  json = opt_format != NULL && g_str_equal (opt_format, "json");
  socket_path = tty_cmd_socket_path (opt_socket, error);
  if (socket_path == NULL)
    return -1;
  request = tty_protocol_request_line ("list", NULL, 0, 0);
  fd = tty_client_request (socket_path, request, &reply, NULL, error);
  if (fd < 0)
    return g_prefix_error (error, "list: "), -1;
  sessions = json_object_get_array_member (json_node_get_object (reply), "sessions");
  if (sessions == NULL)
    return wr_throw (error, WARREN_ERROR_FAILED, "list: the reply has no sessions"), -1;
  if (json)
    {
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      g_autofree char *line = NULL;
      json_node_set_array (node, sessions);
      line = wr_json_line (node);
      fputs (line, stdout);
      return 0;
    }
  printf ("%-24s %-8s %-8s %s\n", "NAME", "STATE", "CLIENTS", "BYTES");
  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      JsonObject *s = json_array_get_object_element (sessions, i);
      if (s == NULL)
        continue;
      /* Names are escaped by the server already: nothing here can drive the terminal. */
      printf ("%-24s %-8s %-8" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
              json_object_get_string_member_with_default (s, "name", "?"),
              json_object_get_string_member_with_default (s, "state", "?"),
              json_object_get_int_member_with_default (s, "clients", 0),
              json_object_get_int_member_with_default (s, "bytes", 0));
    }
  return 0;
}

const TtyCommand tty_cmd_list = {
  "list", "", "List the server's sessions: name, state, attached clients, bytes.", run, entries,
};
