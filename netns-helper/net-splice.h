/* net-splice: the fast path for published TCP ports. The helper listens on the host; for
 * each connection the companion (companion.h) connects to the container's address inside its
 * namespace and hands the socket back, and the two sockets are joined with splice(2) through
 * a pipe per direction, never through libslirp. The container sees connections come from its
 * own address (RootlessKit's "builtin" port driver works the same way). UDP, and TCP with
 * --port-driver slirp, are left to net-forward.c. */
#pragma once

#include <glib.h>
#include <netinet/in.h>

#include "net-options.h"

/* Connections at once, and accepted ones waiting for the companion. */
#define NET_SPLICE_CONNECTIONS_MAX 512
#define NET_SPLICE_PENDING_MAX 64

typedef struct NetSplice NetSplice;

NetSplice *net_splice_new (struct in_addr container);
/* `companion` is our end of the companion's socket (taken over), set before
 * net_splice_attach(). */
void net_splice_set_companion (NetSplice *splice, int companion);
/* Listen for `publish` on the host now, so that a port in use fails here; after
 * net_splice_attach() it accepts at once. */
gboolean net_splice_listen (NetSplice *splice, const NetPublish *publish, GError **error);
/* Close the listener on host_addr:host_port (if any); its connections go on. */
void net_splice_unlisten (NetSplice *splice, const NetPublish *publish);
/* Start accepting and moving bytes in `context`. */
void net_splice_attach (NetSplice *splice, GMainContext *context);
void net_splice_free (NetSplice *splice);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NetSplice, net_splice_free)
