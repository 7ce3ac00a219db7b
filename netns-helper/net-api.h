/* net-api: the helper's API socket, `api.sock` in its run dir (mode 0600 in the 0700 dir).
 * One request line per connection, one reply line, then the helper closes it; requests and
 * replies are net-api-message.h's. Only peers with the helper's own uid are served
 * (SO_PEERCRED). Everything a client controls is bounded: the line (NET_API_REQUEST_MAX),
 * the time to send it and read the reply (NET_API_TIMEOUT_SECONDS), the clients at once
 * (NET_API_CLIENTS_MAX). Nothing blocks: packets keep moving whatever a client does. What a
 * request does to the ports is left to net-ports.c. */
#pragma once

#include <glib.h>

#include "net-ports.h"

#define NET_API_SOCKET "api.sock"
#define NET_API_TIMEOUT_SECONDS 5
#define NET_API_CLIENTS_MAX 16

typedef struct NetApi NetApi;

/* Bind and listen on `name` in the directory `dfd` (borrowed; `dir_path` names it in
 * messages), replacing what a dead helper left. `ports` is borrowed. */
NetApi *net_api_new (int dfd, const char *dir_path, const char *name, NetPorts *ports,
                     GError **error);
/* Start serving in `context`. */
void net_api_attach (NetApi *api, GMainContext *context);
/* Close the socket and every client, and remove the socket file. */
void net_api_free (NetApi *api);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NetApi, net_api_free)
