/* id: container id rules, checked before any filesystem access.
 * Where the id's state lives is left to state.c. */
#pragma once

#include <glib.h>

#define ID_MAX_LENGTH 1024

/* Non-empty, at most 1024 bytes, no '/', not "." or "..", no control characters (bytes below
 * 0x20 and 0x7f), and not starting with '-' (it would read as a flag in engines' logs). */
gboolean id_validate (const char *id, GError **error);
