#include "exec-trampoline.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "trampoline/trampoline.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#ifdef WARREN_HAVE_TRAMPOLINE
extern const unsigned char warren_trampoline[];
extern const size_t warren_trampoline_size;
#endif

int
exec_trampoline_create (int min_fd, GError **error)
{
#ifdef WARREN_HAVE_TRAMPOLINE
  g_autofd int fd = -1;
  const int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

  /* MFD_EXEC: kernels with vm.memfd_noexec (6.3+) want executable memfds to say so. */
  fd = memfd_create ("warren-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL)
    fd = memfd_create ("warren-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    return wr_throw_errno (error, "memfd_create for the exec trampoline"), -1;
  if (!wr_write_all (fd, warren_trampoline, warren_trampoline_size, error))
    return g_prefix_error (error, "write the exec trampoline: "), -1;
  if (fcntl (fd, F_ADD_SEALS, seals) < 0)
    return wr_throw_errno (error, "seal the exec trampoline"), -1;
  if (fd < min_fd)
    {
      int moved = fcntl (fd, F_DUPFD_CLOEXEC, min_fd);
      if (moved < 0)
        return wr_throw_errno (error, "move the exec trampoline fd"), -1;
      g_clear_fd (&fd, NULL);
      fd = moved;
    }
  return g_steal_fd (&fd);
#else
  (void) min_fd;
  return -1;
#endif
}

void
exec_trampoline_execve (int fd, const char *exe, char *const argv[], char *const envp[])
{
  g_autofree char **args = NULL;
  guint n = 0;

  if (fd < 0)
    {
      execve (exe, argv, envp);
      return;
    }
  while (argv[n] != NULL)
    n++;
  args = g_new0 (char *, n + 3);
  args[0] = (char *) TRAMPOLINE_MAGIC;
  args[1] = (char *) exe;
  for (guint i = 0; i < n; i++)
    args[i + 2] = argv[i];
  (void) syscall (SYS_execveat, fd, "", args, envp, AT_EMPTY_PATH);
}
