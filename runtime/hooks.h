/* hooks: running OCI hooks. Each hook gets the container's state JSON on stdin, its own args
 * and env, and at most `timeout` seconds. Its stdout and stderr go to a bounded buffer for the
 * error message, and warren reads only until the hook exits: a background child that keeps the
 * pipe open cannot hang warren. Where and when each stage runs is decided by the callers
 * (launch.c, init.c, container.c). */
#pragma once

#include <glib.h>

#include "spec.h"

/* Run every hook of `stage` in order; the first failure stops and is the error, named
 * "hooks.<stage>[i]: <path> ...". */
gboolean hooks_run (const SpecHooks *hooks, SpecHookStage stage, const char *state_json,
                    GError **error);
/* The same for poststart and poststop, whose failures are warnings: every hook runs. */
void hooks_run_warn (const SpecHooks *hooks, SpecHookStage stage, const char *state_json);
