#include <glib.h>
#include <string.h>

#include "name.h"

static void
assert_name (const char *payload, gsize len, const char *expected)
{
  g_autofree char *name = tty_name_from_payload ((const guint8 *) payload, len);

  g_assert_cmpstr (name, ==, expected);
}

static void
test_plain (void)
{
  assert_name ("c1", 2, "c1");
  assert_name ("my-box_2.0+x", 12, "my-box_2.0+x");
  assert_name ("c1\0", 3, "c1");
}

static void
test_escaped (void)
{
  assert_name ("a\x1b]0;t\x07", 7, "a\\x1b]0;t\\x07");
  assert_name ("a\nb\tc\x7f", 6, "a\\x0ab\\x09c\\x7f");
  assert_name ("a/b\\c", 5, "a\\x2fb\\x5cc");
  assert_name ("caf\xc3\xa9", 5, "caf\\xc3\\xa9");
  assert_name ("a\0b", 3, "a\\x00b");
}

static void
test_no_name (void)
{
  assert_name ("", 0, NULL);
  assert_name ("\0", 1, NULL);
  assert_name ("/dev/ptmx", 9, NULL);
  assert_name (".", 1, NULL);
  assert_name ("..", 2, NULL);
}

static void
test_length_limit (void)
{
  g_autofree char *payload = g_strnfill (1000, 'a');
  g_autofree char *expected = g_strnfill (TTY_NAME_MAX_PAYLOAD, 'a');
  g_autofree char *controls = g_strnfill (1000, '\x01');
  g_autofree char *name = tty_name_from_payload ((const guint8 *) controls, 1000);

  assert_name (payload, 1000, expected);
  /* Escaping at most quadruples the cut payload. */
  g_assert_cmpuint (strlen (name), ==, 4 * TTY_NAME_MAX_PAYLOAD);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tty/name/plain", test_plain);
  g_test_add_func ("/tty/name/escaped", test_escaped);
  g_test_add_func ("/tty/name/no-name", test_no_name);
  g_test_add_func ("/tty/name/length-limit", test_length_limit);
  return g_test_run ();
}
