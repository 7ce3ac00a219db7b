#include "name.h"

char *
tty_name_from_payload (const guint8 *payload, gsize len)
{
  GString *name;

  /* A C string sent with its terminator, or a lone NUL that only carries the fd. */
  while (len > 0 && payload[len - 1] == '\0')
    len--;
  /* runc sends the master's file name (/dev/ptmx), never an id: ids have no '/'. */
  if (len == 0 || payload[0] == '/')
    return NULL;
  len = MIN (len, TTY_NAME_MAX_PAYLOAD);
  name = g_string_sized_new (len);
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = payload[i];
      if (c < 0x20 || c >= 0x7f || c == '\\' || c == '/')
        g_string_append_printf (name, "\\x%02x", c);
      else
        g_string_append_c (name, (char)c);
    }
  /* "." and ".." would name directories in a log dir. */
  if (g_str_equal (name->str, ".") || g_str_equal (name->str, ".."))
    {
      g_string_free (name, TRUE);
      return NULL;
    }
  return g_string_free (name, FALSE);
}
