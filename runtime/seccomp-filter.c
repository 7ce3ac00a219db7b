#include "seccomp-filter.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "sync.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"
#include "wr-path.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

struct _SeccompFilter
{
  struct sock_fprog prog;
  guint flags;
  gboolean notify;
};

typedef scmp_filter_ctx WrSeccompCtx;
static void
seccomp_ctx_release (WrSeccompCtx ctx)
{
  if (ctx != NULL)
    seccomp_release (ctx);
}
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (WrSeccompCtx, seccomp_ctx_release, NULL)

static guint32
scmp_action (SpecSeccompAction action, guint32 errno_ret)
{
  switch (action)
    {
    case SPEC_SECCOMP_KILL_THREAD:
      return SCMP_ACT_KILL_THREAD;
    case SPEC_SECCOMP_KILL_PROCESS:
      return SCMP_ACT_KILL_PROCESS;
    case SPEC_SECCOMP_TRAP:
      return SCMP_ACT_TRAP;
    case SPEC_SECCOMP_ERRNO:
      return SCMP_ACT_ERRNO (errno_ret);
    case SPEC_SECCOMP_TRACE:
      return SCMP_ACT_TRACE (errno_ret);
    case SPEC_SECCOMP_LOG:
      return SCMP_ACT_LOG;
    case SPEC_SECCOMP_NOTIFY:
      return SCMP_ACT_NOTIFY;
    case SPEC_SECCOMP_ALLOW:
    default:
      return SCMP_ACT_ALLOW;
    }
}

/* "SCMP_ARCH_X86_64" → libseccomp's token; 0 when this libseccomp lacks it. */
static guint32
scmp_arch (const char *oci_name)
{
  g_autofree char *name = g_ascii_strdown (oci_name + strlen ("SCMP_ARCH_"), -1);

  return seccomp_arch_resolve_name (name);
}

static gboolean
args_repeat_an_index (const SpecSeccompRule *r)
{
  for (guint i = 0; i < r->n_args; i++)
    for (guint j = i + 1; j < r->n_args; j++)
      if (r->args[i].index == r->args[j].index)
        return TRUE;
  return FALSE;
}

static struct scmp_arg_cmp
scmp_arg (const SpecSeccompArg *a)
{
  return (struct scmp_arg_cmp){ .arg = a->index,
                                .op = (enum scmp_compare) a->op,
                                .datum_a = a->value,
                                .datum_b = a->value_two };
}

static gboolean
add_rule (WrSeccompCtx ctx, const SpecSeccompRule *r, guint index, guint32 action, int nr,
          const char *name, GError **error)
{
  struct scmp_arg_cmp cmp[6];
  int rc = 0;

  if (r->n_args == 0)
    rc = seccomp_rule_add_array (ctx, action, nr, 0, NULL);
  else if (args_repeat_an_index (r))
    {
      /* libseccomp takes one comparison per argument in a rule: conditions on the same
       * argument become separate rules, any of which matches (as runc does). */
      for (guint i = 0; i < r->n_args && rc == 0; i++)
        {
          cmp[0] = scmp_arg (&r->args[i]);
          rc = seccomp_rule_add_array (ctx, action, nr, 1, cmp);
        }
    }
  else
    {
      for (guint i = 0; i < r->n_args; i++)
        cmp[i] = scmp_arg (&r->args[i]);
      rc = seccomp_rule_add_array (ctx, action, nr, r->n_args, cmp);
    }
  if (rc < 0)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                     "config.json: linux.seccomp.syscalls[%u]: add a rule for %s: %s", index,
                     name, g_strerror (-rc));
  return TRUE;
}

static gboolean
export_program (WrSeccompCtx ctx, struct sock_fprog *out, GError **error)
{
  g_autofd int fd = memfd_create ("warren-seccomp", MFD_CLOEXEC);
  struct stat st;
  int rc;

  if (fd < 0)
    return wr_throw_errno (error, "linux.seccomp: memfd_create");
  rc = seccomp_export_bpf (ctx, fd);
  if (rc < 0)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG, "linux.seccomp: build the filter: %s",
                     g_strerror (-rc));
  if (fstat (fd, &st) < 0)
    return wr_throw_errno (error, "linux.seccomp: stat the filter");
  if (st.st_size == 0 || st.st_size % sizeof (struct sock_filter) != 0
      || st.st_size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                     "linux.seccomp: the filter has %jd bytes; the kernel takes at most %d "
                     "instructions",
                     (intmax_t) st.st_size, BPF_MAXINSNS);
  out->len = (unsigned short) (st.st_size / sizeof (struct sock_filter));
  out->filter = g_malloc (st.st_size);
  if (pread (fd, out->filter, st.st_size, 0) != st.st_size)
    return wr_throw_errno (error, "linux.seccomp: read the filter back");
  return TRUE;
}

static gboolean compile (const SpecSeccomp *s, struct sock_fprog *out, GError **error);

#define CACHE_DIR ".seccomp-cache"
#define CACHE_MAX_ENTRIES 32

