/* spec-seccomp: linux.seccomp read into SpecSeccomp and checked, every error naming its JSON
 * path. Turning it into a BPF program is seccomp.c's job; names of syscalls are not checked
 * here (a name this kernel or libseccomp lacks is skipped when the filter is built). */
#include "spec.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>

#include "wr-error.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct
{
  const char *name;
  SpecSeccompAction action;
} actions[] = {
  { "SCMP_ACT_KILL", SPEC_SECCOMP_KILL_THREAD },
  { "SCMP_ACT_KILL_THREAD", SPEC_SECCOMP_KILL_THREAD },
  { "SCMP_ACT_KILL_PROCESS", SPEC_SECCOMP_KILL_PROCESS },
  { "SCMP_ACT_TRAP", SPEC_SECCOMP_TRAP },
  { "SCMP_ACT_ERRNO", SPEC_SECCOMP_ERRNO },
  { "SCMP_ACT_TRACE", SPEC_SECCOMP_TRACE },
  { "SCMP_ACT_ALLOW", SPEC_SECCOMP_ALLOW },
  { "SCMP_ACT_LOG", SPEC_SECCOMP_LOG },
  { "SCMP_ACT_NOTIFY", SPEC_SECCOMP_NOTIFY },
};

static const struct
{
  const char *name;
  SpecSeccompCompare op;
} compares[] = {
  { "SCMP_CMP_NE", SPEC_SECCOMP_CMP_NE },
  { "SCMP_CMP_LT", SPEC_SECCOMP_CMP_LT },
  { "SCMP_CMP_LE", SPEC_SECCOMP_CMP_LE },
  { "SCMP_CMP_EQ", SPEC_SECCOMP_CMP_EQ },
  { "SCMP_CMP_GE", SPEC_SECCOMP_CMP_GE },
  { "SCMP_CMP_GT", SPEC_SECCOMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SPEC_SECCOMP_CMP_MASKED_EQ },
};

static const struct
{
  const char *name;
  guint flag;
} filter_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

/* The architectures of the runtime-spec; whether libseccomp knows one is for seccomp.c. */
static const char *const architectures[] = {
  "SCMP_ARCH_X86",       "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64",   "SCMP_ARCH_MIPS",      "SCMP_ARCH_MIPS64",  "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL",    "SCMP_ARCH_MIPSEL64",  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
  "SCMP_ARCH_PPC64",     "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_S390",    "SCMP_ARCH_S390X",
  "SCMP_ARCH_PARISC",    "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
  "SCMP_ARCH_M68K",      "SCMP_ARCH_SH",        "SCMP_ARCH_SHEB",
};

const char *
spec_seccomp_action_name (SpecSeccompAction action)
{
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    if (actions[i].action == action && strcmp (actions[i].name, "SCMP_ACT_KILL") != 0)
      return actions[i].name;
  return "?";
}

