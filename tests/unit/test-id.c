#include <glib.h>
#include <string.h>

#include "id.h"
#include "wr-error.h"

static void
assert_rejected (const char *id, const char *fragment)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (id_validate (id, &error));
  g_assert_error (error, WARREN_ERROR, WARREN_ERROR_INVALID_ID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("id \"%s\": message \"%s\" lacks \"%s\"", id, error->message, fragment);
}

static void
test_valid (void)
{
  g_autofree char *longest = g_strnfill (ID_MAX_LENGTH, 'a');

  g_assert_true (id_validate ("c1", NULL));
  g_assert_true (id_validate ("a.b-c_d", NULL));
  g_assert_true (id_validate ("...", NULL));
  g_assert_true (id_validate (longest, NULL));
}

static void
test_rejected (void)
{
  g_autofree char *too_long = g_strnfill (ID_MAX_LENGTH + 1, 'a');

  assert_rejected ("", "empty");
  assert_rejected (".", "\".\"");
  assert_rejected ("..", "\"..\"");
  assert_rejected ("a/b", "'/'");
  assert_rejected ("/abs", "'/'");
  assert_rejected ("-x", "'-'");
  assert_rejected ("a\nb", "control");
  assert_rejected ("a\tb", "control");
  assert_rejected ("a\x7f", "control");
  assert_rejected (too_long, "1025 bytes");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/id/valid", test_valid);
  g_test_add_func ("/id/rejected", test_rejected);
  return g_test_run ();
}
