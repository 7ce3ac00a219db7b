/* wr_json_write_atomic_full: the file is replaced whole either way; only
 * WR_JSON_WRITE_DURABLE waits for the disk. A seccomp filter that fails every fsync shows which
 * calls make one: warren-netns writes net.json on the container's start-up path and from its
 * main loop, where a flush would hold up the container or every packet, and warren writes
 * state.json at every create, start and delete. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "state.h"
#include "wr-glib-compat.h"
#include "wr-json.h"

static void
fail_fsync (void)
{
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);

  g_assert_nonnull (ctx);
  g_assert_cmpint (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), ==, 0);
  g_assert_cmpint (seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EIO), SCMP_SYS (fsync), 0), ==, 0);
  g_assert_cmpint (seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EIO), SCMP_SYS (fdatasync), 0), ==, 0);
  g_assert_cmpint (seccomp_load (ctx), ==, 0);
  seccomp_release (ctx);
}

static JsonNode *
sample (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
write_in_child (WrJsonWriteFlags flags)
{
  g_autofree char *dir = g_dir_make_tmp ("warren-json-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "net.json", NULL);
  g_autofree char *data = NULL;
  g_autoptr (JsonNode) node = sample ();
  g_autoptr (GError) error = NULL;
  g_autofd int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok;

  g_assert_cmpint (dfd, >=, 0);
  fail_fsync ();
  ok = wr_json_write_atomic_full (dfd, "net.json", node, flags, &error);
  if (ok)
    {
      g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
      g_assert_cmpstr (data, ==, "{\"version\":1}");
      g_print ("written\n");
    }
  else
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, "net.json"));
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      g_print ("refused: %s\n", error->message);
    }
  (void) g_unlink (path);
  (void) g_rmdir (dir);
}

typedef struct
{
  WrJsonWriteFlags flags;
  const char *stdout_pattern;
} WriteCase;

static void
test_write (gconstpointer data)
{
  const WriteCase *c = data;

  if (g_test_subprocess ())
    {
      write_in_child (c->flags);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout (c->stdout_pattern);
}

/* state.json: written without an fsync (state_write()). */
static void
test_state_write (void)
{
  g_autofree char *root = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  g_autofd int root_fd = -1;
  StateDir *dir;
  ContainerState state = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stdout ("written\n");
      return;
    }
  root = g_dir_make_tmp ("warren-state-XXXXXX", NULL);
  root_fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  g_assert_cmpint (root_fd, >=, 0);
  dir = state_dir_create (root_fd, "c1", &error);
  g_assert_no_error (error);
  state.id = (char *) "c1";
  state.oci_version = (char *) "1.2.0";
  state.pid = 1;
  state.bundle = (char *) "/b";
  state.rootfs = (char *) "/b/rootfs";
  state.created = (char *) "2026-12-02T00:00:00Z";
  fail_fsync ();
  g_assert_true (state_write (dir, &state, &error));
  g_assert_no_error (error);
  path = g_build_filename (root, "c1", "state.json", NULL);
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_nonnull (strstr (data, "\"id\":\"c1\""));
  g_assert_true (state_dir_remove (dir, &error));
  g_assert_no_error (error);
  state_dir_free (dir);
  (void) g_rmdir (root);
  g_print ("written\n");
}

int
main (int argc, char **argv)
{
  static const WriteCase not_durable = { WR_JSON_WRITE_NONE, "written\n" };
  static const WriteCase durable = { WR_JSON_WRITE_DURABLE, "refused: write net.json: *\n" };

  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/json/write-atomic/not-durable-makes-no-fsync", &not_durable, test_write);
  g_test_add_data_func ("/json/write-atomic/durable-needs-fsync", &durable, test_write);
  g_test_add_func ("/json/write-atomic/state-json-makes-no-fsync", test_state_write);
  return g_test_run ();
}
