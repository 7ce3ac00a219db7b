/* net-forward: published ports. Each --publish becomes a libslirp host forward: libslirp
 * listens on the host and connects to the container's address inside the slirp network.
 * Parsing the specs is left to net-options.c. */
#pragma once

#include <glib.h>
#include <slirp/libslirp.h>

#include "net-options.h"

/* Listen for `publish` and forward to `container` (its address in the slirp network). A port
 * in use fails here, naming the spec. */
gboolean net_forward_add (Slirp *slirp, const NetPublish *publish, struct in_addr container,
                          GError **error);
/* Close the forward of `publish` (its proto, family, host address and port). */
gboolean net_forward_remove (Slirp *slirp, const NetPublish *publish, GError **error);
