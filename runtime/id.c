#include "id.h"

#include <string.h>

#include "wr-error.h"

gboolean
id_validate (const char *id, GError **error)
{
  gsize len = strlen (id);

  if (len == 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ID, "container id must not be empty");
  if (len > ID_MAX_LENGTH)
    return wr_throw (error, WARREN_ERROR_INVALID_ID,
                     "container id is %zu bytes long, the limit is %d", len, ID_MAX_LENGTH);
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ID, "container id must not be \"%s\"", id);
  if (id[0] == '-')
    return wr_throw (error, WARREN_ERROR_INVALID_ID,
                     "container id must not start with '-'");
  for (const unsigned char *p = (const unsigned char *) id; *p != '\0'; p++)
    {
      if (*p == '/')
        return wr_throw (error, WARREN_ERROR_INVALID_ID, "container id must not contain '/'");
      if (*p < 0x20 || *p == 0x7f)
        return wr_throw (error, WARREN_ERROR_INVALID_ID,
                         "container id must not contain control characters (byte 0x%02x at "
                         "offset %td)", *p, (const char *) p - id);
    }
  return TRUE;
}
