/* devices: /dev inside the container: the default nodes (null zero full random urandom tty),
 * linux.devices, and the standard symlinks. mknod when the init may, else a bind of the
 * host's node. The console is terminal.c; device cgroup rules come with cgroups. */
#pragma once

#include <glib.h>

#include "launch.h"

/* `use_bind`: the init is in a user namespace, where mknod is not allowed. */
gboolean devices_setup (const LaunchConfig *config, int root_fd, gboolean use_bind,
                        GError **error);
