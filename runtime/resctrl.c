#include "resctrl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

#define RDTGROUP_SUPER_MAGIC 0x7655821

void
resctrl_group_free (ResctrlGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->group);
  g_free (group->mon_group);
  g_free (group);
}

ResctrlGroup *
resctrl_group_copy (const ResctrlGroup *group)
{
  ResctrlGroup *copy = g_new0 (ResctrlGroup, 1);

  copy->group = g_strdup (group->group);
  copy->created = group->created;
  copy->mon_group = g_strdup (group->mon_group);
  return copy;
}

char *
resctrl_schema_text (const SpecIntelRdt *rdt)
{
  GString *text;

  if (rdt->l3_cache_schema == NULL && rdt->mem_bw_schema == NULL)
    return NULL;
  text = g_string_new (NULL);
  if (rdt->l3_cache_schema != NULL)
    {
      g_auto (GStrv) lines = g_strsplit (rdt->l3_cache_schema, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          const char *line = g_strstrip (lines[i]);
          /* An MB: line in l3CacheSchema gives way to memBwSchema (runtime-spec). */
          if (*line == '\0' || (rdt->mem_bw_schema != NULL && g_str_has_prefix (line, "MB:")))
            continue;
          g_string_append_printf (text, "%s\n", line);
        }
    }
  if (rdt->mem_bw_schema != NULL)
    g_string_append_printf (text, "%s\n", rdt->mem_bw_schema);
  return g_string_free (text, FALSE);
}

/* "L3:0=7f0;1=1f" → resource "L3", domains {"0": "7f0", "1": "1f"}. */
static GHashTable *
parse_schema_line (const char *line, char **resource)
{
  const char *colon = strchr (line, ':');
  GHashTable *domains;
  g_auto (GStrv) parts = NULL;

  if (colon == NULL)
    return NULL;
  *resource = g_strstrip (g_strndup (line, colon - line));
  domains = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  parts = g_strsplit (colon + 1, ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *eq = strchr (parts[i], '=');
      if (eq == NULL)
        continue;
      *eq = '\0';
      g_hash_table_insert (domains, g_strstrip (g_strdup (parts[i])),
                           g_strstrip (g_strdup (eq + 1)));
    }
  return domains;
}

static gboolean
values_equal (const char *a, const char *b)
{
  char *end_a, *end_b;
  guint64 x = g_ascii_strtoull (a, &end_a, 16), y = g_ascii_strtoull (b, &end_b, 16);

  if (*a != '\0' && *b != '\0' && *end_a == '\0' && *end_b == '\0')
    return x == y;
  return strcmp (a, b) == 0;
}

gboolean
resctrl_schemata_match (const char *existing, const char *wanted)
{
  g_auto (GStrv) have_lines = g_strsplit (existing, "\n", -1);
  g_auto (GStrv) want_lines = g_strsplit (wanted, "\n", -1);

  for (guint i = 0; want_lines[i] != NULL; i++)
    {
      g_autofree char *resource = NULL;
      g_autoptr (GHashTable) want = NULL;
      gboolean found = FALSE;
      GHashTableIter iter;
      gpointer key, value;

      if (*g_strstrip (want_lines[i]) == '\0')
        continue;
      want = parse_schema_line (want_lines[i], &resource);
      if (want == NULL)
        return FALSE;
      for (guint j = 0; have_lines[j] != NULL && !found; j++)
        {
          g_autofree char *have_resource = NULL;
          g_autoptr (GHashTable) have = parse_schema_line (have_lines[j], &have_resource);

          if (have == NULL || strcmp (have_resource, resource) != 0)
            continue;
          found = TRUE;
          g_hash_table_iter_init (&iter, want);
          while (g_hash_table_iter_next (&iter, &key, &value))
            {
              const char *have_value = g_hash_table_lookup (have, key);
              if (have_value == NULL || !values_equal (have_value, value))
                return FALSE;
            }
        }
      if (!found)
        return FALSE;
    }
  return TRUE;
}

