/* net-state: the OCI state JSON a hook gets on stdin, read into a struct: the container's
 * id, init pid, bundle and annotations. What to do with them is left to main.c. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#define NET_STATE_MAX (1024 * 1024)

typedef struct
{
  char *id;
  int pid;
  char *bundle;
  JsonObject *annotations; /* never NULL; empty when the state has none */
} NetState;

/* Read and check the state from `fd` (at most NET_STATE_MAX bytes). */
NetState *net_state_read (int fd, GError **error);
void net_state_free (NetState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NetState, net_state_free)

/* An id usable as a file name: not empty, no '/', not "." or "..", at most 1024 bytes. */
gboolean net_state_id_valid (const char *id);