static gboolean
parse_action (const WrJsonCursor *c, SpecSeccompAction *out, GError **error)
{
  g_autofree char *name = NULL;

  if (!wr_json_present (c))
    return wr_json_fail (c, error, "required");
  if (!wr_json_get_string (c, &name, error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    if (strcmp (name, actions[i].name) == 0)
      {
        *out = actions[i].action;
        return TRUE;
      }
  return wr_json_fail (c, error, "unknown action \"%s\"", name);
}

static gboolean
parse_errno_ret (const WrJsonCursor *object, const char *key, guint32 *out, gboolean *out_set,
                 GError **error)
{
  WrJsonCursor m;
  gint64 v;

  *out = EPERM;
  wr_json_member (object, key, &m);
  if (!wr_json_present (&m))
    return TRUE;
  /* The kernel keeps SECCOMP_RET_DATA, 16 bits; errno values end at 4095. */
  if (!wr_json_get_int64_range (&m, 0, 4095, &v, error))
    return FALSE;
  *out = (guint32) v;
  if (out_set != NULL)
    *out_set = TRUE;
  return TRUE;
}

static gboolean
parse_arg (const WrJsonCursor *el, SpecSeccompArg *a, GError **error)
{
  g_autofree char *op = NULL;
  WrJsonCursor m;
  gint64 index;
  gboolean known = FALSE;

  if (!wr_json_expect_object (el, error))
    return FALSE;
  wr_json_member (el, "index", &m);
  if (!wr_json_present (&m))
    return wr_json_fail (&m, error, "required");
  if (!wr_json_get_int64_range (&m, 0, 5, &index, error))
    return FALSE;
  a->index = (guint) index;
  wr_json_member (el, "value", &m);
  if (!wr_json_present (&m))
    return wr_json_fail (&m, error, "required");
  if (!wr_json_get_uint64 (&m, &a->value, error))
    return FALSE;
  wr_json_member (el, "valueTwo", &m);
  if (wr_json_present (&m) && !wr_json_get_uint64 (&m, &a->value_two, error))
    return FALSE;
  wr_json_member (el, "op", &m);
  if (!wr_json_present (&m))
    return wr_json_fail (&m, error, "required");
  if (!wr_json_get_string (&m, &op, error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (compares); i++)
    if (strcmp (op, compares[i].name) == 0)
      {
        a->op = compares[i].op;
        known = TRUE;
      }
  if (!known)
    return wr_json_fail (&m, error, "unknown operator \"%s\"", op);
  return TRUE;
}

static gboolean
parse_rule (const WrJsonCursor *el, SpecSeccompRule *r, GError **error)
{
  WrJsonCursor m, arg;
  guint n;

  if (!wr_json_expect_object (el, error))
    return FALSE;
  wr_json_member (el, "names", &m);
  if (!wr_json_present (&m))
    return wr_json_fail (&m, error, "required");
  if (!wr_json_get_strv (&m, &r->names, error))
    return FALSE;
  if (r->names[0] == NULL)
    return wr_json_fail (&m, error, "must name at least one syscall");
  for (guint i = 0; r->names[i] != NULL; i++)
    if (*r->names[i] == '\0')
      {
        WrJsonCursor name;
        wr_json_element (&m, i, &name);
        return wr_json_fail (&name, error, "must not be empty");
      }
  wr_json_member (el, "action", &m);
  if (!parse_action (&m, &r->action, error)
      || !parse_errno_ret (el, "errnoRet", &r->errno_ret, &r->has_errno_ret, error))
    return FALSE;
  if (r->has_errno_ret && r->action != SPEC_SECCOMP_ERRNO && r->action != SPEC_SECCOMP_TRACE)
    {
      wr_json_member (el, "errnoRet", &m);
      return wr_json_fail (&m, error, "only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not %s",
                           spec_seccomp_action_name (r->action));
    }

  wr_json_member (el, "args", &m);
  if (!wr_json_present (&m))
    return TRUE;
  if (!wr_json_array_length (&m, &n, error))
    return FALSE;
  r->args = g_new0 (SpecSeccompArg, n);
  for (guint i = 0; i < n; i++, r->n_args++)
    {
      wr_json_element (&m, i, &arg);
      if (!parse_arg (&arg, &r->args[i], error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_flags (const WrJsonCursor *seccomp, SpecSeccomp *s, GError **error)
{
  g_auto (GStrv) flags = NULL;
  WrJsonCursor m, el;

  wr_json_member (seccomp, "flags", &m);
  if (!wr_json_present (&m))
    return TRUE;
  if (!wr_json_get_strv (&m, &flags, error))
    return FALSE;
  for (guint i = 0; flags[i] != NULL; i++)
    {
      gboolean known = FALSE;
      for (gsize k = 0; k < G_N_ELEMENTS (filter_flags); k++)
        if (strcmp (flags[i], filter_flags[k].name) == 0)
          {
            s->flags |= filter_flags[k].flag;
            known = TRUE;
          }
      wr_json_element (&m, i, &el);
      if (!known)
        return wr_json_fail (&el, error, "unknown flag \"%s\"", flags[i]);
    }
  return TRUE;
}

static gboolean
parse_architectures (const WrJsonCursor *seccomp, SpecSeccomp *s, GError **error)
{
  WrJsonCursor m, el;

  wr_json_member (seccomp, "architectures", &m);
  if (!wr_json_present (&m))
    {
      s->architectures = g_new0 (char *, 1);
      return TRUE;
    }
  if (!wr_json_get_strv (&m, &s->architectures, error))
    return FALSE;
  for (guint i = 0; s->architectures[i] != NULL; i++)
    if (!g_strv_contains (architectures, s->architectures[i]))
      {
        wr_json_element (&m, i, &el);
        return wr_json_fail (&el, error, "unknown architecture \"%s\"", s->architectures[i]);
      }
  return TRUE;
}

static gboolean
parse (const WrJsonCursor *cursor, SpecSeccomp *s, GError **error)
{
  const WrJsonCursor seccomp = *cursor;
  WrJsonCursor m, el;
  guint n;

  if (!wr_json_expect_object (&seccomp, error))
    return FALSE;
  s->node = json_node_copy (seccomp.node);
  wr_json_member (&seccomp, "defaultAction", &m);
  if (!parse_action (&m, &s->default_action, error)
      || !parse_errno_ret (&seccomp, "defaultErrnoRet", &s->default_errno_ret, NULL, error)
      || !parse_architectures (&seccomp, s, error) || !parse_flags (&seccomp, s, error)
      || !wr_json_opt_string (&seccomp, "listenerPath", &s->listener_path, error)
      || !wr_json_opt_string (&seccomp, "listenerMetadata", &s->listener_metadata, error))
    return FALSE;
  s->uses_notify = s->default_action == SPEC_SECCOMP_NOTIFY;

  wr_json_member (&seccomp, "syscalls", &m);
  if (wr_json_present (&m))
    {
      if (!wr_json_array_length (&m, &n, error))
        return FALSE;
      s->rules = g_new0 (SpecSeccompRule, n);
      for (guint i = 0; i < n; i++)
        {
          s->n_rules++; /* counted first: a half-parsed rule is freed with the rest */
          wr_json_element (&m, i, &el);
          if (!parse_rule (&el, &s->rules[i], error))
            return FALSE;
          if (s->rules[i].action == SPEC_SECCOMP_NOTIFY)
            s->uses_notify = TRUE;
        }
    }

  /* The kernel refuses a notifying default action (it would catch the runtime's own execve);
   * runc refuses it too. */
  if (s->default_action == SPEC_SECCOMP_NOTIFY)
    {
      wr_json_member (&seccomp, "defaultAction", &m);
      return wr_json_fail (&m, error, "SCMP_ACT_NOTIFY cannot be the default action");
    }
  wr_json_member (&seccomp, "listenerPath", &m);
  if (s->uses_notify && (s->listener_path == NULL || *s->listener_path == '\0'))
    return wr_json_fail (&m, error, "required by an SCMP_ACT_NOTIFY rule");
  if (s->listener_path != NULL && !g_path_is_absolute (s->listener_path))
    return wr_json_fail (&m, error, "must be an absolute path");
  if ((s->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) != 0 && !s->uses_notify)
    {
      wr_json_member (&seccomp, "flags", &m);
      return wr_json_fail (&m, error,
                           "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs an SCMP_ACT_NOTIFY rule");
    }
  return TRUE;
}

gboolean
spec_seccomp_parse (const WrJsonCursor *seccomp, SpecSeccomp **out, GError **error)
{
  g_autoptr (SpecSeccomp) s = g_new0 (SpecSeccomp, 1);

  if (!parse (seccomp, s, error))
    return FALSE;
  *out = g_steal_pointer (&s);
  return TRUE;
}

SpecSeccomp *
spec_seccomp_parse_node (JsonNode *node, const char *file, GError **error)
{
  SpecSeccomp *s = NULL;
  WrJsonCursor c;

  wr_json_cursor_root (&c, file, node);
  if (!spec_seccomp_parse (&c, &s, error))
    return NULL;
  return s;
}

void
spec_seccomp_free (SpecSeccomp *s)
{
  if (s == NULL)
    return;
  g_clear_pointer (&s->node, json_node_unref);
  g_strfreev (s->architectures);
  g_free (s->listener_path);
  g_free (s->listener_metadata);
  for (guint i = 0; i < s->n_rules; i++)
    {
      g_strfreev (s->rules[i].names);
      g_free (s->rules[i].args);
    }
  g_free (s->rules);
  g_free (s);
}
