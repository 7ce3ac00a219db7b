/* api-client: the commands that talk to a running helper through its API socket,
 * `publish`, `unpublish` and `list`: build the request, send it, print the answer. Which
 * helper (the run dir rules) is run-dir.c's; what the helper does, net-api.c's. */
#pragma once

#include <glib.h>

typedef enum
{
  API_CLIENT_TABLE,
  API_CLIENT_JSON,
} ApiClientFormat;

/* `base` is --run-dir or NULL. */
gboolean api_client_publish (const char *base, const char *id, const char *spec, const char *driver,
                             GError **error);
gboolean api_client_unpublish (const char *base, const char *id, const char *spec, GError **error);
gboolean api_client_list (const char *base, const char *id, ApiClientFormat format, GError **error);
