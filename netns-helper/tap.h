/* tap: the container's end of the network. A short-lived child joins the container's user
 * and network namespaces, creates tap0, gives it its address, MTU, default route and brings
 * it and lo up, then passes the tap fd back, and may stay as the companion of the TCP fast
 * path. Moving packets is left to slirp-loop.c. */
#pragma once

#include <glib.h>

#include "net-options.h"

#define TAP_NAME "tap0"

/* The child that makes tap0, between tap_start() and tap_finish(): the caller does the host's
 * side of the setup meanwhile, while the child joins the namespaces and configures the tap on
 * another CPU. */
typedef struct
{
  int sock;  /* our end of its socket */
  pid_t pid; /* until it is reaped, or has become the companion */
  gboolean companion;
} TapChild;

#define TAP_CHILD_INIT { -1, -1, FALSE }

/* Starts the child. userns_fd may be -1 (the network namespace is joined from our own user
 * namespace). With `companion`, the child stays in the namespaces as the fast path's
 * companion (companion.h) once the tap is made. */
gboolean tap_start (TapChild *t, int userns_fd, int netns_fd, const NetOptions *options,
                    gboolean companion, GError **error);
/* Waits for the child's tap fd (non-blocking, close-on-exec) and returns it, or -1 with the
 * child's error. With a companion, *out_companion is our end of its socket. */
int tap_finish (TapChild *t, int *out_companion, GError **error);
/* A child that was not finished: our end is closed, so that it exits, and it is reaped. */
void tap_child_clear (TapChild *t);
