#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "warren-config.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

char *
userns_format_map (const SpecIdMapping *maps, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%u %u %u\n", maps[i].container_id, maps[i].host_id,
                            maps[i].size);
  return g_string_free (s, FALSE);
}

/* One range of size 1 whose host id is the caller's own: the kernel lets an unprivileged
 * parent write that itself. */
gboolean
userns_own_id_only (const SpecIdMapping *maps, guint n, guint32 own)
{
  return n == 1 && maps[0].size == 1 && maps[0].host_id == own;
}

gboolean
userns_setgroups_allowed (const WarrenSpec *spec, gboolean rootless)
{
  return !rootless || !userns_own_id_only (spec->gid_mappings, spec->n_gid_mappings, getegid ());
}

static gboolean
write_proc (pid_t pid, const char *file, const char *data, GError **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/%s", (int) pid, file);
  g_autofd int fd = open (path, O_WRONLY | O_CLOEXEC);
  gsize len = strlen (data);

  if (fd < 0)
    return wr_throw_errno (error, "open %s", path);
  /* uid_map and gid_map take the whole map in a single write. */
  if (write (fd, data, len) != (ssize_t) len)
    return wr_throw_errno (error, "write %s", path);
  return TRUE;
}

typedef struct
{
  const char *helper;
  GPid pid;
  int err_fd;
} HelperRun;

/* The helper must be able to write a map for us: setuid root (Debian) or given file
 * capabilities (Fedora's cap_setuid+ep). Without either it would only fail with the kernel's
 * EPERM on uid_map, which does not say what to fix. */
gboolean
userns_helper_usable (const char *helper, GError **error)
{
  struct stat st;

  if (stat (helper, &st) < 0)
    return wr_throw_errno (error, "%s (needed for a mapping beyond your own id; install the "
                                  "uidmap package)", helper);
  if (!S_ISREG (st.st_mode) || (st.st_mode & S_IXOTH) == 0)
    return wr_throw (error, WARREN_ERROR_HELPER, "%s: not a file that everyone may execute "
                     "(mode %04o)", helper, (unsigned) (st.st_mode & 07777));
  if ((st.st_mode & S_ISUID) != 0 && st.st_uid == 0)
    return TRUE;
  if (getxattr (helper, "security.capability", NULL, 0) > 0)
    return TRUE;
  return wr_throw (error, WARREN_ERROR_HELPER, "%s: neither setuid root nor given file "
                   "capabilities, so it cannot write the map (reinstall the uidmap package, "
                   "or make it setuid root: chmod u+s)", helper);
}

static gboolean
helper_start (HelperRun *run, const char *helper, pid_t pid, const SpecIdMapping *maps,
              guint n, GError **error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *const envp[] = { NULL };

  run->helper = helper;
  g_ptr_array_add (argv, g_strdup (helper));
  g_ptr_array_add (argv, g_strdup_printf ("%d", (int) pid));
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (argv, g_strdup_printf ("%u", maps[i].container_id));
      g_ptr_array_add (argv, g_strdup_printf ("%u", maps[i].host_id));
      g_ptr_array_add (argv, g_strdup_printf ("%u", maps[i].size));
    }
  g_ptr_array_add (argv, NULL);
  if (!userns_helper_usable (helper, error))
    return FALSE;
  /* Absolute path, empty environment, no PATH search: the helper is setuid root. */
  if (!g_spawn_async_with_pipes_and_fds (NULL, (const char *const *) argv->pdata, envp,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                         NULL, NULL, -1, -1, -1, NULL, NULL, 0, &run->pid, NULL,
                                         NULL, &run->err_fd, error))
    return g_prefix_error (error, "run %s: ", helper), FALSE;
  return TRUE;
}

