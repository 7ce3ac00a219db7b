/* name: session names made from the payload a runtime sends beside the pty master (the
 * container id). Untrusted bytes become a bounded, printable name; choosing a unique name
 * among the sessions is left to server.c. */
#pragma once

#include <glib.h>

/* Payload bytes beyond this are cut off before escaping. */
#define TTY_NAME_MAX_PAYLOAD 128

/* Bytes outside printable ASCII, '\' and '/' become \xNN, so a name is safe to print, to
 * use as a file name and to type. Trailing NULs are dropped. Returns NULL when the payload
 * names nothing: empty, or a path (runc sends "/dev/ptmx", not the container id). */
char *tty_name_from_payload (const guint8 *payload, gsize len);
