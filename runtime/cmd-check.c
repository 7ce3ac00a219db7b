/* warren check: whether this host and user can run rootless containers, and what to fix when
 * not. Each line is "ok", "warn" or "fail", a topic and the detail; the exit status is 1 when
 * a check fails. It reads /etc/subuid and /etc/subgid as shadow does (subid.c). */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state.h"
#include "subid.h"
#include "userns.h"
#include "warren-config.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

static char *subuid_path, *subgid_path;

static const GOptionEntry entries[] = {
  { "subuid", 0, 0, G_OPTION_ARG_FILENAME, &subuid_path, "Read FILE instead of /etc/subuid",
    "FILE" },
  { "subgid", 0, 0, G_OPTION_ARG_FILENAME, &subgid_path, "Read FILE instead of /etc/subgid",
    "FILE" },
  { NULL },
};

typedef struct
{
  guint failed, warned;
} Report;

static void G_GNUC_PRINTF (3, 4)
report (Report *r, const char *level, const char *format, ...)
{
  va_list ap;
  g_autofree char *text = NULL;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  if (g_str_equal (level, "fail"))
    r->failed++;
  else if (g_str_equal (level, "warn"))
    r->warned++;
  printf ("%-5s %s\n", level, text);
}

/* A child that tries unshare(CLONE_NEWUSER) says more than the sysctls: it also sees
 * max_user_namespaces, seccomp and LSM policies. */
static void
check_user_namespaces (Report *r)
{
  int status = 0;
  pid_t pid = fork ();

  if (pid < 0)
    {
      report (r, "fail", "user namespaces: fork: %s", g_strerror (errno));
      return;
    }
  if (pid == 0)
    _exit (unshare (CLONE_NEWUSER) == 0 ? 0 : (errno & 0x7f));
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      {
        report (r, "fail", "user namespaces: wait: %s", g_strerror (errno));
        return;
      }
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    report (r, "ok", "user namespaces: this user may create them");
  else
    report (r, "fail", "user namespaces: unshare(CLONE_NEWUSER): %s (see the sysctls "
            "user.max_user_namespaces and kernel.unprivileged_userns_clone)",
            WIFEXITED (status) ? g_strerror (WEXITSTATUS (status)) : "the child crashed");
}

static void
check_state_root (Report *r)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = state_root_path (NULL, &error);

  if (root == NULL)
    report (r, "fail", "state directory: %s", error->message);
  else
    report (r, "ok", "state directory: %s", root);
}

static void
check_helper (Report *r, const char *helper)
{
  g_autoptr (GError) error = NULL;

  if (userns_helper_usable (helper, &error))
    report (r, "ok", "%s: usable", helper);
  else
    report (r, "warn", "%s; without it only your own id can be mapped", error->message);
}

static void
check_subids (Report *r, const char *path, const char *name, uid_t id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SubidFile) file = subid_file_load (path, &error);
  g_autoptr (GPtrArray) mine = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  const SubidRange *chosen;

  if (file == NULL)
    {
      report (r, "warn", "%s: %s", path, error->message);
      return;
    }
  for (guint i = 0; i < file->problems->len; i++)
    report (r, "warn", "%s: %s", path, (const char *) g_ptr_array_index (file->problems, i));
  mine = subid_user_ranges (file, name, id);
  warnings = subid_user_warnings (file, name, id);
  for (guint i = 0; i < warnings->len; i++)
    report (r, "warn", "%s: %s", path, (const char *) g_ptr_array_index (warnings, i));
  chosen = subid_choose (file, name, id);
  if (mine->len == 0)
    report (r, "warn", "%s: no range for %s (uid %u): only your own id can be mapped "
            "(usermod --add-subuids/--add-subgids, as root)", path, name, (unsigned) id);
  else if (chosen == NULL)
    report (r, "warn", "%s: every range of %s overlaps another user's; none is proposed",
            path, name);
  else
    report (r, "ok", "%s: %u ids from %u for %s (line %u)", path, chosen->count,
            chosen->start, name, chosen->line);
}

static void
check_tun (Report *r)
{
  g_autofd int fd = open ("/dev/net/tun", O_RDWR | O_CLOEXEC);

  if (fd < 0)
    report (r, "warn", "/dev/net/tun: %s; warren-netns cannot give containers a network",
            g_strerror (errno));
  else
    report (r, "ok", "/dev/net/tun: usable by warren-netns");
}

static int
run (const ContainerGlobals *g, int argc, char **argv, GError **error)
{
  Report r = { 0 };
  uid_t uid = getuid ();
  struct passwd *pw;
  g_autofree char *name = NULL;

  if (!cmd_parse (&cmd_check, &argc, &argv, error)
      || !cmd_expect_args (&cmd_check, argc, 0, 0, error))
    return -1;
  errno = 0;
  pw = getpwuid (uid);
  name = pw != NULL ? g_strdup (pw->pw_name) : g_strdup_printf ("%u", (unsigned) uid);
  check_user_namespaces (&r);
  check_state_root (&r);
  if (uid == 0)
    report (&r, "ok", "id maps: root writes them directly; no helper or subordinate ids needed");
  else
    {
      check_helper (&r, WARREN_NEWUIDMAP);
      check_helper (&r, WARREN_NEWGIDMAP);
      check_subids (&r, subuid_path != NULL ? subuid_path : "/etc/subuid", name, uid);
      check_subids (&r, subgid_path != NULL ? subgid_path : "/etc/subgid", name, getgid ());
    }
  check_tun (&r);
  printf ("%u failed, %u warnings\n", r.failed, r.warned);
  return r.failed > 0 ? 1 : 0;
}

const Command cmd_check = {
  "check", "[OPTION…]", "Check that this host and user can run rootless containers.", run,
  entries,
};
