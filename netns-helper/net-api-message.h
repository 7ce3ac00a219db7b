/* net-api-message: the JSON lines of warren-netns's API socket. Parses one request line into
 * a struct, every field checked and named in the error, and builds the replies and the JSON
 * form of a published port (also what the run dir's net.json keeps). Serving the socket is
 * left to net-api.c, acting on a request to net-ports.c. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <netinet/in.h>

#include "net-options.h"
#include "wr-json.h"

/* The longest request line, its newline included. */
#define NET_API_REQUEST_MAX 4096

/* One published port as the API and net.json show it. */
typedef struct
{
  NetPortDriver driver;
  NetProto proto;
  int family;                 /* of the host address: AF_INET (also for 0) or AF_INET6 */
  struct in_addr host_addr;   /* AF_INET */
  struct in6_addr host_addr6; /* AF_INET6 */
  guint16 host_port;
  guint16 container_port;
} NetPort;

typedef enum
{
  NET_API_PUBLISH,
  NET_API_UNPUBLISH,
  NET_API_LIST,
} NetApiOp;

typedef struct
{
  NetApiOp op;
  NetPort port;           /* publish: all of it; unpublish: proto, host_port, host_addr */
  gboolean has_driver;    /* publish: "driver" was given */
  gboolean has_host_addr; /* unpublish: "host_addr" was given (else any address matches) */
} NetApiRequest;

/* Parse one request (without its newline). Errors are WARREN_ERROR_INVALID_CONFIG,
 * "request: FIELD: reason". */
gboolean net_api_request_parse (const char *line, gsize len, NetApiRequest *out_request,
                                GError **error);

/* A port object ("driver", "proto", "host_addr", "host_port", "container_port"): every
 * field required. */
gboolean net_port_from_json (const WrJsonCursor *cursor, NetPort *out_port, GError **error);
JsonNode *net_port_to_json (const NetPort *port);
/* "127.0.0.1:8080:80/tcp" or "[::1]:8080:80/tcp", for messages. */
char *net_port_to_string (const NetPort *port);
/* The host address of a port as text ("0.0.0.0", "::1"), and back: an IPv4 or IPv6 address
 * without brackets; FALSE for anything else. */
const char *net_port_host_text (const NetPort *port, char buf[INET6_ADDRSTRLEN]);
gboolean net_port_set_host (NetPort *port, const char *text);
gboolean net_port_same_host (const NetPort *a, const NetPort *b);
const char *net_port_driver_name (NetPortDriver driver);
const char *net_proto_name (NetProto proto);

/* The reply lines, newline included: {"ok": true[, "port": ...][, "ports": [...]]} and
 * {"error": "..."}. */
char *net_api_reply_ok (JsonNode *port, JsonNode *ports, gsize *out_len);
char *net_api_reply_error (const char *message, gsize *out_len);

/* The requests the command line builds: `publish` from a --publish spec (`driver` NULL:
 * the helper's default), `unpublish` from `[HOSTIP:]HOSTPORT[/tcp|/udp]`, and `list`. */
gboolean net_api_request_publish (const char *spec, const char *driver, JsonNode **out_request,
                                  GError **error);
gboolean net_api_request_unpublish (const char *spec, JsonNode **out_request, GError **error);
JsonNode *net_api_request_list (void);