static gboolean
helper_finish (HelperRun *run, GError **error)
{
  char buf[2048];
  gssize n;
  int status = 0;

  n = wr_read_all (run->err_fd, buf, sizeof buf - 1, NULL);
  (void) close (run->err_fd);
  run->err_fd = -1;
  buf[MAX (n, 0)] = '\0';
  while (waitpid (run->pid, &status, 0) < 0)
    if (errno != EINTR)
      return wr_throw_errno (error, "wait for %s", run->helper);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return wr_throw (error, WARREN_ERROR_HELPER, "%s failed (status %d): %s", run->helper,
                     WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status),
                     *g_strstrip (buf) ? buf : "no message");
  return TRUE;
}

gboolean
userns_map_matches (const char *proc_text, const SpecIdMapping *maps, guint n)
{
  g_auto (GStrv) lines = g_strsplit (proc_text, "\n", -1);
  guint found = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint32 inside, outside, size;
      if (*g_strstrip (lines[i]) == '\0')
        continue;
      if (sscanf (lines[i], "%u %u %u", &inside, &outside, &size) != 3 || found >= n
          || maps[found].container_id != inside || maps[found].host_id != outside
          || maps[found].size != size)
        return FALSE;
      found++;
    }
  return found == n;
}

static gboolean
verify_map (pid_t pid, const char *file, const SpecIdMapping *maps, guint n, GError **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/%s", (int) pid, file);
  g_autofree char *data = NULL;

  if (!g_file_get_contents (path, &data, NULL, error))
    return FALSE;
  if (!userns_map_matches (data, maps, n))
    return wr_throw (error, WARREN_ERROR_HELPER, "%s does not match the requested map:\n%s",
                     path, data);
  return TRUE;
}

gboolean
userns_write_mappings (pid_t pid, const WarrenSpec *spec, gboolean rootless, GError **error)
{
  gboolean direct_uid = !rootless || userns_own_id_only (spec->uid_mappings, spec->n_uid_mappings,
                                                  geteuid ());
  gboolean direct_gid = !rootless || userns_own_id_only (spec->gid_mappings, spec->n_gid_mappings,
                                                  getegid ());
  HelperRun uid_run = { .err_fd = -1 }, gid_run = { .err_fd = -1 };
  g_autoptr (GError) gid_error = NULL;
  gboolean ok = TRUE;

  /* The two helpers run side by side: each is a setuid exec, and they do not depend on each
   * other. */
  if (!direct_uid
      && !helper_start (&uid_run, WARREN_NEWUIDMAP, pid, spec->uid_mappings,
                        spec->n_uid_mappings, error))
    return FALSE;
  if (!direct_gid
      && !helper_start (&gid_run, WARREN_NEWGIDMAP, pid, spec->gid_mappings,
                        spec->n_gid_mappings, &gid_error))
    ok = FALSE;

  if (direct_gid && ok)
    {
      g_autofree char *map = userns_format_map (spec->gid_mappings, spec->n_gid_mappings);
      /* An unprivileged writer may only map its own gid after denying setgroups (kernel
       * rule since 3.19, CVE-2014-8989). */
      if (rootless && !write_proc (pid, "setgroups", "deny", &gid_error))
        ok = FALSE;
      else if (!write_proc (pid, "gid_map", map, &gid_error))
        ok = FALSE;
    }
  if (direct_uid)
    {
      g_autofree char *map = userns_format_map (spec->uid_mappings, spec->n_uid_mappings);
      if (!write_proc (pid, "uid_map", map, error))
        ok = FALSE;
    }
  else if (!helper_finish (&uid_run, error))
    ok = FALSE;
  if (!direct_gid && gid_run.err_fd >= 0 && !helper_finish (&gid_run, gid_error ? NULL : &gid_error))
    ok = FALSE;
  if (!ok)
    {
      if (error != NULL && *error == NULL && gid_error != NULL)
        g_propagate_error (error, g_steal_pointer (&gid_error));
      return FALSE;
    }
  if (!verify_map (pid, "uid_map", spec->uid_mappings, spec->n_uid_mappings, error)
      || !verify_map (pid, "gid_map", spec->gid_mappings, spec->n_gid_mappings, error))
    return FALSE;
  return TRUE;
}
