/* wr-glib-compat: GLib helpers newer than Debian 12's GLib 2.74 that warren uses.
 * Remove each one when the minimum GLib version provides it. */
#pragma once

#include <errno.h>
#include <glib.h>
#include <unistd.h>

#if !GLIB_CHECK_VERSION(2, 76, 0)
static inline void
wr_close_fd_ptr (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      (void) close (*fd); /* never retried: Linux frees the fd even on EINTR */
      errno = saved;
    }
  *fd = -1;
}
#define g_autofd __attribute__ ((cleanup (wr_close_fd_ptr)))
#define g_clear_fd(fd_ptr, err) wr_close_fd_ptr (fd_ptr)
#endif
