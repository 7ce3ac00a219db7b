#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <linux/ioprio.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "wr-autocleanups.h"
#include "wr-error.h"
#include "wr-glib-compat.h"
#include "wr-path.h"

gboolean
process_set_rlimits (const SpecProcess *process, GError **error)
{
  for (guint i = 0; i < process->n_rlimits; i++)
    {
      const SpecRlimit *r = &process->rlimits[i];
      struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };

      /* Raising a hard limit needs CAP_SYS_RESOURCE, which even root may lack; the error
       * names the limit instead of failing obscurely later. */
      if (setrlimit (r->type, &rl) < 0)
        return wr_throw_errno (error, "process.rlimits[%u]: set %s to %" G_GUINT64_FORMAT
                               "/%" G_GUINT64_FORMAT, i, r->name, r->soft, r->hard);
    }
  return TRUE;
}

/* sched_setattr(2)'s argument, as the kernel defines it (linux/sched/types.h clashes with
 * the C library's sched.h). */
struct sched_attr_v1
{
  guint32 size;
  guint32 sched_policy;
  guint64 sched_flags;
  gint32 sched_nice;
  guint32 sched_priority;
  guint64 sched_runtime;
  guint64 sched_deadline;
  guint64 sched_period;
  guint32 sched_util_min;
  guint32 sched_util_max;
};

gboolean
process_set_scheduler (const SpecProcess *process, GError **error)
{
  const SpecScheduler *s = process->scheduler;
  struct sched_attr_v1 attr = { .size = sizeof attr };

  if (s == NULL)
    return TRUE;
  attr.sched_policy = s->policy;
  attr.sched_flags = s->flags;
  attr.sched_nice = s->nice;
  attr.sched_priority = s->priority;
  attr.sched_runtime = s->runtime;
  attr.sched_deadline = s->deadline;
  attr.sched_period = s->period;
  if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
    return wr_throw_errno (error, "process.scheduler: sched_setattr");
  return TRUE;
}

gboolean
process_set_io_priority (const SpecProcess *process, GError **error)
{
  if (!process->has_io_priority)
    return TRUE;
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, process->io_priority) < 0)
    return wr_throw_errno (error, "process.ioPriority: ioprio_set");
  return TRUE;
}

gboolean
process_set_oom_score_adj (const SpecProcess *process, int proc_fd, GError **error)
{
  g_autofd int fd = -1;
  char buf[16];
  int len;

  if (!process->has_oom_score_adj)
    return TRUE;
  fd = wr_openat2 (proc_fd, "self/oom_score_adj", O_WRONLY | O_CLOEXEC,
                   RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
  if (fd < 0)
    return wr_throw_errno (error, "process.oomScoreAdj: open /proc/self/oom_score_adj");
  len = g_snprintf (buf, sizeof buf, "%d", process->oom_score_adj);
  if (write (fd, buf, (size_t) len) != len)
    return wr_throw_errno (error, "process.oomScoreAdj: write %d", process->oom_score_adj);
  return TRUE;
}

static cap_value_t
last_cap (void)
{
  return (cap_value_t) cap_max_bits () - 1;
}

/* Names the kernel does not know are skipped, as runc does: a config written for a newer
 * kernel still runs. spec.c has already refused names libcap does not know. */
static gboolean
cap_list (char **names, const char *field, GArray *out)
{
  if (names == NULL)
    return TRUE;
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (names[i], -1);
      cap_value_t v;

      if (cap_from_name (lower, &v) < 0)
        continue;
      if (v > last_cap ())
        {
          log_debug ("process.capabilities.%s: %s is unknown to this kernel, skipped", field,
                     names[i]);
          continue;
        }
      g_array_append_val (out, v);
    }
  return TRUE;
}

/* cap_to_name() memory belongs to libcap (cap_free); hand out a GLib copy. */
static char *
cap_name (cap_value_t v)
{
  char *name = cap_to_name (v);
  char *copy = g_strdup (name != NULL ? name : "?");

  cap_free (name);
  return copy;
}

static gboolean
cap_in (GArray *set, cap_value_t v)
{
  for (guint i = 0; i < set->len; i++)
    if (g_array_index (set, cap_value_t, i) == v)
      return TRUE;
  return FALSE;
}

