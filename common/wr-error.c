#include "wr-error.h"

#include <errno.h>
#include <gio/gio.h>
#include <string.h>

G_DEFINE_QUARK (warren-error-quark, wr_error)

static gboolean
throw_errno_va (GError **error, int errsv, const char *format, va_list args)
{
  g_autofree char *msg = g_strdup_vprintf (format, args);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s: %s", msg,
               g_strerror (errsv));
  return FALSE;
}

gboolean
wr_throw_errno (GError **error, const char *format, ...)
{
  int errsv = errno;
  va_list args;

  va_start (args, format);
  throw_errno_va (error, errsv, format, args);
  va_end (args);
  errno = errsv;
  return FALSE;
}

gboolean
wr_throw_errno_value (GError **error, int errsv, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  throw_errno_va (error, errsv, format, args);
  va_end (args);
  return FALSE;
}

gboolean
wr_throw (GError **error, WarrenErrorCode code, const char *format, ...)
{
  va_list args;

  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, WARREN_ERROR, code, msg);
  return FALSE;
}
