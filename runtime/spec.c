#include "spec.h"

#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "wr-error.h"
#include "wr-json.h"
#include "wr-path.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct
{
  const char *name;
  int flag;
} namespace_types[SPEC_NS_COUNT] = {
  [SPEC_NS_PID] = { "pid", CLONE_NEWPID },         [SPEC_NS_NETWORK] = { "network", CLONE_NEWNET },
  [SPEC_NS_MOUNT] = { "mount", CLONE_NEWNS },      [SPEC_NS_IPC] = { "ipc", CLONE_NEWIPC },
  [SPEC_NS_UTS] = { "uts", CLONE_NEWUTS },         [SPEC_NS_USER] = { "user", CLONE_NEWUSER },
  [SPEC_NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP }, [SPEC_NS_TIME] = { "time", CLONE_NEWTIME },
};

const char *
spec_namespace_name (SpecNamespaceType type)
{
  return namespace_types[type].name;
}

int
spec_namespace_clone_flag (SpecNamespaceType type)
{
  return namespace_types[type].flag;
}

static const struct
{
  const char *name;
  int type;
} rlimit_types[] = {
  { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_DATA", RLIMIT_DATA },       { "RLIMIT_STACK", RLIMIT_STACK },
  { "RLIMIT_CORE", RLIMIT_CORE },       { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },     { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

/* Mount options that are flags, as runc and crun read them. */
static const struct
{
  const char *name;
  gboolean clear;
  unsigned long flag;
} mount_flags[] = {
  { "defaults", FALSE, 0 },
  { "ro", FALSE, MS_RDONLY },         { "rw", TRUE, MS_RDONLY },
  { "suid", TRUE, MS_NOSUID },        { "nosuid", FALSE, MS_NOSUID },
  { "dev", TRUE, MS_NODEV },          { "nodev", FALSE, MS_NODEV },
  { "exec", TRUE, MS_NOEXEC },        { "noexec", FALSE, MS_NOEXEC },
  { "sync", FALSE, MS_SYNCHRONOUS },  { "async", TRUE, MS_SYNCHRONOUS },
  { "dirsync", FALSE, MS_DIRSYNC },   { "remount", FALSE, MS_REMOUNT },
  { "mand", FALSE, MS_MANDLOCK },     { "nomand", TRUE, MS_MANDLOCK },
  { "atime", TRUE, MS_NOATIME },      { "noatime", FALSE, MS_NOATIME },
  { "diratime", TRUE, MS_NODIRATIME }, { "nodiratime", FALSE, MS_NODIRATIME },
  { "relatime", FALSE, MS_RELATIME }, { "norelatime", TRUE, MS_RELATIME },
  { "strictatime", FALSE, MS_STRICTATIME }, { "nostrictatime", TRUE, MS_STRICTATIME },
};

static const struct
{
  const char *name;
  unsigned long flags;
} propagation_options[] = {
  { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
  { "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
  { "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static void
free_strv_field (char ***p)
{
  g_clear_pointer (p, g_strfreev);
}

void
spec_process_free (SpecProcess *p)
{
  if (p == NULL)
    return;
  g_strfreev (p->args);
  g_strfreev (p->env);
  g_free (p->cwd);
  g_free (p->additional_gids);
  if (p->capabilities != NULL)
    {
      free_strv_field (&p->capabilities->bounding);
      free_strv_field (&p->capabilities->effective);
      free_strv_field (&p->capabilities->permitted);
      free_strv_field (&p->capabilities->inheritable);
      free_strv_field (&p->capabilities->ambient);
      g_free (p->capabilities);
    }
  for (guint i = 0; i < p->n_rlimits; i++)
    g_free (p->rlimits[i].name);
  g_free (p->rlimits);
  g_free (p->apparmor_profile);
  g_free (p->selinux_label);
  g_free (p->scheduler);
  g_free (p);
}

void
spec_free (WarrenSpec *spec)
{
  if (spec == NULL)
    return;
  spec_hooks_clear (&spec->hooks);
  g_free (spec->oci_version);
  g_free (spec->root_path);
  g_free (spec->hostname);
  g_free (spec->domainname);
  spec_process_free (spec->process);
  for (guint i = 0; i < spec->n_mounts; i++)
    {
      SpecMount *m = &spec->mounts[i];
      g_free (m->destination);
      g_free (m->type);
      g_free (m->source);
      g_strfreev (m->options);
      g_free (m->data);
    }
  g_free (spec->mounts);
  g_clear_pointer (&spec->annotations, g_hash_table_unref);
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    g_free (spec->namespaces[t].path);
  g_free (spec->uid_mappings);
  g_free (spec->gid_mappings);
  for (guint i = 0; i < spec->n_devices; i++)
    g_free (spec->devices[i].path);
  g_free (spec->devices);
  g_strfreev (spec->masked_paths);
  g_strfreev (spec->readonly_paths);
  g_clear_pointer (&spec->sysctl, g_hash_table_unref);
  g_free (spec->rootfs_propagation);
  g_free (spec->cgroups_path);
  g_free (spec->mount_label);
  if (spec->intel_rdt != NULL)
    {
      g_free (spec->intel_rdt->clos_id);
      g_free (spec->intel_rdt->l3_cache_schema);
      g_free (spec->intel_rdt->mem_bw_schema);
      g_free (spec->intel_rdt->schemata);
      g_free (spec->intel_rdt);
    }
  spec_seccomp_free (spec->seccomp);
  g_free (spec);
}

/* json-glib keeps strings NUL-terminated and silently cuts one at a "\u0000"; a string with
 * an embedded NUL is refused by comparing its length with the raw JSON escape count. Since
 * json-glib gives us no length, we look for the escape in the source text instead
 * (spec_load_data refuses any "\u0000" anywhere: no config field can legitimately hold it). */
static gboolean
refuse_nul_escapes (const char *data, gsize length, const char *file, GError **error)
{
  for (gsize i = 0; i + 6 <= length; i++)
    {
      if (data[i] != '\\')
        continue;
      if (g_ascii_strncasecmp (data + i, "\\u0000", 6) == 0)
        return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                         "%s: contains a NUL character (\\u0000) at byte %zu", file, i);
      i++; /* skip the escaped character, so "\\\\u0000" is not taken for an escape */
    }
  return TRUE;
}

static gboolean
get_absolute_path (const WrJsonCursor *c, char **out, gboolean clean, GError **error)
{
  g_autofree char *s = NULL;

  if (!wr_json_get_string (c, &s, error))
    return FALSE;
  if (!g_path_is_absolute (s))
    return wr_json_fail (c, error, "must be absolute, not \"%s\"", s);
  if (clean && !wr_path_is_clean (s))
    return wr_json_fail (c, error, "must not contain \".\" or \"..\" components: \"%s\"", s);
  *out = g_steal_pointer (&s);
  return TRUE;
}

static gboolean
parse_capability_list (const WrJsonCursor *caps, const char *key, char ***out, GError **error)
{
  WrJsonCursor list;
  guint n;

  wr_json_member (caps, key, &list);
  if (!wr_json_present (&list))
    return TRUE;
  if (!wr_json_get_strv (&list, out, error))
    return FALSE;
  n = g_strv_length (*out);
  for (guint i = 0; i < n; i++)
    {
      const char *name = (*out)[i];
      g_autofree char *lower = g_ascii_strdown (name, -1);
      cap_value_t v;
      WrJsonCursor el;

      wr_json_element (&list, i, &el);
      if (!g_str_has_prefix (name, "CAP_") || cap_from_name (lower, &v) < 0)
        return wr_json_fail (&el, error, "unknown capability \"%s\"", name);
    }
  return TRUE;
}

static gboolean
parse_rlimits (const WrJsonCursor *process, SpecProcess *p, GError **error)
{
  WrJsonCursor list;
  guint n;

  wr_json_member (process, "rlimits", &list);
  if (!wr_json_present (&list))
    return TRUE;
  if (!wr_json_array_length (&list, &n, error))
    return FALSE;
  p->rlimits = g_new0 (SpecRlimit, n);
  for (guint i = 0; i < n; i++)
    {
      WrJsonCursor el, m;
      SpecRlimit *r = &p->rlimits[p->n_rlimits];
      g_autofree char *type = NULL;
      gboolean found = FALSE;

      wr_json_element (&list, i, &el);
      if (!wr_json_expect_object (&el, error))
        return FALSE;
      wr_json_member (&el, "type", &m);
      if (!wr_json_get_string (&m, &type, error))
        return FALSE;
      for (gsize k = 0; k < G_N_ELEMENTS (rlimit_types); k++)
        if (strcmp (type, rlimit_types[k].name) == 0)
          {
            r->type = rlimit_types[k].type;
            found = TRUE;
          }
      if (!found)
        return wr_json_fail (&m, error, "unknown rlimit \"%s\"", type);
      for (guint j = 0; j < p->n_rlimits; j++)
        if (p->rlimits[j].type == r->type)
          return wr_json_fail (&m, error, "%s is set twice", type);
      wr_json_member (&el, "soft", &m);
      if (!wr_json_get_uint64 (&m, &r->soft, error))
        return FALSE;
      wr_json_member (&el, "hard", &m);
      if (!wr_json_get_uint64 (&m, &r->hard, error))
        return FALSE;
      if (r->soft > r->hard)
        return wr_json_fail (&el, error, "soft limit %" G_GUINT64_FORMAT
                             " is above the hard limit %" G_GUINT64_FORMAT, r->soft, r->hard);
      r->name = g_steal_pointer (&type);
      p->n_rlimits++;
    }
  return TRUE;
}

static gboolean
parse_process (const WrJsonCursor *c, SpecProcess **out, GError **error)
{
  g_autoptr (GError) local = NULL;
  SpecProcess *p = g_new0 (SpecProcess, 1);
  WrJsonCursor m, user, caps, size;
  gint64 v;

  *out = p; /* freed with the spec on failure */
  if (!wr_json_expect_object (c, error) || !wr_json_opt_bool (c, "terminal", &p->terminal, error)
      || !wr_json_opt_bool (c, "noNewPrivileges", &p->no_new_privileges, error)
      || !wr_json_opt_string (c, "apparmorProfile", &p->apparmor_profile, error)
      || !wr_json_opt_string (c, "selinuxLabel", &p->selinux_label, error))
    return FALSE;

  wr_json_member (c, "args", &m);
  if (!wr_json_present (&m))
    return wr_json_fail (&m, error, "required");
  if (!wr_json_get_strv (&m, &p->args, error))
    return FALSE;
  if (p->args[0] == NULL || *p->args[0] == '\0')
    return wr_json_fail (&m, error, "must hold at least one non-empty argument");

  wr_json_member (c, "env", &m);
  if (wr_json_present (&m))
    {
      if (!wr_json_get_strv (&m, &p->env, error))
        return FALSE;
      for (guint i = 0; p->env[i] != NULL; i++)
        if (strchr (p->env[i], '=') == NULL)
          {
            WrJsonCursor el;
            wr_json_element (&m, i, &el);
            return wr_json_fail (&el, error, "must be KEY=VALUE, not \"%s\"", p->env[i]);
          }
    }
  else
    p->env = g_new0 (char *, 1);

  wr_json_member (c, "cwd", &m);
  if (!wr_json_present (&m))
    return wr_json_fail (&m, error, "required");
  if (!get_absolute_path (&m, &p->cwd, TRUE, error))
    return FALSE;

  wr_json_member (c, "consoleSize", &size);
  if (wr_json_present (&size)
      && (!wr_json_expect_object (&size, error)
          || !wr_json_opt_uint32 (&size, "width", &p->console_width, error)
          || !wr_json_opt_uint32 (&size, "height", &p->console_height, error)))
    return FALSE;

  wr_json_member (c, "user", &user);
  if (wr_json_present (&user))
    {
      if (!wr_json_expect_object (&user, error)
          || !wr_json_opt_uint32 (&user, "uid", &p->uid, error)
          || !wr_json_opt_uint32 (&user, "gid", &p->gid, error))
        return FALSE;
      wr_json_member (&user, "umask", &m);
      if (wr_json_present (&m))
        {
          if (!wr_json_get_int64_range (&m, 0, 0777, &v, error))
            return FALSE;
          p->has_umask = TRUE;
          p->umask = (guint32) v;
        }
      wr_json_member (&user, "additionalGids", &m);
      if (wr_json_present (&m))
        {
          if (!wr_json_array_length (&m, &p->n_additional_gids, error))
            return FALSE;
          p->additional_gids = g_new0 (guint32, p->n_additional_gids + 1);
          for (guint i = 0; i < p->n_additional_gids; i++)
            {
              WrJsonCursor el;
              wr_json_element (&m, i, &el);
              if (!wr_json_get_uint32 (&el, &p->additional_gids[i], error))
                return FALSE;
            }
        }
    }

  wr_json_member (c, "capabilities", &caps);
  if (wr_json_present (&caps))
    {
      if (!wr_json_expect_object (&caps, error))
        return FALSE;
      p->capabilities = g_new0 (SpecCapabilities, 1);
      if (!parse_capability_list (&caps, "bounding", &p->capabilities->bounding, error)
          || !parse_capability_list (&caps, "effective", &p->capabilities->effective, error)
          || !parse_capability_list (&caps, "permitted", &p->capabilities->permitted, error)
          || !parse_capability_list (&caps, "inheritable", &p->capabilities->inheritable, error)
          || !parse_capability_list (&caps, "ambient", &p->capabilities->ambient, error))
        return FALSE;
    }

  if (!parse_rlimits (c, p, error) || !spec_sched_parse (c, p, error))
    return FALSE;

  wr_json_member (c, "oomScoreAdj", &m);
  if (wr_json_present (&m))
    {
      if (!wr_json_get_int64_range (&m, -1000, 1000, &v, error))
        return FALSE;
      p->has_oom_score_adj = TRUE;
      p->oom_score_adj = (int) v;
    }
  return TRUE;
}

static gboolean
parse_mount_options (const WrJsonCursor *c, SpecMount *m, GError **error)
{
  g_autoptr (GPtrArray) data = g_ptr_array_new ();

  for (guint i = 0; m->options[i] != NULL; i++)
    {
      const char *o = m->options[i];
      gboolean known = FALSE;
      WrJsonCursor el;

      wr_json_element (c, i, &el);
      for (gsize k = 0; k < G_N_ELEMENTS (mount_flags) && !known; k++)
        if (strcmp (o, mount_flags[k].name) == 0)
          {
            known = TRUE;
            if (mount_flags[k].clear)
              {
                m->clear_flags |= mount_flags[k].flag;
                m->flags &= ~mount_flags[k].flag;
              }
            else
              {
                m->flags |= mount_flags[k].flag;
                m->clear_flags &= ~mount_flags[k].flag;
              }
          }
      for (gsize k = 0; k < G_N_ELEMENTS (propagation_options) && !known; k++)
        if (strcmp (o, propagation_options[k].name) == 0)
          {
            known = TRUE;
            m->propagation = propagation_options[k].flags;
          }
      if (known)
        continue;
      if (strcmp (o, "bind") == 0 || strcmp (o, "rbind") == 0)
        {
          m->bind = TRUE;
          m->recursive_bind = m->recursive_bind || strcmp (o, "rbind") == 0;
          continue;
        }
      if (strcmp (o, "idmap") == 0 || strcmp (o, "ridmap") == 0)
        return wr_json_fail (&el, error, "\"%s\" mounts are not supported yet by warren", o);
      /* crun's own options and util-linux's X-/x- comments are not mount data. */
      if (strcmp (o, "tmpcopyup") == 0 || strcmp (o, "copy-symlink") == 0
          || strcmp (o, "src-nofollow") == 0 || strcmp (o, "dest-nofollow") == 0
          || g_str_has_prefix (o, "X-") || g_str_has_prefix (o, "x-"))
        continue;
      if (*o == '\0' || strchr (o, ',') != NULL)
        return wr_json_fail (&el, error, "must be one non-empty option, not \"%s\"", o);
      g_ptr_array_add (data, (gpointer) o);
    }
  if (data->len > 0)
    {
      g_ptr_array_add (data, NULL);
      m->data = g_strjoinv (",", (char **) data->pdata);
    }
  return TRUE;
}

/* What may be mounted on or under /proc: procfs itself, and the files that lxcfs-style
 * tools replace (runc's list). Anything else could cover the procfs files a runtime or a
 * security module relies on (runc CVE-2019-16884, CVE-2019-19921). */
static gboolean
check_proc_target (const WrJsonCursor *destination, const SpecMount *m, GError **error)
{
  static const char *const allowed[] = {
    "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",  "/proc/stat",
    "/proc/swaps",   "/proc/uptime",    "/proc/loadavg",  "/proc/slabinfo",
    "/proc/net/dev", "/proc/sys/kernel/ns_last_pid", NULL,
  };
  g_autofree char *dest = g_strdup (m->destination);
  gboolean is_proc = m->type != NULL && strcmp (m->type, "proc") == 0;
  gsize len = strlen (dest);

  while (len > 1 && dest[len - 1] == '/')
    dest[--len] = '\0';
  if (strcmp (dest, "/proc") == 0 && !is_proc)
    return wr_json_fail (destination, error, "only a proc mount may go on /proc, not %s",
                         m->bind ? "a bind" : m->type);
  if (g_str_has_prefix (dest, "/proc/") && !is_proc
      && !g_strv_contains (allowed, dest))
    return wr_json_fail (destination, error,
                         "%s is under /proc: only procfs or the files lxcfs replaces "
                         "(/proc/cpuinfo, /proc/meminfo, ...) may be mounted there",
                         m->destination);
  return TRUE;
}

static gboolean
parse_mounts (const WrJsonCursor *root, WarrenSpec *spec, GError **error)
{
  WrJsonCursor list;
  guint n;

  wr_json_member (root, "mounts", &list);
  if (!wr_json_present (&list))
    return TRUE;
  if (!wr_json_array_length (&list, &n, error))
    return FALSE;
  spec->mounts = g_new0 (SpecMount, n);
  for (guint i = 0; i < n; i++)
    {
      SpecMount *m = &spec->mounts[i];
      WrJsonCursor el, f;

      spec->n_mounts = i + 1;
      wr_json_element (&list, i, &el);
      if (!wr_json_expect_object (&el, error))
        return FALSE;
      wr_json_member (&el, "destination", &f);
      if (!wr_json_present (&f))
        return wr_json_fail (&f, error, "required");
      if (!get_absolute_path (&f, &m->destination, TRUE, error)
          || !wr_json_opt_string (&el, "type", &m->type, error)
          || !wr_json_opt_string (&el, "source", &m->source, error)
          || !wr_json_opt_strv (&el, "options", &m->options, error))
        return FALSE;
      if (m->options == NULL)
        m->options = g_new0 (char *, 1);
      wr_json_member (&el, "options", &f);
      if (!parse_mount_options (&f, m, error))
        return FALSE;
      if (m->type != NULL && strcmp (m->type, "bind") == 0)
        m->bind = TRUE;
      if (m->bind && (m->source == NULL || *m->source == '\0'))
        {
          wr_json_member (&el, "source", &f);
          return wr_json_fail (&f, error, "a bind mount needs a source");
        }
      if (!m->bind && (m->type == NULL || *m->type == '\0' || strcmp (m->type, "none") == 0))
        {
          wr_json_member (&el, "type", &f);
          return wr_json_fail (&f, error, "required unless the mount is a bind mount");
        }
      wr_json_member (&el, "destination", &f);
      if (!check_proc_target (&f, m, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_namespaces (const WrJsonCursor *linux, WarrenSpec *spec, GError **error)
{
  WrJsonCursor list;
  guint n;

  wr_json_member (linux, "namespaces", &list);
  if (!wr_json_present (&list))
    return TRUE;
  if (!wr_json_array_length (&list, &n, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      WrJsonCursor el, f;
      g_autofree char *type = NULL;
      int found = -1;

      wr_json_element (&list, i, &el);
      if (!wr_json_expect_object (&el, error))
        return FALSE;
      wr_json_member (&el, "type", &f);
      if (!wr_json_get_string (&f, &type, error))
        return FALSE;
      for (int t = 0; t < SPEC_NS_COUNT; t++)
        if (strcmp (type, namespace_types[t].name) == 0)
          found = t;
      if (found < 0)
        return wr_json_fail (&f, error, "unknown namespace type \"%s\"", type);
      if (spec->namespaces[found].enabled)
        return wr_json_fail (&f, error, "namespace \"%s\" is listed twice", type);
      spec->namespaces[found].enabled = TRUE;
      wr_json_member (&el, "path", &f);
      if (wr_json_present (&f)
          && !get_absolute_path (&f, &spec->namespaces[found].path, FALSE, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
ranges_overlap (guint32 a, guint32 an, guint32 b, guint32 bn)
{
  return (guint64) a < (guint64) b + bn && (guint64) b < (guint64) a + an;
}

static gboolean
parse_mappings (const WrJsonCursor *linux, const char *key, SpecIdMapping **out, guint *out_n,
                GError **error)
{
  WrJsonCursor list;
  guint n;

  wr_json_member (linux, key, &list);
  if (!wr_json_present (&list))
    return TRUE;
  if (!wr_json_array_length (&list, &n, error))
    return FALSE;
  *out = g_new0 (SpecIdMapping, n);
  *out_n = n;
  for (guint i = 0; i < n; i++)
    {
      SpecIdMapping *map = &(*out)[i];
      WrJsonCursor el, f;

      wr_json_element (&list, i, &el);
      if (!wr_json_expect_object (&el, error))
        return FALSE;
      wr_json_member (&el, "containerID", &f);
      if (!wr_json_get_uint32 (&f, &map->container_id, error))
        return FALSE;
      wr_json_member (&el, "hostID", &f);
      if (!wr_json_get_uint32 (&f, &map->host_id, error))
        return FALSE;
      wr_json_member (&el, "size", &f);
      if (!wr_json_get_uint32 (&f, &map->size, error))
        return FALSE;
      if (map->size == 0)
        return wr_json_fail (&f, error, "must be > 0");
      if ((guint64) map->container_id + map->size > G_MAXUINT32 + (guint64) 1
          || (guint64) map->host_id + map->size > G_MAXUINT32 + (guint64) 1)
        return wr_json_fail (&f, error, "the range runs past 4294967295");
      for (guint j = 0; j < i; j++)
        {
          const SpecIdMapping *o = &(*out)[j];
          if (ranges_overlap (o->container_id, o->size, map->container_id, map->size))
            return wr_json_fail (&el, error, "container ids overlap with [%u]", j);
          if (ranges_overlap (o->host_id, o->size, map->host_id, map->size))
            return wr_json_fail (&el, error, "host ids overlap with [%u]", j);
        }
    }
  return TRUE;
}

static gboolean
parse_devices (const WrJsonCursor *linux, WarrenSpec *spec, GError **error)
{
  WrJsonCursor list;
  guint n;

  wr_json_member (linux, "devices", &list);
  if (!wr_json_present (&list))
    return TRUE;
  if (!wr_json_array_length (&list, &n, error))
    return FALSE;
  spec->devices = g_new0 (SpecDevice, n);
  for (guint i = 0; i < n; i++)
    {
      SpecDevice *d = &spec->devices[i];
      WrJsonCursor el, f;
      g_autofree char *type = NULL;
      gint64 v;

      spec->n_devices = i + 1;
      wr_json_element (&list, i, &el);
      if (!wr_json_expect_object (&el, error))
        return FALSE;
      wr_json_member (&el, "path", &f);
      if (!get_absolute_path (&f, &d->path, TRUE, error))
        return FALSE;
      if (!g_str_has_prefix (d->path, "/dev/"))
        return wr_json_fail (&f, error, "must be under /dev, not \"%s\"", d->path);
      wr_json_member (&el, "type", &f);
      if (!wr_json_get_string (&f, &type, error))
        return FALSE;
      if (strlen (type) != 1 || strchr ("cbup", type[0]) == NULL)
        return wr_json_fail (&f, error, "must be one of c, b, u, p, not \"%s\"", type);
      d->type = type[0];
      if (d->type != 'p')
        {
          wr_json_member (&el, "major", &f);
          if (!wr_json_present (&f))
            return wr_json_fail (&f, error, "required for a '%c' device", d->type);
          if (!wr_json_get_int64_range (&f, 0, G_MAXUINT32, &d->major, error))
            return FALSE;
          wr_json_member (&el, "minor", &f);
          if (!wr_json_present (&f))
            return wr_json_fail (&f, error, "required for a '%c' device", d->type);
          if (!wr_json_get_int64_range (&f, 0, G_MAXUINT32, &d->minor, error))
            return FALSE;
        }
      wr_json_member (&el, "fileMode", &f);
      if (wr_json_present (&f))
        {
          if (!wr_json_get_int64_range (&f, 0, 07777, &v, error))
            return FALSE;
          d->has_mode = TRUE;
          d->file_mode = (guint32) v;
        }
      wr_json_member (&el, "uid", &f);
      if (wr_json_present (&f) && !wr_json_get_uint32 (&f, &d->uid, error))
        return FALSE;
      d->has_uid = wr_json_present (&f);
      wr_json_member (&el, "gid", &f);
      if (wr_json_present (&f) && !wr_json_get_uint32 (&f, &d->gid, error))
        return FALSE;
      d->has_gid = wr_json_present (&f);
    }
  return TRUE;
}

static gboolean
parse_path_list (const WrJsonCursor *linux, const char *key, char ***out, GError **error)
{
  WrJsonCursor list;

  wr_json_member (linux, key, &list);
  if (wr_json_present (&list))
    {
      if (!wr_json_get_strv (&list, out, error))
        return FALSE;
      for (guint i = 0; (*out)[i] != NULL; i++)
        {
          WrJsonCursor el;
          g_autofree char *p = NULL;
          wr_json_element (&list, i, &el);
          if (!get_absolute_path (&el, &p, TRUE, error))
            return FALSE;
        }
    }
  else
    *out = g_new0 (char *, 1);
  return TRUE;
}

static gboolean
parse_sysctl (const WrJsonCursor *linux, WarrenSpec *spec, GError **error)
{
  WrJsonCursor map;
  GHashTableIter iter;
  gpointer k;

  wr_json_member (linux, "sysctl", &map);
  if (!wr_json_present (&map))
    {
      spec->sysctl = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      return TRUE;
    }
  if (!wr_json_get_string_map (&map, &spec->sysctl, error))
    return FALSE;
  g_hash_table_iter_init (&iter, spec->sysctl);
  while (g_hash_table_iter_next (&iter, &k, NULL))
    {
      const char *key = k;
      WrJsonCursor f;
      wr_json_member (&map, key, &f);
      /* A key becomes a path under /proc/sys: no way out of it may be spelled. */
      if (*key == '\0' || strchr (key, '/') != NULL || strstr (key, "..") != NULL
          || key[0] == '.' || g_str_has_suffix (key, "."))
        return wr_json_fail (&f, error, "not a valid sysctl name");
    }
  return TRUE;
}

/* linux.intelRdt. closID names a directory of the resctrl root, so it is one path component;
 * memBwSchema is one "MB:" line (the runtime-spec's MUSTs). */
static gboolean
parse_intel_rdt (const WrJsonCursor *f, WarrenSpec *spec, GError **error)
{
  /* Owned by spec from here on: spec_free frees it whatever fails below. */
  SpecIntelRdt *rdt = spec->intel_rdt = g_new0 (SpecIntelRdt, 1);
  WrJsonCursor m;

  if (!wr_json_expect_object (f, error)
      || !wr_json_opt_string (f, "closID", &rdt->clos_id, error)
      || !wr_json_opt_string (f, "l3CacheSchema", &rdt->l3_cache_schema, error)
      || !wr_json_opt_string (f, "memBwSchema", &rdt->mem_bw_schema, error)
      || !wr_json_opt_string (f, "schemata", &rdt->schemata, error)
      || !wr_json_opt_bool (f, "enableCMT", &rdt->enable_cmt, error)
      || !wr_json_opt_bool (f, "enableMBM", &rdt->enable_mbm, error))
    return FALSE;
  wr_json_member (f, "closID", &m);
  if (rdt->clos_id != NULL
      && (*rdt->clos_id == '\0' || strchr (rdt->clos_id, '/') != NULL
          || strchr (rdt->clos_id, '\n') != NULL || strcmp (rdt->clos_id, ".") == 0
          || strcmp (rdt->clos_id, "..") == 0))
    return wr_json_fail (&m, error, "must name a resctrl group: not empty, no \"/\" or "
                         "newline, not \".\" or \"..\"");
  wr_json_member (f, "memBwSchema", &m);
  if (rdt->mem_bw_schema != NULL
      && (!g_str_has_prefix (rdt->mem_bw_schema, "MB:")
          || strchr (rdt->mem_bw_schema, '\n') != NULL))
    return wr_json_fail (&m, error, "must be one line starting with \"MB:\"");
  return TRUE;
}

static gboolean
parse_time_offset (const WrJsonCursor *offsets, const char *key, gint64 *secs, guint32 *nsecs,
                   GError **error)
{
  WrJsonCursor o, f;
  gint64 v = 0;

  wr_json_member (offsets, key, &o);
  if (!wr_json_present (&o))
    return TRUE;
  if (!wr_json_expect_object (&o, error) || !wr_json_opt_int64 (&o, "secs", secs, error))
    return FALSE;
  wr_json_member (&o, "nanosecs", &f);
  if (wr_json_present (&f) && !wr_json_get_int64_range (&f, 0, 999999999, &v, error))
    return FALSE;
  *nsecs = (guint32) v;
  return TRUE;
}

static gboolean
parse_linux (const WrJsonCursor *root, WarrenSpec *spec, GError **error)
{
  WrJsonCursor linux, f;

  wr_json_member (root, "linux", &linux);
  if (!wr_json_present (&linux))
    {
      spec->masked_paths = g_new0 (char *, 1);
      spec->readonly_paths = g_new0 (char *, 1);
      spec->sysctl = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      return TRUE;
    }
  if (!wr_json_expect_object (&linux, error) || !parse_namespaces (&linux, spec, error)
      || !parse_mappings (&linux, "uidMappings", &spec->uid_mappings, &spec->n_uid_mappings,
                          error)
      || !parse_mappings (&linux, "gidMappings", &spec->gid_mappings, &spec->n_gid_mappings,
                          error)
      || !parse_devices (&linux, spec, error)
      || !parse_path_list (&linux, "maskedPaths", &spec->masked_paths, error)
      || !parse_path_list (&linux, "readonlyPaths", &spec->readonly_paths, error)
      || !parse_sysctl (&linux, spec, error)
      || !wr_json_opt_string (&linux, "mountLabel", &spec->mount_label, error))
    return FALSE;
  if ((spec->n_uid_mappings > 0 || spec->n_gid_mappings > 0)
      && !spec->namespaces[SPEC_NS_USER].enabled)
    {
      wr_json_member (&linux, spec->n_uid_mappings > 0 ? "uidMappings" : "gidMappings", &f);
      return wr_json_fail (&f, error, "mappings need a user namespace in linux.namespaces");
    }

  wr_json_member (&linux, "rootfsPropagation", &f);
  if (wr_json_present (&f))
    {
      gboolean known = FALSE;
      if (!wr_json_get_string (&f, &spec->rootfs_propagation, error))
        return FALSE;
      for (gsize k = 0; k < G_N_ELEMENTS (propagation_options); k++)
        if (strcmp (spec->rootfs_propagation, propagation_options[k].name) == 0)
          {
            known = TRUE;
            spec->rootfs_propagation_flags = propagation_options[k].flags;
          }
      if (!known)
        return wr_json_fail (&f, error, "unknown propagation \"%s\"", spec->rootfs_propagation);
    }

  wr_json_member (&linux, "cgroupsPath", &f);
  if (wr_json_present (&f))
    {
      if (!wr_json_get_string (&f, &spec->cgroups_path, error))
        return FALSE;
      if (!wr_path_is_clean (spec->cgroups_path) && strchr (spec->cgroups_path, ':') == NULL)
        return wr_json_fail (&f, error, "must not contain \".\" or \"..\" components");
      if (strstr (spec->cgroups_path, "..") != NULL)
        return wr_json_fail (&f, error, "must not contain \"..\"");
    }
  wr_json_member (&linux, "resources", &f);
  if (wr_json_present (&f))
    {
      if (!wr_json_expect_object (&f, error))
        return FALSE;
      spec->has_resources = TRUE;
    }
  wr_json_member (&linux, "seccomp", &f);
  if (wr_json_present (&f) && !spec_seccomp_parse (&f, &spec->seccomp, error))
    return FALSE;
  wr_json_member (&linux, "personality", &f);
  if (wr_json_present (&f))
    {
      g_autofree char *domain = NULL;
      WrJsonCursor d;
      guint n = 0;

      if (!wr_json_expect_object (&f, error))
        return FALSE;
      wr_json_member (&f, "domain", &d);
      if (!wr_json_present (&d))
        return wr_json_fail (&d, error, "required");
      if (!wr_json_get_string (&d, &domain, error))
        return FALSE;
      if (strcmp (domain, "LINUX") == 0)
        spec->personality = PER_LINUX;
      else if (strcmp (domain, "LINUX32") == 0)
        spec->personality = PER_LINUX32;
      else
        return wr_json_fail (&d, error, "must be \"LINUX\" or \"LINUX32\", not \"%s\"", domain);
      wr_json_member (&f, "flags", &d);
      if (wr_json_present (&d) && !wr_json_array_length (&d, &n, error))
        return FALSE;
      if (n > 0)
        return wr_json_fail (&d, error, "the runtime-spec defines no personality flags yet");
      spec->has_personality = TRUE;
    }
  wr_json_member (&linux, "intelRdt", &f);
  if (wr_json_present (&f) && !parse_intel_rdt (&f, spec, error))
    return FALSE;
  wr_json_member (&linux, "timeOffsets", &f);
  if (wr_json_present (&f))
    {
      if (!wr_json_expect_object (&f, error)
          || !parse_time_offset (&f, "monotonic", &spec->monotonic_secs,
                                 &spec->monotonic_nanosecs, error)
          || !parse_time_offset (&f, "boottime", &spec->boottime_secs, &spec->boottime_nanosecs,
                                 error))
        return FALSE;
      spec->has_time_offsets = TRUE;
    }
  return TRUE;
}

static const char *const hook_stage_names[SPEC_HOOK_STAGE_COUNT]
    = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart",
        "poststop" };

const char *
spec_hook_stage_name (SpecHookStage stage)
{
  return hook_stage_names[stage];
}

void
spec_hooks_clear (SpecHooks *hooks)
{
  for (int s = 0; s < SPEC_HOOK_STAGE_COUNT; s++)
    {
      for (guint i = 0; i < hooks->stages[s].n; i++)
        {
          SpecHook *h = &hooks->stages[s].hooks[i];
          g_free (h->path);
          g_strfreev (h->args);
          g_strfreev (h->env);
        }
      g_clear_pointer (&hooks->stages[s].hooks, g_free);
      hooks->stages[s].n = 0;
    }
  g_clear_pointer (&hooks->node, json_node_unref);
}

gboolean
spec_hooks_any (const SpecHooks *hooks, SpecHookStage first, SpecHookStage last)
{
  for (int s = first; s <= (int) last; s++)
    if (hooks->stages[s].n > 0)
      return TRUE;
  return FALSE;
}

static gboolean
parse_hook (const WrJsonCursor *c, SpecHook *h, GError **error)
{
  WrJsonCursor f;
  gint64 timeout = 0;

  if (!wr_json_expect_object (c, error))
    return FALSE;
  wr_json_member (c, "path", &f);
  if (!wr_json_present (&f))
    return wr_json_fail (&f, error, "required");
  if (!get_absolute_path (&f, &h->path, FALSE, error)
      || !wr_json_opt_strv (c, "args", &h->args, error)
      || !wr_json_opt_strv (c, "env", &h->env, error))
    return FALSE;
  wr_json_member (c, "timeout", &f);
  if (wr_json_present (&f))
    {
      if (!wr_json_get_int64 (&f, &timeout, error))
        return FALSE;
      if (timeout <= 0 || timeout > G_MAXINT)
        return wr_json_fail (&f, error, "must be > 0 seconds");
      h->timeout = (int) timeout;
    }
  if (h->args == NULL || h->args[0] == NULL)
    {
      g_strfreev (h->args);
      h->args = g_new0 (char *, 2);
      h->args[0] = g_strdup (h->path);
    }
  if (h->env == NULL)
    h->env = g_new0 (char *, 1);
  return TRUE;
}

static gboolean
parse_hooks_cursor (const WrJsonCursor *hooks, SpecHooks *out, GError **error)
{
  if (!wr_json_present (hooks))
    return TRUE;
  if (!wr_json_expect_object (hooks, error))
    return FALSE;
  for (int s = 0; s < SPEC_HOOK_STAGE_COUNT; s++)
    {
      WrJsonCursor list;
      guint n = 0;

      wr_json_member (hooks, hook_stage_names[s], &list);
      if (!wr_json_present (&list))
        continue;
      if (!wr_json_array_length (&list, &n, error))
        return FALSE;
      out->stages[s].hooks = g_new0 (SpecHook, n);
      out->stages[s].n = n;
      for (guint i = 0; i < n; i++)
        {
          WrJsonCursor el;
          wr_json_element (&list, i, &el);
          if (!parse_hook (&el, &out->stages[s].hooks[i], error))
            return FALSE;
        }
    }
  out->node = json_node_copy (hooks->node);
  return TRUE;
}

gboolean
spec_hooks_parse_node (JsonNode *node, const char *file, SpecHooks *out, GError **error)
{
  WrJsonCursor root;

  wr_json_cursor_root (&root, file, node);
  if (!parse_hooks_cursor (&root, out, error))
    {
      spec_hooks_clear (out);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_hooks (const WrJsonCursor *root, WarrenSpec *spec, GError **error)
{
  WrJsonCursor hooks;

  wr_json_member (root, "hooks", &hooks);
  return parse_hooks_cursor (&hooks, &spec->hooks, error);
}

static WarrenSpec *
spec_parse (JsonNode *node, const char *file, GError **error)
{
  g_autoptr (WarrenSpec) spec = g_new0 (WarrenSpec, 1);
  WrJsonCursor root, f, r;

  wr_json_cursor_root (&root, file, node);
  if (!wr_json_expect_object (&root, error))
    return NULL;
  wr_json_member (&root, "ociVersion", &f);
  if (!wr_json_get_string (&f, &spec->oci_version, error))
    return NULL;

  wr_json_member (&root, "root", &r);
  if (!wr_json_present (&r))
    return wr_json_fail (&r, error, "required"), NULL;
  if (!wr_json_expect_object (&r, error))
    return NULL;
  wr_json_member (&r, "path", &f);
  if (!wr_json_get_string (&f, &spec->root_path, error))
    return NULL;
  if (*spec->root_path == '\0')
    return wr_json_fail (&f, error, "must not be empty"), NULL;
  if (!wr_json_opt_bool (&r, "readonly", &spec->root_readonly, error))
    return NULL;

  if (!wr_json_opt_string (&root, "hostname", &spec->hostname, error)
      || !wr_json_opt_string (&root, "domainname", &spec->domainname, error))
    return NULL;
  if (spec->hostname != NULL && strlen (spec->hostname) > 64)
    {
      wr_json_member (&root, "hostname", &f);
      return wr_json_fail (&f, error, "longer than 64 bytes"), NULL;
    }

  wr_json_member (&root, "process", &f);
  if (wr_json_present (&f) && !parse_process (&f, &spec->process, error))
    return NULL;
  if (!parse_mounts (&root, spec, error) || !parse_linux (&root, spec, error)
      || !parse_hooks (&root, spec, error))
    return NULL;

  wr_json_member (&root, "annotations", &f);
  if (wr_json_present (&f))
    {
      if (!wr_json_get_string_map (&f, &spec->annotations, error))
        return NULL;
    }
  else
    spec->annotations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return g_steal_pointer (&spec);
}

/* The JSON of a config or process file, refusing NUL bytes raw or escaped. */
static JsonNode *
parse_config_text (const char *data, gsize len, const char *file, GError **error)
{
  if (memchr (data, '\0', len) != NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "%s: contains a NUL byte", file), NULL;
  if (!refuse_nul_escapes (data, len, file, error))
    return NULL;
  return wr_json_parse_data (data, (gssize) len, file, error);
}

WarrenSpec *
spec_load_data (const char *data, gssize length, const char *file, GError **error)
{
  g_autoptr (JsonNode) node
      = parse_config_text (data, length < 0 ? strlen (data) : (gsize) length, file, error);

  if (node == NULL)
    return NULL;
  return spec_parse (node, file, error);
}

SpecProcess *
spec_process_load_file (const char *path, const char *file, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (JsonNode) node = NULL;
  SpecProcess *p = NULL;
  WrJsonCursor root;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, &local))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "%s: %s", file, local->message), NULL;
  node = parse_config_text (data, len, file, error);
  if (node == NULL)
    return NULL;
  wr_json_cursor_root (&root, file, node);
  if (!parse_process (&root, &p, error))
    {
      spec_process_free (p);
      return NULL;
    }
  return p;
}

WarrenSpec *
spec_load_file (const char *path, const char *file, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) local = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, &local))
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "%s: %s", file, local->message), NULL;
  return spec_load_data (data, (gssize) len, file, error);
}
