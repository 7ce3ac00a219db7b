#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wr-error.h"

static int log_fd = -1;
static LogFormat log_format = LOG_FORMAT_TEXT;
static gboolean log_debug_enabled = FALSE;

gboolean
log_setup (const char *path, const char *format, gboolean debug, GError **error)
{
  log_debug_enabled = debug;
  if (format == NULL || strcmp (format, "text") == 0)
    log_format = LOG_FORMAT_TEXT;
  else if (strcmp (format, "json") == 0)
    log_format = LOG_FORMAT_JSON;
  else
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--log-format: must be \"text\" or \"json\", not \"%s\"", format);
  if (path != NULL && *path != '\0')
    {
      log_fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
      if (log_fd < 0)
        return wr_throw_errno (error, "--log: open %s", path);
    }
  return TRUE;
}

static void
write_entry (int fd, const char *level, const char *message, gboolean json)
{
  g_autofree char *line = NULL;

  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *time = g_date_time_format_iso8601 (now);
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "level");
      json_builder_add_string_value (b, level);
      json_builder_set_member_name (b, "msg");
      json_builder_add_string_value (b, message);
      json_builder_set_member_name (b, "time");
      json_builder_add_string_value (b, time);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      line = g_strdup_printf ("%s\n", text);
    }
  else
    line = g_strdup_printf ("warren: %s%s%s\n", strcmp (level, "error") == 0 ? "" : level,
                            strcmp (level, "error") == 0 ? "" : ": ", message);
  /* A log line that cannot be written has nowhere better to go. */
  if (write (fd, line, strlen (line)) < 0)
    return;
}

static void
log_at (const char *level, const char *format, va_list args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  if (log_fd >= 0)
    write_entry (log_fd, level, message, log_format == LOG_FORMAT_JSON);
  else
    write_entry (STDERR_FILENO, level, message, FALSE);
}

void
log_warning (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  log_at ("warning", format, args);
  va_end (args);
}

gboolean
log_debug_on (void)
{
  return log_debug_enabled;
}

void
log_debug (const char *format, ...)
{
  va_list args;

  if (!log_debug_enabled)
    return;
  va_start (args, format);
  log_at ("debug", format, args);
  va_end (args);
}

void
log_error (const char *message)
{
  write_entry (STDERR_FILENO, "error", message, FALSE);
  if (log_fd >= 0)
    write_entry (log_fd, "error", message, log_format == LOG_FORMAT_JSON);
}
