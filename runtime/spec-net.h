/* spec-net: what `warren spec --net slirp [-p SPEC]...` adds to the default config: a network
 * namespace, warren-netns as the createRuntime hook, and a read-only bind of a resolv.conf
 * naming the helper's DNS forwarder. The rest of the config is spec-default.c's; the helper
 * checks the publish specs when it runs. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

/* The helper's absolute path: $WARREN_NETNS when set (tests run from the build tree), else
 * the installed one in WARREN_LIBEXECDIR. */
const char *spec_net_helper_path (void);

/* Add the network of `mode` (only "slirp" so far) with `publish` (NULL-terminated, may be
 * NULL) to `config`, a tree from spec_default_generate(). */
gboolean spec_net_add (JsonNode *config, const char *mode, const char *const *publish,
                       GError **error);

/* Write the bundle's resolv.conf that the config binds, unless the bundle has one. */
gboolean spec_net_write_files (const char *bundle, GError **error);
