#include <glib.h>
#include <string.h>

#include "detach-keys.h"
#include "wr-error.h"

static TtyDetachKeys
parse (const char *spec)
{
  TtyDetachKeys keys;
  g_autoptr (GError) error = NULL;

  g_assert_true (tty_detach_keys_parse (spec, &keys, &error));
  g_assert_no_error (error);
  return keys;
}

static void
test_parse (void)
{
  TtyDetachKeys keys = parse ("ctrl-p,ctrl-q");

  g_assert_cmpmem (keys.seq, keys.len, "\x10\x11", 2);
  keys = parse ("ctrl-@,ctrl-[,ctrl-_,a,CTRL-A");
  g_assert_cmpmem (keys.seq, keys.len, "\x00\x1b\x1f" "a\x01", 5);
  keys = parse ("");
  g_assert_cmpuint (keys.len, ==, 0);
}

static void
test_parse_rejected (void)
{
  const char *bad[] = { "ctrl-1", "ctrl-", "ab", "ctrl-p,", ",", "\x01", NULL };

  for (gsize i = 0; bad[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      TtyDetachKeys keys;
      g_assert_false (tty_detach_keys_parse (bad[i], &keys, &error));
      g_assert_error (error, WARREN_ERROR, WARREN_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "--detach-keys"));
    }
}

/* Feed `input` split at every `split` bytes; returns what was forwarded and whether it
 * detached. */
static gboolean
feed (const char *spec, const char *input, gsize input_len, gsize split, GByteArray *out)
{
  TtyDetachKeys keys = parse (spec);

  for (gsize off = 0; off < input_len; off += split)
    if (tty_detach_keys_feed (&keys, (const guint8 *) input + off, MIN (split, input_len - off),
                              out))
      return TRUE;
  return FALSE;
}

static void
test_feed (void)
{
  for (gsize split = 1; split <= 8; split++)
    {
      g_autoptr (GByteArray) out = g_byte_array_new ();

      /* Plain text passes. */
      g_assert_false (feed ("ctrl-p,ctrl-q", "hello", 5, split, out));
      g_assert_cmpmem (out->data, out->len, "hello", 5);

      /* The sequence detaches and is not forwarded, whatever the split. */
      g_byte_array_set_size (out, 0);
      g_assert_true (feed ("ctrl-p,ctrl-q", "ab\x10\x11" "cd", 6, split, out));
      g_assert_cmpmem (out->data, out->len, "ab", 2);

      /* A prefix that is not continued is forwarded. */
      g_byte_array_set_size (out, 0);
      g_assert_false (feed ("ctrl-p,ctrl-q", "\x10x\x10", 3, split, out));
      g_assert_cmpmem (out->data, out->len, "\x10x", 2);

      /* ctrl-p ctrl-p ctrl-q: the first ctrl-p is typed, then the sequence detaches. */
      g_byte_array_set_size (out, 0);
      g_assert_true (feed ("ctrl-p,ctrl-q", "\x10\x10\x11", 3, split, out));
      g_assert_cmpmem (out->data, out->len, "\x10", 1);

      /* Disabled: everything passes. */
      g_byte_array_set_size (out, 0);
      g_assert_false (feed ("", "\x10\x11", 2, split, out));
      g_assert_cmpmem (out->data, out->len, "\x10\x11", 2);

      /* One key. */
      g_byte_array_set_size (out, 0);
      g_assert_true (feed ("ctrl-a", "xy\x01z", 4, split, out));
      g_assert_cmpmem (out->data, out->len, "xy", 2);
    }
}

/* A held-back prefix survives between calls: the split-read case as the attach client
 * meets it. */
static void
test_held_across_calls (void)
{
  TtyDetachKeys keys = parse ("ctrl-p,ctrl-q");
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_false (tty_detach_keys_feed (&keys, (const guint8 *) "\x10", 1, out));
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_true (tty_detach_keys_feed (&keys, (const guint8 *) "\x11", 1, out));
  g_assert_cmpuint (out->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tty/detach-keys/parse", test_parse);
  g_test_add_func ("/tty/detach-keys/parse-rejected", test_parse_rejected);
  g_test_add_func ("/tty/detach-keys/feed", test_feed);
  g_test_add_func ("/tty/detach-keys/held-across-calls", test_held_across_calls);
  return g_test_run ();
}