int
resctrl_open_root (GError **error)
{
  g_autofd int fd = open (RESCTRL_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct statfs sfs;

  if (fd < 0 && errno == ENOENT)
    return wr_throw (error, WARREN_ERROR_NOT_SUPPORTED,
                     "linux.intelRdt: this host has no %s (no Intel RDT or AMD PQoS, or the "
                     "kernel lacks resctrl)", RESCTRL_ROOT), -1;
  if (fd < 0 || fstatfs (fd, &sfs) < 0)
    return wr_throw_errno (error, "linux.intelRdt: %s", RESCTRL_ROOT), -1;
  if ((guint32) sfs.f_type != RDTGROUP_SUPER_MAGIC)
    return wr_throw (error, WARREN_ERROR_NOT_SUPPORTED,
                     "linux.intelRdt: no resctrl file system is mounted on %s (mount -t resctrl "
                     "resctrl %s)", RESCTRL_ROOT, RESCTRL_ROOT), -1;
  return g_steal_fd (&fd);
}

/* The kernel explains a refused schemata or tasks write in info/last_cmd_status. */
static gboolean
write_file (int root_fd, const char *path, const char *text, GError **error)
{
  g_autofd int fd = openat (root_fd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  g_autoptr (GError) local = NULL;

  if (fd >= 0 && wr_write_all (fd, text, strlen (text), &local))
    return TRUE;
  if (fd < 0)
    return wr_throw_errno (error, "%s/%s", RESCTRL_ROOT, path);
  {
    g_autofd int status_fd = openat (root_fd, "info/last_cmd_status", O_RDONLY | O_CLOEXEC);
    char status[512];
    gssize n = status_fd >= 0 ? wr_read_all (status_fd, status, sizeof status - 1, NULL) : -1;

    if (n > 0)
      {
        status[n] = '\0';
        return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "%s/%s: %s (%s)", RESCTRL_ROOT, path,
                         local->message, g_strstrip (status));
      }
  }
  return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "%s/%s: %s", RESCTRL_ROOT, path,
                   local->message);
}

static char *
read_file (int root_fd, const char *path, GError **error)
{
  g_autofd int fd = openat (root_fd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  char buf[8192];
  gssize n;

  if (fd < 0)
    return wr_throw_errno (error, "%s/%s", RESCTRL_ROOT, path), NULL;
  n = wr_read_all (fd, buf, sizeof buf - 1, error);
  if (n < 0)
    return g_prefix_error (error, "%s/%s: ", RESCTRL_ROOT, path), NULL;
  buf[n] = '\0';
  return g_strdup (buf);
}

static gboolean
write_pid (int root_fd, const char *dir, pid_t pid, GError **error)
{
  g_autofree char *path = g_strdup_printf ("%s/tasks", dir);
  g_autofree char *text = g_strdup_printf ("%d", (int) pid);

  return write_file (root_fd, path, text, error);
}

static gboolean
configure (int root_fd, const SpecIntelRdt *rdt, ResctrlGroup *group, GError **error)
{
  g_autofree char *schema = resctrl_schema_text (rdt);
  gboolean has_schema = schema != NULL || rdt->schemata != NULL;
  g_autofree char *schemata_path = g_strdup_printf ("%s/schemata", group->group);

  if (mkdirat (root_fd, group->group, 0755) == 0)
    group->created = TRUE;
  else if (errno != EEXIST)
    return wr_throw_errno (error, "linux.intelRdt: create %s/%s", RESCTRL_ROOT, group->group);
  else if (rdt->clos_id == NULL)
    return wr_throw (error, WARREN_ERROR_EXISTS, "linux.intelRdt: %s/%s exists already (left "
                     "by an earlier container of that id?)", RESCTRL_ROOT, group->group);

  if (!group->created)
    {
      /* A pre-configured closID group: joined as it is, or checked against what is asked. */
      g_autofree char *existing = NULL;
      if (!has_schema)
        return TRUE;
      existing = read_file (root_fd, schemata_path, error);
      if (existing == NULL)
        return FALSE;
      if ((schema != NULL && !resctrl_schemata_match (existing, schema))
          || (rdt->schemata != NULL && !resctrl_schemata_match (existing, rdt->schemata)))
        return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                         "linux.intelRdt: the existing group %s has other schemata:\n%s",
                         rdt->clos_id, existing);
      return TRUE;
    }
  if (schema != NULL && !write_file (root_fd, schemata_path, schema, error))
    return g_prefix_error (error, "linux.intelRdt: "), FALSE;
  if (rdt->schemata != NULL && !write_file (root_fd, schemata_path, rdt->schemata, error))
    return g_prefix_error (error, "linux.intelRdt.schemata: "), FALSE;
  return TRUE;
}

