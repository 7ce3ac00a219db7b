/* wr_path_mkdir_in_root: everything it creates stays inside the root, symlinks followed as
 * the container would see them. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wr-glib-compat.h"
#include "wr-path.h"

typedef struct
{
  char *top;  /* holds root/ and outside/ */
  char *root;
  char *outside;
  int root_fd;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->top = g_dir_make_tmp ("warren-path-XXXXXX", NULL);
  g_assert_nonnull (f->top);
  f->root = g_build_filename (f->top, "root", NULL);
  f->outside = g_build_filename (f->top, "outside", NULL);
  g_assert_cmpint (g_mkdir (f->root, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (f->outside, 0755), ==, 0);
  f->root_fd = open (f->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  g_assert_cmpint (f->root_fd, >=, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->top);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  close (f->root_fd);
  g_free (f->top);
  g_free (f->root);
  g_free (f->outside);
}

static gboolean
exists_in (const char *dir, const char *rel)
{
  g_autofree char *p = g_build_filename (dir, rel, NULL);
  struct stat st;
  return lstat (p, &st) == 0;
}

static void
symlink_in_root (Fixture *f, const char *target, const char *name)
{
  g_autofree char *p = g_build_filename (f->root, name, NULL);
  g_assert_cmpint (symlink (target, p), ==, 0);
}

static void
test_plain (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofd int fd = wr_path_mkdir_in_root (f->root_fd, "/a/b/c/", WR_PATH_DIR, &error);

  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (exists_in (f->root, "a/b/c"));
}

static void
test_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofd int fd = wr_path_mkdir_in_root (f->root_fd, "/d/file", WR_PATH_FILE, &error);
  struct stat st;
  g_autofree char *p = g_build_filename (f->root, "d/file", NULL);

  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (stat (p, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
}

static void
test_absolute_dangling_link (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofd int fd = -1;

  /* An absolute link to the host's "outside" dir means root/<outside> in the container. */
  symlink_in_root (f, f->outside, "abs");
  fd = wr_path_mkdir_in_root (f->root_fd, "/abs/x/y", WR_PATH_DIR, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_assert_false (exists_in (f->outside, "x"));
  {
    g_autofree char *inside = g_build_filename (f->outside + 1, "x/y", NULL);
    g_assert_true (exists_in (f->root, inside));
  }
}

static void
test_dotdot_link (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofd int fd = -1;

  symlink_in_root (f, "../../../../../../../../outside-of-root", "up");
  fd = wr_path_mkdir_in_root (f->root_fd, "/up/z", WR_PATH_DIR, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (exists_in (f->root, "outside-of-root/z"));
  g_assert_false (exists_in (f->top, "outside-of-root"));
}

static void
test_link_loop (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  int fd;

  symlink_in_root (f, "b", "a");
  symlink_in_root (f, "a", "b");
  fd = wr_path_mkdir_in_root (f->root_fd, "/a/x", WR_PATH_DIR, &error);
  g_assert_cmpint (fd, <, 0);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/a/x"));
}

static void
test_dangling_chain (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofd int fd = -1;

  /* l1 -> l2 -> /real: both links dangle until /real is made. */
  symlink_in_root (f, "l2", "l1");
  symlink_in_root (f, "/real", "l2");
  fd = wr_path_mkdir_in_root (f->root_fd, "/l1/sub", WR_PATH_DIR, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (exists_in (f->root, "real/sub"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/path/mkdir/plain", test_plain);
  ADD ("/path/mkdir/file", test_file);
  ADD ("/path/mkdir/absolute-dangling-link", test_absolute_dangling_link);
  ADD ("/path/mkdir/dotdot-link", test_dotdot_link);
  ADD ("/path/mkdir/link-loop", test_link_loop);
  ADD ("/path/mkdir/dangling-chain", test_dangling_chain);
  return g_test_run ();
}
