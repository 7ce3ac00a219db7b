#include <glib.h>
#include <unistd.h>

#include "userns.h"

static void
test_format (void)
{
  SpecIdMapping maps[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };
  g_autofree char *text = userns_format_map (maps, G_N_ELEMENTS (maps));

  g_assert_cmpstr (text, ==, "0 1000 1\n1 100000 65536\n");
}

static void
test_own_id_only (void)
{
  SpecIdMapping own[] = { { 0, 1000, 1 } };
  SpecIdMapping other[] = { { 0, 1001, 1 } };
  SpecIdMapping wide[] = { { 0, 1000, 2 } };
  SpecIdMapping two[] = { { 0, 1000, 1 }, { 1, 100000, 10 } };

  g_assert_true (userns_own_id_only (own, 1, 1000));
  g_assert_false (userns_own_id_only (other, 1, 1000));
  g_assert_false (userns_own_id_only (wide, 1, 1000));
  g_assert_false (userns_own_id_only (two, 2, 1000));
  g_assert_false (userns_own_id_only (NULL, 0, 1000));
}

static void
test_setgroups_allowed (void)
{
  WarrenSpec spec = { 0 };
  SpecIdMapping own_gid[] = { { 0, getegid (), 1 } };
  SpecIdMapping range[] = { { 0, getegid (), 1 }, { 1, 100000, 65536 } };

  spec.gid_mappings = own_gid;
  spec.n_gid_mappings = 1;
  /* A direct gid_map write by an unprivileged user requires setgroups "deny". */
  g_assert_false (userns_setgroups_allowed (&spec, TRUE));
  g_assert_true (userns_setgroups_allowed (&spec, FALSE));
  spec.gid_mappings = range;
  spec.n_gid_mappings = 2;
  g_assert_true (userns_setgroups_allowed (&spec, TRUE));
}

static void
test_map_matches (void)
{
  SpecIdMapping maps[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };

  /* The kernel pads the columns. */
  g_assert_true (userns_map_matches ("         0       1000          1\n"
                                     "         1     100000      65536\n",
                                     maps, 2));
  g_assert_false (userns_map_matches ("         0       1000          1\n", maps, 2));
  g_assert_false (userns_map_matches ("         1     100000      65536\n"
                                      "         0       1000          1\n",
                                      maps, 2));
  g_assert_false (userns_map_matches ("0 1000 1\n1 100000 65535\n", maps, 2));
  g_assert_false (userns_map_matches ("0 1000 1\n1 100000 65536\n2 200000 1\n", maps, 2));
  g_assert_false (userns_map_matches ("garbage\n", maps, 2));
  g_assert_true (userns_map_matches ("", NULL, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/userns/format", test_format);
  g_test_add_func ("/userns/own-id-only", test_own_id_only);
  g_test_add_func ("/userns/setgroups-allowed", test_setgroups_allowed);
  g_test_add_func ("/userns/map-matches", test_map_matches);
  return g_test_run ();
}
