/* linux.intelRdt against a stand-in resctrl tree in a temporary directory: the runtime-spec's
 * rules for closID, the schemata written or compared, cleanup after a failed join. The kernel's
 * side (a new group's files appearing on mkdir) cannot be imitated, so a group warren creates
 * here fails at its first write: that exercises the cleanup. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "resctrl.h"
#include "wr-error.h"

static void
test_schema_text (void)
{
  SpecIntelRdt l3 = { .l3_cache_schema = "L3:0=7f0;1=1f" };
  SpecIntelRdt mb = { .mem_bw_schema = "MB:0=20;1=70" };
  SpecIntelRdt both = { .l3_cache_schema = "L3:0=7f0\nMB:0=100", .mem_bw_schema = "MB:0=20" };
  SpecIntelRdt none = { .schemata = "L2:0=f" };
  g_autofree char *a = resctrl_schema_text (&l3);
  g_autofree char *b = resctrl_schema_text (&mb);
  g_autofree char *c = resctrl_schema_text (&both);

  g_assert_cmpstr (a, ==, "L3:0=7f0;1=1f\n");
  g_assert_cmpstr (b, ==, "MB:0=20;1=70\n");
  /* An MB: line of l3CacheSchema gives way to memBwSchema. */
  g_assert_cmpstr (c, ==, "L3:0=7f0\nMB:0=20\n");
  g_assert_null (resctrl_schema_text (&none));
}

static void
test_schemata_match (void)
{
  const char *kernel = "    L3:0=007f0;1=0001f\n    MB:0=  20;1=  70\n";

  g_assert_true (resctrl_schemata_match (kernel, "L3:0=7f0;1=1f\n"));
  g_assert_true (resctrl_schemata_match (kernel, "MB:1=70\nL3:1=1f"));
  g_assert_false (resctrl_schemata_match (kernel, "L3:0=7ff\n"));
  g_assert_false (resctrl_schemata_match (kernel, "L3:2=1\n"));
  g_assert_false (resctrl_schemata_match (kernel, "L2:0=f\n"));
  g_assert_false (resctrl_schemata_match (kernel, "garbage\n"));
}

typedef struct
{
  char *path;
  int fd;
} FakeRoot;

static void
fake_root_init (FakeRoot *root)
{
  g_autoptr (GError) error = NULL;

  root->path = g_dir_make_tmp ("warren-resctrl.XXXXXX", &error);
  g_assert_no_error (error);
  root->fd = open (root->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  g_assert_cmpint (root->fd, >=, 0);
  g_assert_cmpint (mkdirat (root->fd, "info", 0755), ==, 0);
}

static void
fake_root_clear (FakeRoot *root)
{
  const char *const rm[] = { "rm", "-rf", root->path, NULL };
  g_assert_true (g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, NULL));
  close (root->fd);
  g_free (root->path);
}

/* A group as the kernel shows one: a directory with schemata and tasks. */
static void
fake_group (FakeRoot *root, const char *name, const char *schemata)
{
  g_autofree char *dir = g_build_filename (root->path, name, NULL);
  g_autofree char *s = g_build_filename (dir, "schemata", NULL);
  g_autofree char *t = g_build_filename (dir, "tasks", NULL);

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (s, schemata, -1, NULL));
  g_assert_true (g_file_set_contents (t, "", -1, NULL));
}

