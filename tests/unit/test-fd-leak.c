/* SECURITY 34 (runc TestFdLeaks): create and delete a container 50 times in one long-lived
 * process, after one round to warm up; the process's open fds must be the same afterwards.
 * Needs root (a rootless create needs a user's state root and newuidmap); skipped otherwise. */
#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "container.h"

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
open_fds (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  g_autofree char *listing = g_strdup_printf ("/proc/%d/fd", (int) getpid ());
  GPtrArray *fds = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/fd/%s", name);
      g_autofree char *target = g_file_read_link (path, NULL);
      /* The directory being listed is the one fd expected to come and go. */
      if (target != NULL && !g_str_equal (target, listing))
        g_ptr_array_add (fds, g_strdup_printf ("%s -> %s", name, target));
    }
  g_ptr_array_sort (fds, compare_strings);
  return fds;
}

static char *
join (GPtrArray *fds)
{
  g_ptr_array_add (fds, NULL);
  char *text = g_strjoinv ("\n", (char **) fds->pdata);
  g_ptr_array_remove_index (fds, fds->len - 1);
  return text;
}

static void
round_trip (const ContainerGlobals *g, const ContainerCreateOptions *o)
{
  g_autoptr (GError) error = NULL;

  gboolean ok = container_create (g, o, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = container_delete (g, o->id, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
test_create_delete_50 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL, *rootfs = NULL, *config = NULL, *root = NULL;
  g_autoptr (GPtrArray) before = NULL, after = NULL;
  g_autofree char *before_text = NULL, *after_text = NULL;
  const char *json = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"},"
                     " \"process\": {\"args\": [\"/never-started\"], \"cwd\": \"/\","
                     " \"user\": {\"uid\": 0, \"gid\": 0}},"
                     " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"},"
                     " {\"type\": \"ipc\"}, {\"type\": \"uts\"}]}}";

  if (geteuid () != 0)
    {
      g_test_skip ("needs root");
      return;
    }
  dir = g_dir_make_tmp ("warren-fd-leak.XXXXXX", &error);
  g_assert_no_error (error);
  rootfs = g_build_filename (dir, "rootfs", NULL);
  config = g_build_filename (dir, "config.json", NULL);
  root = g_build_filename (dir, "state", NULL);
  g_assert_cmpint (g_mkdir (rootfs, 0755), ==, 0);
  g_assert_true (g_file_set_contents (config, json, -1, &error));
  /* Created, never started: the program only has to be there. */
  g_autofree char *program = g_build_filename (rootfs, "never-started", NULL);
  g_assert_true (g_file_set_contents (program, "#!/bin/false\n", -1, &error));
  g_assert_cmpint (g_chmod (program, 0755), ==, 0);

  ContainerGlobals g = { .root = root, .rootless = "auto" };
  ContainerCreateOptions o = { .id = "fd-leak", .bundle = dir, .detach = TRUE };

  round_trip (&g, &o);
  before = open_fds ();
  for (int i = 0; i < 50; i++)
    round_trip (&g, &o);
  after = open_fds ();
  before_text = join (before);
  after_text = join (after);
  g_assert_cmpstr (after_text, ==, before_text);

  const char *const rm[] = { "rm", "-rf", dir, NULL };
  g_assert_true (g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fd-leak/create-delete-50", test_create_delete_50);
  return g_test_run ();
}
