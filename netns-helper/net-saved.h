/* net-saved: `net.json` in the run dir, what `warren-netns restart` needs to give a container
 * its network back after the helper died: the container's init (pid and start time, so a
 * recycled pid is refused), the network options as they were given (the `warren.net.*`
 * annotations and the command line, publishes left out) and the ports published now. Writing
 * it is left to the helper (main.c), the ports to net-ports.c. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "net-api-message.h"
#include "net-options.h"

#define NET_SAVED_FILE "net.json"
#define NET_SAVED_MAX (1024 * 1024)

typedef struct
{
  int pid;
  guint64 start_time;      /* field 22 of /proc/PID/stat */
  JsonObject *annotations; /* the warren.net.* ones but publish; never NULL */
  GPtrArray *args;         /* (name, value or NULL, as written) triples, publish left out */
  GArray *ports;           /* of NetPort */
} NetSaved;

NetSaved *net_saved_new (void);
void net_saved_free (NetSaved *saved);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NetSaved, net_saved_free)

/* Keep what of `annotations` and of the command line's triples `args` restart re-applies. */
void net_saved_set_options (NetSaved *saved, JsonObject *annotations, GPtrArray *args);
/* `ports`: a JSON array of port objects (net_ports_to_json()). */
JsonNode *net_saved_to_json (const NetSaved *saved, JsonNode *ports);
NetSaved *net_saved_parse (const char *data, gsize len, GError **error);
/* Apply the saved annotations and command line to `options`, as the hook did. */
gboolean net_saved_apply (const NetSaved *saved, NetOptions *options, GError **error);

/* The start time of process `pid` (field 22 of /proc/PID/stat, clock ticks since boot). A
 * process that is gone, or a zombie, fails with ESRCH. */
gboolean net_saved_start_time (int pid, guint64 *out_start_time, GError **error);