/* The key of a compiled program: what decides its instructions (not the listener or the
 * flags, which are not part of it), and the libseccomp that compiled it. */
static char *
cache_key (const SpecSeccomp *s)
{
  static const char *const members[] = { "defaultAction", "defaultErrnoRet", "architectures",
                                         "syscalls" };
  const struct scmp_version *v = seccomp_version ();
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  JsonObject *o = json_node_get_object (s->node);
  g_autofree char *version = g_strdup_printf ("warren-bpf-2 libseccomp %u.%u.%u\n", v->major,
                                              v->minor, v->micro);

  g_checksum_update (sum, (const guchar *) version, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *m = json_object_get_member (o, members[i]);
      g_autofree char *text = m != NULL ? json_to_string (m, FALSE) : g_strdup ("-");
      g_checksum_update (sum, (const guchar *) members[i], -1);
      g_checksum_update (sum, (const guchar *) "=", 1);
      g_checksum_update (sum, (const guchar *) text, -1);
      g_checksum_update (sum, (const guchar *) "\n", 1);
    }
  return g_strdup (g_checksum_get_string (sum));
}

static gboolean
program_size_ok (off_t size)
{
  return size > 0 && size % sizeof (struct sock_filter) == 0
         && size / sizeof (struct sock_filter) <= BPF_MAXINSNS;
}

/* A program this user compiled before; FALSE (and nothing set) when there is none. */
static gboolean
cache_read (int root_fd, const char *key, struct sock_fprog *out)
{
  g_autofree char *path = g_strdup_printf (CACHE_DIR "/%s", key);
  g_autofd int fd = wr_openat2 (root_fd, path, O_RDONLY | O_CLOEXEC,
                                RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
  g_autofree struct sock_filter *insns = NULL;
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_uid != geteuid ()
      || !program_size_ok (st.st_size))
    return FALSE;
  insns = g_malloc (st.st_size);
  if (pread (fd, insns, st.st_size, 0) != st.st_size)
    return FALSE;
  out->len = (unsigned short) (st.st_size / sizeof (struct sock_filter));
  out->filter = g_steal_pointer (&insns);
  return TRUE;
}

/* Best effort: a failure costs the next create a compile, nothing else. Atomic by rename, so
 * a reader never sees half a program. */
static void
cache_write (int root_fd, const char *key, const struct sock_fprog *prog)
{
  g_autofd int dir = -1;
  g_autofd int fd = -1;
  g_autofree char *tmp = g_strdup_printf ("%s.%d.tmp", key, (int) getpid ());
  gsize size = prog->len * sizeof (struct sock_filter);
  DIR *d;
  struct dirent *de;
  guint entries = 0;

  if (mkdirat (root_fd, CACHE_DIR, 0700) < 0 && errno != EEXIST)
    return;
  dir = openat (root_fd, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0)
    return;
  /* Bounded: profiles that keep changing start a fresh cache instead of filling the disk. */
  {
    int list_fd = fcntl (dir, F_DUPFD_CLOEXEC, 0);
    d = list_fd >= 0 ? fdopendir (list_fd) : NULL;
    if (d == NULL)
      {
        if (list_fd >= 0)
          (void) close (list_fd);
        return;
      }
  }
  while ((de = readdir (d)) != NULL)
    if (de->d_name[0] != '.')
      entries++;
  if (entries >= CACHE_MAX_ENTRIES)
    {
      rewinddir (d);
      while ((de = readdir (d)) != NULL)
        if (de->d_name[0] != '.')
          (void) unlinkat (dir, de->d_name, 0); /* gone already is fine */
    }
  closedir (d);
  fd = openat (dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  if (!wr_write_all (fd, prog->filter, size, NULL) || renameat (dir, tmp, dir, key) < 0)
    {
      (void) unlinkat (dir, tmp, 0); /* a leftover would only be a stray file */
      return;
    }
  log_debug ("linux.seccomp: compiled program cached as %s/%s", CACHE_DIR, key);
}

SeccompFilter *
seccomp_filter_compile (const SpecSeccomp *s, int cache_root_fd, GError **error)
{
  g_autoptr (SeccompFilter) filter = g_new0 (SeccompFilter, 1);
  g_autofree char *key = NULL;

  filter->flags = s->flags;
  filter->notify = s->uses_notify;
  if (cache_root_fd >= 0 && s->node != NULL)
    {
      key = cache_key (s);
      if (cache_read (cache_root_fd, key, &filter->prog))
        return g_steal_pointer (&filter);
    }
  if (!compile (s, &filter->prog, error))
    return NULL;
  if (key != NULL)
    cache_write (cache_root_fd, key, &filter->prog);
  return g_steal_pointer (&filter);
}

static gboolean
compile (const SpecSeccomp *s, struct sock_fprog *out, GError **error)
{
  guint32 default_action = scmp_action (s->default_action, s->default_errno_ret);
  g_auto (WrSeccompCtx) ctx = seccomp_init (default_action);
  int rc;

  if (ctx == NULL)
    return wr_throw (error, WARREN_ERROR_NOT_SUPPORTED,
                     "config.json: linux.seccomp.defaultAction: %s is not supported by "
                     "this kernel or libseccomp",
                     spec_seccomp_action_name (s->default_action)),
           FALSE;
  /* A binary tree of syscall numbers instead of a linear list: with hundreds of rules every
   * syscall of the container is checked in a few comparisons. */
  rc = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (rc < 0)
    log_debug ("linux.seccomp: no binary-tree optimisation: %s", g_strerror (-rc));
  for (guint i = 0; s->architectures[i] != NULL; i++)
    {
      guint32 arch = scmp_arch (s->architectures[i]);
      if (arch == 0)
        return wr_throw (error, WARREN_ERROR_NOT_SUPPORTED,
                         "config.json: linux.seccomp.architectures[%u]: %s is unknown to "
                         "libseccomp %u.%u",
                         i, s->architectures[i], seccomp_version ()->major,
                         seccomp_version ()->minor),
               FALSE;
      rc = seccomp_arch_add (ctx, arch);
      if (rc < 0 && rc != -EEXIST)
        return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                         "config.json: linux.seccomp.architectures[%u]: add %s: %s", i,
                         s->architectures[i], g_strerror (-rc)),
               FALSE;
    }

  for (guint i = 0; i < s->n_rules; i++)
    {
      const SpecSeccompRule *r = &s->rules[i];
      guint32 action = scmp_action (r->action, r->errno_ret);

      /* libseccomp refuses a rule that repeats the default; it changes nothing anyway. */
      if (action == default_action)
        continue;
      for (guint j = 0; r->names[j] != NULL; j++)
        {
          int nr = seccomp_syscall_resolve_name (r->names[j]);
          if (nr == __NR_SCMP_ERROR)
            {
              log_debug ("linux.seccomp.syscalls[%u]: %s is unknown here, skipped", i,
                         r->names[j]);
              continue;
            }
          if (!add_rule (ctx, r, i, action, nr, r->names[j], error))
            return FALSE;
        }
    }
  return export_program (ctx, out, error);
}

