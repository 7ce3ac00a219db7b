/* stop-point: named points of a create where a test can stop warren and kill it (SECURITY
 * 46). With WARREN_TEST_STOP_AT=NAME in its environment, warren raises SIGSTOP when it gets
 * to NAME; otherwise a point costs one getenv. The points are listed in docs/warren.1.scd. */
#pragma once

void stop_point (const char *name);
