#include "spec-net.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "warren-config.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

/* warren-netns's DNS forwarder in its default network, 10.0.2.0/24. */
#define SPEC_NET_RESOLV_CONF "nameserver 10.0.2.3\n"

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
  {
    JsonObject *mount = json_object_new ();
    JsonArray *options = json_array_new ();
    json_object_set_string_member (mount, "destination", "/etc/resolv.conf");
    json_object_set_string_member (mount, "type", "bind");
    json_object_set_string_member (mount, "source", "resolv.conf"); /* in the bundle */
    json_array_add_string_element (options, "rbind");
    json_array_add_string_element (options, "ro");
    json_object_set_array_member (mount, "options", options);
    json_array_add_object_element (array_member (root, "mounts"), mount);
  }

  hook = json_object_new ();
  json_object_set_string_member (hook, "path", spec_net_helper_path ());
  json_object_set_array_member (hook, "args", args);
  json_array_add_object_element (array_member (object_member (root, "hooks"), "createRuntime"),
                                 hook);
  /* A helper that was killed cannot remove its run dir: after the container is gone, its
   * cleanup does. */
  hook = json_object_new ();
  args = json_array_new ();
  json_array_add_string_element (args, "warren-netns");
  json_array_add_string_element (args, "cleanup");
  json_object_set_string_member (hook, "path", spec_net_helper_path ());
  json_object_set_array_member (hook, "args", args);
  json_array_add_object_element (array_member (object_member (root, "hooks"), "poststop"), hook);
  return TRUE;
}

gboolean
spec_net_write_files (const char *bundle, GError **error)
{
  g_autofree char *path = g_build_filename (bundle, "resolv.conf", NULL);
  g_autofd int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);

  if (fd < 0 && errno == EEXIST)
    return TRUE; /* the bundle's own */
  if (fd < 0)
    return wr_throw_errno (error, "create %s", path);
  if (!wr_write_all (fd, SPEC_NET_RESOLV_CONF, strlen (SPEC_NET_RESOLV_CONF), error))
    return g_prefix_error (error, "%s: ", path), FALSE;
  return TRUE;
}
