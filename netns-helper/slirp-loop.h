/* slirp-loop: libslirp driven from a GMainContext. One GSource polls libslirp's sockets and
 * runs its timers; a second one reads frames from the tap and feeds them to slirp_input(),
 * and libslirp's send_packet writes frames back to the tap. What the network looks like
 * (addresses, published ports) is decided by the caller through net-options.h. */
#pragma once

#include <glib.h>
#include <slirp/libslirp.h>

#include "net-filter.h"
#include "net-options.h"

typedef struct SlirpLoop SlirpLoop;

/* A libslirp instance for the network of `options`. No source is attached yet: see
 * slirp_loop_attach(), which needs the tap from slirp_loop_set_tap() first. */
SlirpLoop *slirp_loop_new (const NetOptions *options, GError **error);
/* The tap that frames come from and go to (borrowed: it must outlive the loop). */
void slirp_loop_set_tap (SlirpLoop *loop, int tap_fd);
Slirp *slirp_loop_get_slirp (SlirpLoop *loop);
/* The filter of the container's frames (net-filter.h), for ports published later. */
NetFilter *slirp_loop_get_filter (SlirpLoop *loop);
/* Start moving packets in `context`. */
void slirp_loop_attach (SlirpLoop *loop, GMainContext *context);
/* Detach the sources and free libslirp, closing every socket it holds. */
void slirp_loop_free (SlirpLoop *loop);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlirpLoop, slirp_loop_free)