void
seccomp_filter_free (SeccompFilter *filter)
{
  if (filter == NULL)
    return;
  g_free (filter->prog.filter);
  g_free (filter);
}

gboolean
seccomp_filter_load (const SeccompFilter *filter, int *out_listener, GError **error)
{
  unsigned long flags = filter->flags;
  long rc;

  if (filter->notify)
    {
      flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* TSYNC reports a failing thread through the return value the listener needs. */
      if ((flags & SECCOMP_FILTER_FLAG_TSYNC) != 0)
        flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  rc = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &filter->prog);
  if (rc < 0)
    {
      if (errno == EACCES)
        return wr_throw_errno (error, "linux.seccomp: load the filter (it needs "
                                      "process.noNewPrivileges or CAP_SYS_ADMIN)");
      if (errno == EINVAL && flags != 0)
        return wr_throw_errno (error, "linux.seccomp: load the filter (flags 0x%lx: this "
                                      "kernel may lack one)", flags);
      return wr_throw_errno (error, "linux.seccomp: load the filter");
    }
  *out_listener = filter->notify ? (int) rc : -1;
  return TRUE;
}

gboolean
seccomp_filter_load_and_pass (const SeccompFilter *filter, int sync_fd, GError **error)
{
  g_autofd int listener = -1;

  if (!seccomp_filter_load (filter, &listener, error))
    return FALSE;
  return listener < 0 || sync_send_fd (sync_fd, SYNC_SECCOMP, listener, error);
}

static int
connect_listener (const char *path, GError **error)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  g_autofd int fd = -1;

  if (strlen (path) >= sizeof addr.sun_path)
    return wr_throw (error, WARREN_ERROR_INVALID_CONFIG,
                     "config.json: linux.seccomp.listenerPath: longer than %zu bytes",
                     sizeof addr.sun_path - 1),
           -1;
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return wr_throw_errno (error, "linux.seccomp.listenerPath: socket"), -1;
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return wr_throw_errno (error, "linux.seccomp.listenerPath: connect to %s", path), -1;
  return g_steal_fd (&fd);
}

gboolean
seccomp_send_listener (const SpecSeccomp *s, int listener_fd, pid_t pid, const char *state_json,
                       GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) state = json_from_string (state_json, error);
  g_autofree char *message = NULL;
  g_autofd int sock = -1;

  if (state == NULL)
    return FALSE;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ociVersion");
  json_builder_add_string_value (b, "1.2.0");
  json_builder_set_member_name (b, "fds");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "seccompFd");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, pid);
  json_builder_set_member_name (b, "metadata");
  json_builder_add_string_value (b, s->listener_metadata != NULL ? s->listener_metadata : "");
  json_builder_set_member_name (b, "state");
  json_builder_add_value (b, g_steal_pointer (&state));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  message = json_to_string (root, FALSE);

  sock = connect_listener (s->listener_path, error);
  if (sock < 0 || !wr_fd_send (sock, listener_fd, message, strlen (message), error))
    return FALSE;
  return TRUE;
}
