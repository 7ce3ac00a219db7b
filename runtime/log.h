/* log: where warren's own messages go (--log, --log-format, --debug) and the one place that
 * prints a final error. Deciding what is worth a message is left to the callers. */
#pragma once

#include <glib.h>

typedef enum
{
  LOG_FORMAT_TEXT,
  LOG_FORMAT_JSON,
} LogFormat;

gboolean log_setup (const char *path, const char *format, gboolean debug, GError **error);
void log_warning (const char *format, ...) G_GNUC_PRINTF (1, 2);
void log_debug (const char *format, ...) G_GNUC_PRINTF (1, 2);
gboolean log_debug_on (void);
/* Print "warren: <message>" to stderr and, with --log, one entry at level error. */
void log_error (const char *message);
