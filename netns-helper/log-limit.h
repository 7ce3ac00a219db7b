/* log-limit: the helper's messages through a token bucket, so that a container cannot fill
 * the log by sending bad frames (libslirp warns once per frame). A burst passes, then a few
 * messages a second; what is dropped is counted and said once messages pass again. */
#pragma once

#include <glib.h>

typedef struct
{
  double tokens;
  gint64 last_us;      /* monotonic time of the last refill */
  guint burst;         /* the bucket's size */
  guint per_second;    /* refill rate */
  guint64 suppressed;  /* dropped since the last message that passed */
} LogBucket;

void log_bucket_init (LogBucket *bucket, guint burst, guint per_second, gint64 now_us);
/* Whether a message at now_us may pass. When it may and messages were dropped before it,
 * *out_suppressed gets their number (and the count starts again), else 0. */
gboolean log_bucket_take (LogBucket *bucket, gint64 now_us, guint64 *out_suppressed);

/* Route every GLib log message of this process (libslirp's included) through a bucket of
 * `burst` messages refilled at `per_second`. Call once, before the first message. */
void log_limit_install (guint burst, guint per_second);
