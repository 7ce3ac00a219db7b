/* sandbox-probe: warren-netns's helper sandbox, tested from the inside (SECURITY 66). It
 * enters the very sandbox the helper enters (sandbox_enter (SANDBOX_HELPER) from
 * netns-helper/sandbox.c, built in), then:
 *   sandbox-probe ls          prints the entries of its root and of /etc, exit 0
 *   sandbox-probe SYSCALL     makes that syscall, which must kill it with SIGSYS; it prints
 *                             "survived" and exits 0 if it does not
 * so that no test entry point ships in warren-netns itself. */
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"

static void
list (const char *path)
{
  DIR *d = opendir (path);
  struct dirent *e;

  if (d == NULL)
    {
      perror (path);
      return;
    }
  while ((e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      printf ("%s%s\n", path, e->d_name);
  closedir (d);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  const char *what = argc == 2 ? argv[1] : "";
  char *const args[] = { "true", NULL };

  if (argc != 2)
    {
      fprintf (stderr, "usage: sandbox-probe ls|SYSCALL\n");
      return 2;
    }
  if (!sandbox_enter (SANDBOX_HELPER, &error))
    {
      fprintf (stderr, "sandbox-probe: %s\n", error->message);
      return 1;
    }
  if (strcmp (what, "ls") == 0)
    {
      list ("/");
      list ("/etc/");
      return 0;
    }
  if (strcmp (what, "execve") == 0)
    syscall (SYS_execve, "/bin/true", args, args + 1);
  else if (strcmp (what, "ptrace") == 0)
    syscall (SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
  else if (strcmp (what, "mount") == 0)
    syscall (SYS_mount, "none", "/", "tmpfs", 0, NULL);
  else if (strcmp (what, "setns") == 0)
    syscall (SYS_setns, 0, 0);
  else if (strcmp (what, "unshare") == 0)
    syscall (SYS_unshare, CLONE_NEWNET);
  else if (strcmp (what, "open_by_handle_at") == 0)
    syscall (SYS_open_by_handle_at, AT_FDCWD, NULL, 0);
  else if (strcmp (what, "kexec_load") == 0)
    syscall (SYS_kexec_load, 0, 0, NULL, 0);
  else if (strcmp (what, "init_module") == 0)
    syscall (SYS_init_module, NULL, 0, "");
  else
    {
      fprintf (stderr, "sandbox-probe: unknown probe '%s'\n", what);
      return 2;
    }
  printf ("survived %s\n", what);
  return 0;
}
