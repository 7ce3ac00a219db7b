/* wr-error: the WARREN_ERROR domain and the helpers that turn errno into a GError.
 * Callers decide the message; printing errors is left to each program's main(). */
#pragma once

#include <glib.h>

#define WARREN_ERROR (wr_error_quark ())

typedef enum
{
  WARREN_ERROR_FAILED,
  WARREN_ERROR_INVALID_CONFIG,
  WARREN_ERROR_INVALID_ARGUMENT,
  WARREN_ERROR_INVALID_ID,
  WARREN_ERROR_EXISTS,
  WARREN_ERROR_NOT_FOUND,
  WARREN_ERROR_BAD_STATE,
  WARREN_ERROR_NOT_SUPPORTED,
  WARREN_ERROR_HELPER,
  WARREN_ERROR_INIT,
} WarrenErrorCode;

GQuark wr_error_quark (void);

/* Set a G_IO_ERROR from errno with "<message>: <strerror>". Always returns FALSE,
 * so a gboolean function can `return wr_throw_errno (error, "open %s", path);`. */
gboolean wr_throw_errno (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* The same with an explicit errno value. */
gboolean wr_throw_errno_value (GError **error, int errsv, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

/* Set a WARREN_ERROR. Always returns FALSE. */
gboolean wr_throw (GError **error, WarrenErrorCode code, const char *format, ...)
    G_GNUC_PRINTF (3, 4);
