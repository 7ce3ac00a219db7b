/* spec-sched: process.scheduler and process.ioPriority read into SpecProcess and checked
 * against what sched_setattr(2) and ioprio_set(2) accept, every error naming the field.
 * Applying them is process.c's job. */
#include "spec.h"

#include <linux/ioprio.h>
#include <linux/sched.h>
#include <string.h>

static const struct
{
  const char *name;
  guint32 policy;
} policies[] = {
  { "SCHED_OTHER", SCHED_NORMAL }, { "SCHED_FIFO", SCHED_FIFO }, { "SCHED_RR", SCHED_RR },
  { "SCHED_BATCH", SCHED_BATCH },  { "SCHED_IDLE", SCHED_IDLE }, { "SCHED_DEADLINE", SCHED_DEADLINE },
};

static const struct
{
  const char *name;
  guint64 flag;
} sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK },
  { "SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM },
  { "SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN },
  { "SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY },
  { "SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS },
  { "SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX },
};

static const struct
{
  const char *name;
  int class;
} io_classes[] = {
  { "IOPRIO_CLASS_RT", IOPRIO_CLASS_RT },
  { "IOPRIO_CLASS_BE", IOPRIO_CLASS_BE },
  { "IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE },
};

static gboolean
opt_uint64 (const WrJsonCursor *object, const char *key, guint64 *out, GError **error)
{
  WrJsonCursor m;

  wr_json_member (object, key, &m);
  return !wr_json_present (&m) || wr_json_get_uint64 (&m, out, error);
}

static gboolean
parse_scheduler (const WrJsonCursor *c, SpecScheduler *s, GError **error)
{
  g_autofree char *policy = NULL;
  g_auto (GStrv) flags = NULL;
  WrJsonCursor m;
  gint64 v;
  gboolean known = FALSE;
  gboolean realtime;

  if (!wr_json_expect_object (c, error))
    return FALSE;
  wr_json_member (c, "policy", &m);
  if (!wr_json_present (&m))
    return wr_json_fail (&m, error, "required");
  if (!wr_json_get_string (&m, &policy, error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (policies); i++)
    if (strcmp (policy, policies[i].name) == 0)
      {
        s->policy = policies[i].policy;
        known = TRUE;
      }
  if (!known)
    return wr_json_fail (&m, error, "unknown policy \"%s\"%s", policy,
                         strcmp (policy, "SCHED_ISO") == 0 ? " (Linux has no SCHED_ISO)" : "");

  wr_json_member (c, "nice", &m);
  if (wr_json_present (&m))
    {
      if (!wr_json_get_int64_range (&m, -20, 19, &v, error))
        return FALSE;
      s->nice = (gint32) v;
    }
  realtime = s->policy == SCHED_FIFO || s->policy == SCHED_RR;
  wr_json_member (c, "priority", &m);
  if (wr_json_present (&m))
    {
      if (!wr_json_get_int64_range (&m, realtime ? 1 : 0, realtime ? 99 : 0, &v, error))
        return FALSE;
      s->priority = (guint32) v;
    }
  else if (realtime)
    return wr_json_fail (&m, error, "required by %s (1 to 99)", policy);

  if (!wr_json_opt_strv (c, "flags", &flags, error))
    return FALSE;
  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    {
      gboolean found = FALSE;
      for (gsize k = 0; k < G_N_ELEMENTS (sched_flags); k++)
        if (strcmp (flags[i], sched_flags[k].name) == 0)
          {
            s->flags |= sched_flags[k].flag;
            found = TRUE;
          }
      if (!found)
        {
          WrJsonCursor list, el;
          wr_json_member (c, "flags", &list);
          wr_json_element (&list, i, &el);
          return wr_json_fail (&el, error, "unknown flag \"%s\"", flags[i]);
        }
    }

  if (!opt_uint64 (c, "runtime", &s->runtime, error)
      || !opt_uint64 (c, "deadline", &s->deadline, error)
      || !opt_uint64 (c, "period", &s->period, error))
    return FALSE;
  if (s->policy == SCHED_DEADLINE)
    {
      guint64 period = s->period != 0 ? s->period : s->deadline;
      /* The kernel's own rule (sched_setattr(2)): runtime <= deadline <= period. */
      if (s->runtime == 0 || s->deadline == 0 || s->runtime > s->deadline
          || s->deadline > period)
        return wr_json_fail (c, error, "SCHED_DEADLINE needs 0 < runtime <= deadline <= "
                                       "period (or period 0)");
    }
  else if (s->runtime != 0 || s->deadline != 0 || s->period != 0)
    return wr_json_fail (c, error, "runtime, deadline and period are only for SCHED_DEADLINE");
  return TRUE;
}

static gboolean
parse_io_priority (const WrJsonCursor *c, SpecProcess *p, GError **error)
{
  g_autofree char *class_name = NULL;
  WrJsonCursor m;
  gint64 prio = 0;
  int class = -1;

  if (!wr_json_expect_object (c, error))
    return FALSE;
  wr_json_member (c, "class", &m);
  if (!wr_json_present (&m))
    return wr_json_fail (&m, error, "required");
  if (!wr_json_get_string (&m, &class_name, error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (io_classes); i++)
    if (strcmp (class_name, io_classes[i].name) == 0)
      class = io_classes[i].class;
  if (class < 0)
    return wr_json_fail (&m, error, "unknown class \"%s\"", class_name);
  wr_json_member (c, "priority", &m);
  if (wr_json_present (&m) && !wr_json_get_int64_range (&m, 0, 7, &prio, error))
    return FALSE;
  p->io_priority = IOPRIO_PRIO_VALUE (class, (int) prio);
  p->has_io_priority = TRUE;
  return TRUE;
}

gboolean
spec_sched_parse (const WrJsonCursor *process, SpecProcess *p, GError **error)
{
  WrJsonCursor m;

  wr_json_member (process, "scheduler", &m);
  if (wr_json_present (&m))
    {
      p->scheduler = g_new0 (SpecScheduler, 1);
      if (!parse_scheduler (&m, p->scheduler, error))
        return FALSE;
    }
  wr_json_member (process, "ioPriority", &m);
  return !wr_json_present (&m) || parse_io_priority (&m, p, error);
}