static char *
fake_read (FakeRoot *root, const char *rel)
{
  g_autofree char *path = g_build_filename (root->path, rel, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static void
test_preconfigured_clos (void)
{
  FakeRoot root;
  SpecIntelRdt rdt = { .clos_id = "gold" };
  g_autoptr (GError) error = NULL;
  g_autoptr (ResctrlGroup) group = NULL;
  g_autofree char *tasks = NULL, *schemata = NULL;

  fake_root_init (&root);
  fake_group (&root, "gold", "L3:0=00ff\n");
  group = resctrl_join (root.fd, &rdt, "c1", 4242, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (group->group, ==, "gold");
  g_assert_false (group->created);
  tasks = fake_read (&root, "gold/tasks");
  g_assert_cmpstr (tasks, ==, "4242");
  /* No schema asked for: none written. */
  schemata = fake_read (&root, "gold/schemata");
  g_assert_cmpstr (schemata, ==, "L3:0=00ff\n");
  /* Leaving a group warren did not make keeps it. */
  g_assert_true (resctrl_leave (root.fd, group, &error));
  g_free (schemata);
  schemata = fake_read (&root, "gold/schemata");
  g_assert_nonnull (schemata);
  fake_root_clear (&root);
}

static void
test_missing_clos_without_schema (void)
{
  FakeRoot root;
  SpecIntelRdt rdt = { .clos_id = "gold" };
  g_autoptr (GError) error = NULL;
  g_autofree char *gone = NULL;

  fake_root_init (&root);
  g_assert_null (resctrl_join (root.fd, &rdt, "c1", 4242, &error));
  g_assert_error (error, WARREN_ERROR, WARREN_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "linux.intelRdt.closID: no group"));
  gone = g_build_filename (root.path, "gold", NULL);
  g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
  fake_root_clear (&root);
}

static void
test_existing_clos_schema_compared (void)
{
  FakeRoot root;
  SpecIntelRdt same = { .clos_id = "gold", .l3_cache_schema = "L3:0=ff" };
  SpecIntelRdt other = { .clos_id = "gold", .l3_cache_schema = "L3:0=f0" };
  g_autoptr (GError) error = NULL;
  g_autoptr (ResctrlGroup) group = NULL;
  g_autofree char *schemata = NULL;

  fake_root_init (&root);
  fake_group (&root, "gold", "    L3:0=000ff\n");
  group = resctrl_join (root.fd, &same, "c1", 7, &error);
  g_assert_no_error (error);
  g_assert_nonnull (group);
  g_assert_null (resctrl_join (root.fd, &other, "c2", 8, &error));
  g_assert_error (error, WARREN_ERROR, WARREN_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "the existing group gold has other schemata"));
  /* Compared, never overwritten, and the group stays. */
  schemata = fake_read (&root, "gold/schemata");
  g_assert_cmpstr (schemata, ==, "    L3:0=000ff\n");
  fake_root_clear (&root);
}

static void
test_failed_new_group_is_removed (void)
{
  FakeRoot root;
  SpecIntelRdt rdt = { .l3_cache_schema = "L3:0=ff" };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;

  fake_root_init (&root);
  /* mkdir of c1 works, but no kernel makes c1/schemata appear: the write fails. */
  g_assert_null (resctrl_join (root.fd, &rdt, "c1", 9, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "c1/schemata"));
  dir = g_build_filename (root.path, "c1", NULL);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  fake_root_clear (&root);
}

static void
test_group_of_the_id_exists (void)
{
  FakeRoot root;
  SpecIntelRdt rdt = { .l3_cache_schema = "L3:0=ff" };
  g_autoptr (GError) error = NULL;

  fake_root_init (&root);
  fake_group (&root, "c1", "L3:0=ff\n");
  g_assert_null (resctrl_join (root.fd, &rdt, "c1", 9, &error));
  g_assert_error (error, WARREN_ERROR, WARREN_ERROR_EXISTS);
  fake_root_clear (&root);
}

static void
test_monitoring_needs_support (void)
{
  FakeRoot root;
  SpecIntelRdt rdt = { .clos_id = "gold", .enable_mbm = TRUE };
  g_autoptr (GError) error = NULL;
  g_autofree char *tasks = NULL;

  fake_root_init (&root);
  fake_group (&root, "gold", "L3:0=ff\n");
  g_assert_null (resctrl_join (root.fd, &rdt, "c1", 9, &error));
  g_assert_error (error, WARREN_ERROR, WARREN_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "linux.intelRdt.enableMBM"));
  tasks = fake_read (&root, "gold/tasks");
  g_assert_cmpstr (tasks, ==, "");
  fake_root_clear (&root);
}

static void
test_join_self_fds (void)
{
  FakeRoot root;
  ResctrlGroup group = { .group = "gold", .mon_group = NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *tasks = NULL;
  int fds[2];

  fake_root_init (&root);
  fake_group (&root, "gold", "L3:0=ff\n");
  g_assert_true (resctrl_open_tasks (root.fd, &group, fds, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fds[1], ==, -1);
  g_assert_true (resctrl_join_self (fds, &error));
  close (fds[0]);
  tasks = fake_read (&root, "gold/tasks");
  g_assert_cmpstr (tasks, ==, "0");
  fake_root_clear (&root);
}

static void
test_open_root_here (void)
{
  g_autoptr (GError) error = NULL;
  int fd = resctrl_open_root (&error);

  if (fd >= 0)
    {
      close (fd);
      g_test_skip ("this host has resctrl");
      return;
    }
  g_assert_error (error, WARREN_ERROR, WARREN_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "linux.intelRdt: "));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/resctrl/schema-text", test_schema_text);
  g_test_add_func ("/resctrl/schemata-match", test_schemata_match);
  g_test_add_func ("/resctrl/preconfigured-clos", test_preconfigured_clos);
  g_test_add_func ("/resctrl/missing-clos-without-schema", test_missing_clos_without_schema);
  g_test_add_func ("/resctrl/existing-clos-schema-compared", test_existing_clos_schema_compared);
  g_test_add_func ("/resctrl/failed-new-group-is-removed", test_failed_new_group_is_removed);
  g_test_add_func ("/resctrl/group-of-the-id-exists", test_group_of_the_id_exists);
  g_test_add_func ("/resctrl/monitoring-needs-support", test_monitoring_needs_support);
  g_test_add_func ("/resctrl/join-self-fds", test_join_self_fds);
  g_test_add_func ("/resctrl/open-root-here", test_open_root_here);
  return g_test_run ();
}
