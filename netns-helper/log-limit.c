#include "log-limit.h"

void
log_bucket_init (LogBucket *bucket, guint burst, guint per_second, gint64 now_us)
{
  bucket->tokens = burst;
  bucket->last_us = now_us;
  bucket->burst = burst;
  bucket->per_second = per_second;
  bucket->suppressed = 0;
}

gboolean
log_bucket_take (LogBucket *bucket, gint64 now_us, guint64 *out_suppressed)
{
  if (now_us > bucket->last_us)
    {
      bucket->tokens += (double) (now_us - bucket->last_us) * bucket->per_second / G_USEC_PER_SEC;
      if (bucket->tokens > bucket->burst)
        bucket->tokens = bucket->burst;
      bucket->last_us = now_us;
    }
  *out_suppressed = 0;
  if (bucket->tokens < 1)
    {
      bucket->suppressed++;
      return FALSE;
    }
  bucket->tokens -= 1;
  *out_suppressed = bucket->suppressed;
  bucket->suppressed = 0;
  return TRUE;
}

static LogBucket bucket;

static GLogWriterOutput
limited_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  guint64 suppressed;

  /* Fatal errors always pass, and debug messages are GLib's to filter (G_MESSAGES_DEBUG):
   * neither takes from the bucket. */
  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_DEBUG)) != 0)
    return g_log_writer_default (level, fields, n_fields, data);
  if (!log_bucket_take (&bucket, g_get_monotonic_time (), &suppressed))
    return G_LOG_WRITER_HANDLED;
  if (suppressed > 0)
    {
      g_autofree char *note = g_strdup_printf ("%" G_GUINT64_FORMAT " messages suppressed "
                                               "(more than %u a second)",
                                               suppressed, bucket.per_second);
      const GLogField note_fields[] = {
        { "MESSAGE", note, -1 },
        { "GLIB_DOMAIN", "warren-netns", -1 },
        { "PRIORITY", "4", -1 },
      };
      (void) g_log_writer_default (G_LOG_LEVEL_WARNING, note_fields,
                                   G_N_ELEMENTS (note_fields), data);
    }
  return g_log_writer_default (level, fields, n_fields, data);
}

void
log_limit_install (guint burst, guint per_second)
{
  log_bucket_init (&bucket, burst, per_second, g_get_monotonic_time ());
  g_log_set_writer_func (limited_writer, NULL, NULL);
}
