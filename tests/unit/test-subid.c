/* SECURITY 61: /etc/subuid read as shadow reads it, overlaps reported, and a range proposed
 * only when it overlaps no other user's. */
#include <glib.h>

#include "subid.h"

static const char *const sample =
  "# subordinate ids\n"
  "\n"
  "alice:100000:65536\n"
  "  bob:165536:65536  \n"
  "1000:300000:10\n"          /* alice again, by uid */
  "carol:200000:65536\n"      /* overlaps bob's */
  "alice:100000:65536\n"      /* a duplicate */
  "dave:x:1\n"                /* malformed */
  "erin:1:2:3\n"              /* malformed */
  "frank:4294967295:2\n"      /* past the last id */
  "gina:5:0\n"                /* empty */
  ":5:1\n";                   /* no owner */

static void
test_parse (void)
{
  g_autoptr (SubidFile) file = subid_file_parse (sample);

  g_assert_cmpuint (file->ranges->len, ==, 5);
  g_assert_cmpuint (file->problems->len, ==, 5);
  const SubidRange *bob = g_ptr_array_index (file->ranges, 1);
  g_assert_cmpstr (bob->owner, ==, "bob");
  g_assert_cmpuint (bob->start, ==, 165536);
  g_assert_cmpuint (bob->count, ==, 65536);
  g_assert_cmpuint (bob->line, ==, 4);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (file->problems, 0), "line 8: "));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (file->problems, 3), "line 11: COUNT is 0"));
}

static void
test_user_by_name_and_uid (void)
{
  g_autoptr (SubidFile) file = subid_file_parse (sample);
  g_autoptr (GPtrArray) alice = subid_user_ranges (file, "alice", 1000);
  g_autoptr (GPtrArray) nobody = subid_user_ranges (file, "zed", 4242);

  g_assert_cmpuint (alice->len, ==, 3);
  g_assert_cmpuint (((SubidRange *) g_ptr_array_index (alice, 1))->start, ==, 300000);
  g_assert_cmpuint (nobody->len, ==, 0);
}

static void
test_warnings (void)
{
  g_autoptr (SubidFile) file = subid_file_parse (sample);
  g_autoptr (GPtrArray) alice = subid_user_warnings (file, "alice", 1000);
  g_autoptr (GPtrArray) bob = subid_user_warnings (file, "bob", 1001);

  g_assert_cmpuint (alice->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (alice, 0), ==, "line 7 repeats line 3");
  g_assert_cmpuint (bob->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (bob, 0), ==,
                   "line 4: 165536-231071 overlaps line 6 of carol (200000-265535)");
}

static void
test_choose_skips_overlaps (void)
{
  g_autoptr (SubidFile) file = subid_file_parse ("bob:100000:65536\n"
                                                 "carol:150000:10\n"
                                                 "bob:500000:1000\n");
  g_autoptr (SubidFile) none = subid_file_parse ("bob:100000:65536\ncarol:100000:1\n");

  const SubidRange *chosen = subid_choose (file, "bob", 1001);
  g_assert_nonnull (chosen);
  g_assert_cmpuint (chosen->start, ==, 500000);
  g_assert_null (subid_choose (none, "bob", 1001));
  g_assert_null (subid_choose (file, "zed", 4242));
}

static void
test_missing_file_is_empty (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SubidFile) file = subid_file_load ("/nonexistent/subuid", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (file->ranges->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/subid/parse", test_parse);
  g_test_add_func ("/subid/user-by-name-and-uid", test_user_by_name_and_uid);
  g_test_add_func ("/subid/warnings", test_warnings);
  g_test_add_func ("/subid/choose-skips-overlaps", test_choose_skips_overlaps);
  g_test_add_func ("/subid/missing-file-is-empty", test_missing_file_is_empty);
  return g_test_run ();
}
