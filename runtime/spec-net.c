#include "spec-net.h"

#include <string.h>

#include "warren-config.h"
#include "wr-error.h"

const char *
spec_net_helper_path (void)
{
  const char *env = g_getenv ("WARREN_NETNS");

  if (env != NULL && g_path_is_absolute (env))
    return env;
  return WARREN_LIBEXECDIR "/warren-netns";
}

static JsonObject *
object_member (JsonObject *parent, const char *name)
{
  if (!json_object_has_member (parent, name))
    json_object_set_object_member (parent, name, json_object_new ());
  return json_object_get_object_member (parent, name);
}

static JsonArray *
array_member (JsonObject *parent, const char *name)
{
  if (!json_object_has_member (parent, name))
    json_object_set_array_member (parent, name, json_array_new ());
  return json_object_get_array_member (parent, name);
}

gboolean
spec_net_add (JsonNode *config, const char *mode, const char *const *publish, GError **error)
{
  JsonObject *root = json_node_get_object (config);
  JsonArray *namespaces = array_member (object_member (root, "linux"), "namespaces");
  JsonObject *hook;
  JsonArray *args;
  gboolean has_netns = FALSE;

  if (mode == NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "--publish needs --net slirp");
  if (strcmp (mode, "slirp") != 0)
    return wr_throw (error, WARREN_ERROR_NOT_SUPPORTED, "--net: '%s' is not supported (slirp is)",
                     mode);

  for (guint i = 0; i < json_array_get_length (namespaces); i++)
    {
      JsonObject *ns = json_array_get_object_element (namespaces, i);
      if (g_strcmp0 (json_object_get_string_member_with_default (ns, "type", ""), "network") == 0)
        has_netns = TRUE;
    }
  if (!has_netns)
    {
      JsonObject *ns = json_object_new ();
      json_object_set_string_member (ns, "type", "network");
      json_array_add_object_element (namespaces, ns);
    }

  args = json_array_new ();
  json_array_add_string_element (args, "warren-netns");
  for (gsize i = 0; publish != NULL && publish[i] != NULL; i++)
    {
      json_array_add_string_element (args, "--publish");
      json_array_add_string_element (args, publish[i]);
    }
  hook = json_object_new ();
  json_object_set_string_member (hook, "path", spec_net_helper_path ());
  json_object_set_array_member (hook, "args", args);
  json_array_add_object_element (array_member (object_member (root, "hooks"), "createRuntime"),
                                 hook);
  return TRUE;
}
