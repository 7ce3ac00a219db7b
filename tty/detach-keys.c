#include "detach-keys.h"

#include <string.h>

#include "wr-error.h"

static gboolean
parse_key (const char *key, guint8 *out, GError **error)
{
  if (g_ascii_strncasecmp (key, "ctrl-", 5) == 0 && strlen (key) == 6)
    {
      char c = g_ascii_tolower (key[5]);
      if (c >= 'a' && c <= 'z')
        *out = (guint8)(c - 'a' + 1);
      else if (c == '@')
        *out = 0;
      else if (c == '[' || c == '\\' || c == ']' || c == '^' || c == '_')
        *out = (guint8)(c - '@');
      else
        return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                         "--detach-keys: \"%s\": ctrl- takes a-z, @, [, \\, ], ^ or _", key);
      return TRUE;
    }
  if (strlen (key) == 1 && g_ascii_isprint (key[0]))
    {
      *out = (guint8)key[0];
      return TRUE;
    }
  return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                   "--detach-keys: \"%s\" is not a key (one character or ctrl-<c>)", key);
}

gboolean
tty_detach_keys_parse (const char *spec, TtyDetachKeys *out_keys, GError **error)
{
  g_auto (GStrv) keys = NULL;
  TtyDetachKeys parsed = { 0 };

  if (*spec == '\0')
    {
      *out_keys = parsed;
      return TRUE;
    }
  keys = g_strsplit (spec, ",", -1);
  if (g_strv_length (keys) > TTY_DETACH_KEYS_MAX)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "--detach-keys: more than %d keys",
                     TTY_DETACH_KEYS_MAX);
  for (gsize i = 0; keys[i] != NULL; i++)
    if (!parse_key (keys[i], &parsed.seq[parsed.len++], error))
      return FALSE;
  *out_keys = parsed;
  return TRUE;
}

gboolean
tty_detach_keys_feed (TtyDetachKeys *keys, const guint8 *data, gsize len, GByteArray *out)
{
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      if (keys->len == 0)
        {
          g_byte_array_append (out, data + i, len - i);
          return FALSE;
        }
      if (c == keys->seq[keys->matched])
        {
          if (++keys->matched == keys->len)
            {
              keys->matched = 0;
              return TRUE;
            }
          continue;
        }
      /* The held-back prefix was typed for the container after all. The current byte may
       * itself start the sequence again (ctrl-p ctrl-p ctrl-q detaches after one ctrl-p). */
      if (keys->matched > 0)
        {
          g_byte_array_append (out, keys->seq, (guint)keys->matched);
          keys->matched = 0;
          if (c == keys->seq[0])
            {
              keys->matched = 1;
              if (keys->len == 1)
                {
                  keys->matched = 0;
                  return TRUE;
                }
              continue;
            }
        }
      g_byte_array_append (out, &c, 1);
    }
  return FALSE;
}
