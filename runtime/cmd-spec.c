#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "spec-default.h"
#include "spec-net.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

static char *bundle;
static gboolean rootless;
static char *net;
static char **publish;

static const GOptionEntry entries[] = {
  { "bundle", 'b', 0, G_OPTION_ARG_FILENAME, &bundle, "Write config.json into DIR", "DIR" },
  { "rootless", 0, 0, G_OPTION_ARG_NONE, &rootless,
    "A config for an unprivileged user (user namespace, own ids mapped)", NULL },
  { "net", 0, 0, G_OPTION_ARG_STRING, &net,
    "A network namespace with its network: slirp (warren-netns as a hook)", "MODE" },
  { "publish", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &publish,
    "With --net slirp: publish a port (repeatable)", "[HOSTIP:]HOSTPORT:PORT[/tcp|/udp]" },
  { NULL },
};

static int
run (const ContainerGlobals *g, int argc, char **argv, GError **error)
{
  SpecDefaultOptions options = { 0 };
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofd int fd = -1;

  if (!cmd_parse (&cmd_spec, &argc, &argv, error) || !cmd_expect_args (&cmd_spec, argc, 0, 0, error))
    return -1;
  options.rootless = rootless;
  node = spec_default_generate (&options);
  if ((net != NULL || publish != NULL)
      && !spec_net_add (node, net, (const char *const *) publish, error))
    return g_prefix_error (error, "spec: "), -1;
  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  text = json_generator_to_data (gen, NULL);
  path = g_build_filename (bundle != NULL ? bundle : ".", "config.json", NULL);
  /* Never overwrite a config someone wrote (runc refuses too). */
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0 && errno == EEXIST)
    return wr_throw (error, WARREN_ERROR_EXISTS, "spec: %s exists already; remove it first",
                     path), -1;
  if (fd < 0)
    return wr_throw_errno (error, "spec: create %s", path), -1;
  if (!wr_write_all (fd, text, strlen (text), error) || !wr_write_all (fd, "\n", 1, error))
    return g_prefix_error (error, "spec: %s: ", path), -1;
  if (net != NULL && !spec_net_write_files (bundle != NULL ? bundle : ".", error))
    return g_prefix_error (error, "spec: "), -1;
  return 0;
}

const Command cmd_spec = {
  "spec", "[OPTION…]", "Write a default config.json for a bundle.", run, entries,
};
