/* net-ports: the ports published right now, at start-up and through the API. Each goes to
 * its driver (net-splice.c for spliced TCP, net-forward.c for libslirp's hostfwd), and the
 * list is what `list` shows and what net.json keeps for `restart`. Who saves the list, and
 * when, is left to the caller through the change callback. */
#pragma once

#include <glib.h>
#include <slirp/libslirp.h>

#include "net-api-message.h"
#include "net-filter.h"
#include "net-options.h"
#include "net-splice.h"

typedef struct NetPorts NetPorts;
typedef void (*NetPortsChanged) (NetPorts *ports, gpointer user_data);

/* `splice` may be NULL (no companion: --port-driver slirp); all are borrowed. `filter` learns
 * which UDP ports are published. */
NetPorts *net_ports_new (const NetOptions *options, Slirp *slirp, NetFilter *filter,
                         NetSplice *splice);
void net_ports_free (NetPorts *ports);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NetPorts, net_ports_free)
void net_ports_set_changed (NetPorts *ports, NetPortsChanged changed, gpointer user_data);

/* The driver a port gets when the request names none: UDP always slirp, TCP per
 * --port-driver. */
NetPortDriver net_ports_default_driver (NetPorts *ports, NetProto proto);
/* Listen for `port` now; a port in use, one published already or the limit of
 * NET_PUBLISH_MAX fails and changes nothing. `spec` names it in messages (NULL: made up). */
gboolean net_ports_publish (NetPorts *ports, const NetPort *port, const char *spec, GError **error);
/* Close the listener of the port with `port`'s proto, host_port and (when `match_addr`)
 * host_addr. *out_removed gets what was removed. */
gboolean net_ports_unpublish (NetPorts *ports, const NetPort *port, gboolean match_addr,
                              NetPort *out_removed, GError **error);
/* A JSON array of port objects (net_port_to_json()). */
JsonNode *net_ports_to_json (NetPorts *ports);
