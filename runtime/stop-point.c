#include "stop-point.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

void
stop_point (const char *name)
{
  const char *want = getenv ("WARREN_TEST_STOP_AT");

  if (want != NULL && strcmp (want, name) == 0)
    (void) raise (SIGSTOP);
}
