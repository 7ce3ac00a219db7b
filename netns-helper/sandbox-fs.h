/* sandbox-fs: the helper's view of the file system once it is set up. It moves into a mount
 * namespace of its own whose root is an empty, read-only tmpfs holding /etc/resolv.conf alone:
 * libslirp reads that file (lazily, at the first DNS query, and again when it changes) to find
 * the resolver its DNS forwarder sends to. Rootless, a user namespace of its own that maps
 * only its own uid and gid gives it the right to make the mount namespace, as
 * `slirp4netns --enable-sandbox` does. Capabilities and seccomp are left to sandbox.c. */
#pragma once

#include <glib.h>

/* What the helper's /etc/resolv.conf holds: NULL (the default) binds the host's read-only;
 * otherwise a file with this text (--dns-forward). Call before sandbox_fs_enter(). */
void sandbox_fs_set_resolv_conf (const char *text);

/* Enter the mount namespace and pivot into its empty root. The process must be single
 * threaded; fds opened before keep working. */
gboolean sandbox_fs_enter (GError **error);
