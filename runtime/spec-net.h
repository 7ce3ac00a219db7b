/* spec-net: what `warren spec --net slirp [-p SPEC]...` adds to the default config: a network
 * namespace and warren-netns as the createRuntime hook. The rest of the config is
 * spec-default.c's; the helper checks the publish specs when it runs. */
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