gboolean
process_drop_bounding (const SpecProcess *process, GError **error)
{
  g_autoptr (GArray) bounding = g_array_new (FALSE, FALSE, sizeof (cap_value_t));

  if (process->capabilities != NULL)
    cap_list (process->capabilities->bounding, "bounding", bounding);
  /* One prctl per capability: EINVAL means the kernel lacks it, nothing to drop (asking
   * first with CAP_IS_SUPPORTED would double the syscalls). */
  for (cap_value_t v = 0; v <= last_cap (); v++)
    {
      if (cap_in (bounding, v))
        continue;
      if (prctl (PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL)
        {
          g_autofree char *name = cap_name (v);
          return wr_throw_errno (error, "process.capabilities.bounding: drop %s", name);
        }
    }
  return TRUE;
}

gboolean
process_switch_user (const SpecProcess *process, gboolean setgroups_allowed, GError **error)
{
  if (setgroups_allowed)
    {
      g_autofree gid_t *groups = g_new0 (gid_t, process->n_additional_gids + 1);
      for (guint i = 0; i < process->n_additional_gids; i++)
        groups[i] = process->additional_gids[i];
      if (setgroups (process->n_additional_gids, groups) < 0)
        return wr_throw_errno (error, "process.user.additionalGids: setgroups");
    }
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return wr_throw_errno (error, "keep capabilities across the user switch");
  if (setresgid (process->gid, process->gid, process->gid) < 0)
    return wr_throw_errno (error, "process.user.gid: setgid %u", process->gid);
  if (setresuid (process->uid, process->uid, process->uid) < 0)
    return wr_throw_errno (error, "process.user.uid: setuid %u", process->uid);
  return TRUE;
}

gboolean
process_set_caps (const SpecProcess *process, GError **error)
{
  g_autoptr (GArray) effective = g_array_new (FALSE, FALSE, sizeof (cap_value_t));
  g_autoptr (GArray) permitted = g_array_new (FALSE, FALSE, sizeof (cap_value_t));
  g_autoptr (GArray) inheritable = g_array_new (FALSE, FALSE, sizeof (cap_value_t));
  g_autoptr (GArray) ambient = g_array_new (FALSE, FALSE, sizeof (cap_value_t));
  g_auto (WrCap) caps = cap_init ();
  const SpecCapabilities *c = process->capabilities;

  /* No capabilities object means none at all: a container never runs with more than it
   * asks for. */
  if (c != NULL)
    {
      cap_list (c->effective, "effective", effective);
      cap_list (c->permitted, "permitted", permitted);
      cap_list (c->inheritable, "inheritable", inheritable);
      cap_list (c->ambient, "ambient", ambient);
    }
  if (caps == NULL)
    return wr_throw_errno (error, "cap_init");
  if ((effective->len > 0
       && cap_set_flag (caps, CAP_EFFECTIVE, (int) effective->len,
                        (cap_value_t *) effective->data, CAP_SET) < 0)
      || (permitted->len > 0
          && cap_set_flag (caps, CAP_PERMITTED, (int) permitted->len,
                           (cap_value_t *) permitted->data, CAP_SET) < 0)
      || (inheritable->len > 0
          && cap_set_flag (caps, CAP_INHERITABLE, (int) inheritable->len,
                           (cap_value_t *) inheritable->data, CAP_SET) < 0))
    return wr_throw_errno (error, "process.capabilities: build the set");
  if (cap_set_proc (caps) < 0)
    return wr_throw_errno (error, "process.capabilities: apply (effective must be a subset "
                                  "of permitted)");
  /* One call; libcap's cap_reset_ambient probes every capability first. EINVAL: a kernel
   * without ambient capabilities has none to clear. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return wr_throw_errno (error, "process.capabilities.ambient: reset");
  for (guint i = 0; i < ambient->len; i++)
    {
      cap_value_t v = g_array_index (ambient, cap_value_t, i);
      /* The kernel only raises an ambient cap that is permitted and inheritable. `runc spec`
       * writes ambient caps without inheritable ones; such a cap is skipped here, and
       * container.c has warned about it on the caller's stderr (never a silent grant). */
      if (!cap_in (permitted, v) || !cap_in (inheritable, v))
        continue;
      if (cap_set_ambient (v, CAP_SET) < 0)
        {
          g_autofree char *name = cap_name (v);
          return wr_throw_errno (error, "process.capabilities.ambient: raise %s", name);
        }
    }
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return wr_throw_errno (error, "clear keep-capabilities");
  return TRUE;
}

gboolean
process_enter_cwd (const SpecProcess *process, GError **error)
{
  g_autofd int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  g_autofd int fd = -1;

  if (root < 0)
    return wr_throw_errno (error, "open /");
  /* Resolved inside the container's root with no magic links, so a cwd of
   * /proc/self/fd/N can never name a directory of the host (runc CVE-2024-21626). */
  fd = wr_openat2 (root, process->cwd[1] != '\0' ? process->cwd + 1 : ".", O_PATH | O_DIRECTORY | O_CLOEXEC,
                   RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    return wr_throw_errno (error, "process.cwd: %s", process->cwd);
  if (fchdir (fd) < 0)
    return wr_throw_errno (error, "process.cwd: chdir %s", process->cwd);
  return TRUE;
}

static gboolean
is_executable (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

char *
process_find_executable (const SpecProcess *process, GError **error)
{
  const char *name = process->args[0];
  const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  g_auto (GStrv) dirs = NULL;

  if (strchr (name, '/') != NULL)
    {
      if (!is_executable (name))
        return wr_throw_errno (error, "exec: \"%s\"", name), NULL;
      return g_strdup (name);
    }
  for (guint i = 0; process->env[i] != NULL; i++)
    if (g_str_has_prefix (process->env[i], "PATH="))
      path = process->env[i] + 5;
  dirs = g_strsplit (path, ":", -1);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *candidate = g_build_filename (*dirs[i] ? dirs[i] : ".", name, NULL);
      if (is_executable (candidate))
        return g_steal_pointer (&candidate);
    }
  return wr_throw (error, WARREN_ERROR_NOT_FOUND,
                   "exec: \"%s\": executable file not found in $PATH", name),
         NULL;
}

gboolean
process_keep_only_passed_fds (int preserve_fds, GError **error)
{
  unsigned first = 3 + (unsigned) preserve_fds;

  /* Every fd beyond stdio and --preserve-fds closes at exec, whatever leaked into warren. */
  for (unsigned fd = 3; fd < first; fd++)
    if (fcntl ((int) fd, F_SETFD, 0) < 0 && errno != EBADF)
      return wr_throw_errno (error, "--preserve-fds: keep fd %u", fd);
  if (syscall (SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return wr_throw_errno (error, "mark fds close-on-exec");
  return TRUE;
}
