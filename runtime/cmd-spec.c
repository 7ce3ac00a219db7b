#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
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
static gboolean subids;
static char *subuid_path, *subgid_path;

static const GOptionEntry entries[] = {
  { "bundle", 'b', 0, G_OPTION_ARG_FILENAME, &bundle, "Write config.json into DIR", "DIR" },
  { "rootless", 0, 0, G_OPTION_ARG_NONE, &rootless,
    "A config for an unprivileged user (user namespace, own ids mapped)", NULL },
  { "net", 0, 0, G_OPTION_ARG_STRING, &net,
    "A network namespace with its network: slirp (warren-netns as a hook)", "MODE" },
  { "publish", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &publish,
    "With --net slirp: publish a port (repeatable)", "[HOSTIP:]HOSTPORT:PORT[/tcp|/udp]" },
  { "subids", 0, 0, G_OPTION_ARG_NONE, &subids,
    "With --rootless: also map your /etc/subuid and /etc/subgid range from id 1 on", NULL },
  { "subuid", 0, 0, G_OPTION_ARG_FILENAME, &subuid_path, "Read FILE instead of /etc/subuid",
    "FILE" },
  { "subgid", 0, 0, G_OPTION_ARG_FILENAME, &subgid_path, "Read FILE instead of /etc/subgid",
    "FILE" },
  { NULL },
};

/* The caller's first range in PATH that overlaps no other user's (subid.c), or an error that
 * names the file and points to `warren check`. */
static SubidRange *
choose_range (const char *path, uid_t id, GError **error)
{
  g_autoptr (SubidFile) file = subid_file_load (path, error);
  const SubidRange *chosen;
  struct passwd *pw = getpwuid (getuid ());
  g_autofree char *name = pw != NULL ? g_strdup (pw->pw_name) : g_strdup_printf ("%u", id);

  if (file == NULL)
    return NULL;
  chosen = subid_choose (file, name, id);
  if (chosen == NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--subids: %s has no range for %s (id %u) that overlaps no other user's; "
                     "see `warren check`", path, name, (unsigned) id),
           NULL;
  SubidRange *copy = g_memdup2 (chosen, sizeof *chosen);
  copy->owner = NULL; /* it belongs to `file` */
  return copy;
}

static int
run (const ContainerGlobals *g, int argc, char **argv, GError **error)
{
  SpecDefaultOptions options = { 0 };
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofd int fd = -1;
  g_autofree SubidRange *subuid = NULL, *subgid = NULL;

  if (!cmd_parse (&cmd_spec, &argc, &argv, error) || !cmd_expect_args (&cmd_spec, argc, 0, 0, error))
    return -1;
  options.rootless = rootless;
  if ((subuid_path != NULL || subgid_path != NULL) && !subids)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "spec: --subuid and --subgid go with --subids"), -1;
  if (subids && !rootless)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "spec: --subids needs --rootless (root maps any ids directly)"), -1;
  if (subids)
    {
      subuid = choose_range (subuid_path != NULL ? subuid_path : "/etc/subuid", getuid (), error);
      if (subuid == NULL)
        return g_prefix_error (error, "spec: "), -1;
      subgid = choose_range (subgid_path != NULL ? subgid_path : "/etc/subgid", getgid (), error);
      if (subgid == NULL)
        return g_prefix_error (error, "spec: "), -1;
      options.subuid = subuid;
      options.subgid = subgid;
    }
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
