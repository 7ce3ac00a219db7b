/* spec-default: the config.json that `warren spec` writes, for root and rootless containers.
 * Reading configs is left to spec.c. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "subid.h"

typedef struct
{
  gboolean rootless;
  const char *const *args; /* NULL for the default ["sh"] */
  /* Rootless: subordinate ranges mapped from container id 1 on, after the own id as 0. */
  const SubidRange *subuid, *subgid;
} SpecDefaultOptions;

/* The default config as a JSON tree. */
JsonNode *spec_default_generate (const SpecDefaultOptions *options);
/* Add the member "seccomp": the default profile (spec-default-seccomp.c). */
void spec_default_add_seccomp (JsonBuilder *b);
