/* client: the client side of `list` and `attach`: one request to the server and its reply.
 * What a command does with the reply is left to cmd-list.c and attach.c. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

/* Connect to `socket_path`, send `request_line` and read the one-line reply (within a few
 * seconds). Returns the connected socket; *out_reply gets the reply; bytes the server sent
 * after the reply go into `rest` when it is not NULL. */
int tty_client_request (const char *socket_path, const char *request_line, JsonNode **out_reply,
                        GByteArray *rest, GError **error);
