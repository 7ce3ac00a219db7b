#include "term.h"

#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "wr-error.h"

struct _TtyTerm
{
  int fd;
  gboolean saved_valid;
  struct termios saved;
};

TtyTerm *
tty_term_raw (int fd, GError **error)
{
  g_autoptr (TtyTerm) term = g_new0 (TtyTerm, 1);
  struct termios raw;

  term->fd = fd;
  if (!isatty (fd) || tcgetattr (fd, &term->saved) < 0)
    return g_steal_pointer (&term);
  raw = term->saved;
  /* Fully raw, output included: the container's pty already turns \n into \r\n, and ^C, ^Z
   * and ^\ go to the container rather than to us. */
  cfmakeraw (&raw);
  if (tcsetattr (fd, TCSANOW, &raw) < 0)
    return wr_throw_errno (error, "set the terminal to raw mode"), NULL;
  term->saved_valid = TRUE;
  return g_steal_pointer (&term);
}

void
tty_term_restore (TtyTerm *term)
{
  if (term == NULL || !term->saved_valid)
    return;
  /* TCSAFLUSH would discard what was typed meanwhile; TCSADRAIN waits for our output. */
  (void)tcsetattr (term->fd, TCSADRAIN, &term->saved); /* best effort on the way out */
  term->saved_valid = FALSE;
}

void
tty_term_free (TtyTerm *term)
{
  if (term == NULL)
    return;
  tty_term_restore (term);
  g_free (term);
}

gboolean
tty_term_get_size (int fd, guint16 *out_rows, guint16 *out_cols)
{
  struct winsize ws;

  if (ioctl (fd, TIOCGWINSZ, &ws) < 0)
    return FALSE;
  *out_rows = ws.ws_row;
  *out_cols = ws.ws_col;
  return TRUE;
}

void
tty_term_set_size (int fd, guint16 rows, guint16 cols)
{
  struct winsize ws = { .ws_row = rows, .ws_col = cols };

  if (rows == 0 || cols == 0)
    return;
  (void)ioctl (fd, TIOCSWINSZ, &ws); /* a size is a nicety, never fatal */
}

gboolean
tty_term_write_all (int fd, const void *buf, gsize len, GError **error)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        {
          struct pollfd pfd = { .fd = fd, .events = POLLOUT };
          (void)poll (&pfd, 1, -1);
          continue;
        }
      if (n < 0)
        return wr_throw_errno (error, "write");
      p += n;
      len -= (gsize)n;
    }
  return TRUE;
}