static gboolean
monitoring_supported (int root_fd, const SpecIntelRdt *rdt, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *features = read_file (root_fd, "info/L3_MON/mon_features", &local);

  if (rdt->enable_cmt && (features == NULL || strstr (features, "llc_occupancy") == NULL))
    return wr_throw (error, WARREN_ERROR_NOT_SUPPORTED, "linux.intelRdt.enableCMT: this host "
                     "has no cache monitoring (llc_occupancy in info/L3_MON/mon_features)");
  if (rdt->enable_mbm && (features == NULL || strstr (features, "mbm_total_bytes") == NULL))
    return wr_throw (error, WARREN_ERROR_NOT_SUPPORTED, "linux.intelRdt.enableMBM: this host "
                     "has no memory bandwidth monitoring (mbm_total_bytes in "
                     "info/L3_MON/mon_features)");
  return TRUE;
}

ResctrlGroup *
resctrl_join (int root_fd, const SpecIntelRdt *rdt, const char *id, pid_t pid, GError **error)
{
  g_autoptr (ResctrlGroup) group = g_new0 (ResctrlGroup, 1);
  gboolean has_schema = rdt->l3_cache_schema != NULL || rdt->mem_bw_schema != NULL
                        || rdt->schemata != NULL;
  gboolean monitor = rdt->enable_cmt || rdt->enable_mbm;
  struct stat st;

  group->group = g_strdup (rdt->clos_id != NULL ? rdt->clos_id : id);
  if (monitor && !monitoring_supported (root_fd, rdt, error))
    return NULL;
  if (rdt->clos_id != NULL && !has_schema)
    {
      /* Without a schema, a closID names a group someone configured beforehand. */
      if (fstatat (root_fd, group->group, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR (st.st_mode))
        return wr_throw (error, WARREN_ERROR_NOT_FOUND, "linux.intelRdt.closID: no group %s/%s "
                         "(without a schema it must exist already)", RESCTRL_ROOT, group->group),
               NULL;
    }
  else if (!configure (root_fd, rdt, group, error))
    goto fail;
  if (!write_pid (root_fd, group->group, pid, error))
    goto fail;
  if (monitor)
    {
      g_autofree char *mon = g_strdup_printf ("%s/mon_groups/%s", group->group, id);
      if (mkdirat (root_fd, mon, 0755) < 0)
        {
          wr_throw_errno (error, "linux.intelRdt: create %s/%s", RESCTRL_ROOT, mon);
          goto fail;
        }
      group->mon_group = g_strdup (id);
      if (!write_pid (root_fd, mon, pid, error))
        goto fail;
    }
  return g_steal_pointer (&group);

fail:
  /* The pid dies with the failed create; the directories go now. */
  (void) resctrl_leave (root_fd, group, NULL);
  return NULL;
}

gboolean
resctrl_open_tasks (int root_fd, const ResctrlGroup *group, int out[2], GError **error)
{
  g_autofree char *path = g_strdup_printf ("%s/tasks", group->group);
  g_autofd int fd = openat (root_fd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  g_autofd int mon_fd = -1;

  if (fd < 0)
    return wr_throw_errno (error, "%s/%s", RESCTRL_ROOT, path);
  if (group->mon_group != NULL)
    {
      g_autofree char *mon = g_strdup_printf ("%s/mon_groups/%s/tasks", group->group,
                                              group->mon_group);
      mon_fd = openat (root_fd, mon, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
      if (mon_fd < 0)
        return wr_throw_errno (error, "%s/%s", RESCTRL_ROOT, mon);
    }
  out[0] = g_steal_fd (&fd);
  out[1] = g_steal_fd (&mon_fd);
  return TRUE;
}

gboolean
resctrl_join_self (const int tasks_fds[2], GError **error)
{
  for (int i = 0; i < 2; i++)
    if (tasks_fds[i] >= 0 && write (tasks_fds[i], "0", 1) != 1)
      return wr_throw_errno (error, "linux.intelRdt: join the resctrl group");
  return TRUE;
}

gboolean
resctrl_leave (int root_fd, const ResctrlGroup *group, GError **error)
{
  if (group->mon_group != NULL)
    {
      g_autofree char *mon = g_strdup_printf ("%s/mon_groups/%s", group->group, group->mon_group);
      if (unlinkat (root_fd, mon, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return wr_throw_errno (error, "remove %s/%s", RESCTRL_ROOT, mon);
    }
  if (group->created && unlinkat (root_fd, group->group, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return wr_throw_errno (error, "remove %s/%s", RESCTRL_ROOT, group->group);
  return TRUE;
}
