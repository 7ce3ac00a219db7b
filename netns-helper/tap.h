/* tap: the container's end of the network. A short-lived child joins the container's user
 * and network namespaces, creates tap0, gives it its address, MTU, default route and brings
 * it and lo up, then passes the tap fd back, and may stay as the companion of the TCP fast
 * path. Moving packets is left to slirp-loop.c. */
#pragma once

#include <glib.h>

#include "net-options.h"

#define TAP_NAME "tap0"

/* userns_fd may be -1 (the network namespace is joined from our own user namespace).
 * Returns the tap fd (non-blocking, close-on-exec) or -1. With `out_companion`, the child
 * stays in the namespaces as the fast path's companion (companion.h) and
 * *out_companion is our end of its socket. */
int tap_create (int userns_fd, int netns_fd, const NetOptions *options, int *out_companion,
                GError **error);
