#include "client.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "protocol.h"
#include "socket.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

#define REPLY_TIMEOUT_SECONDS 10

int
tty_client_request (const char *socket_path, const char *request_line, JsonNode **out_reply,
                    GByteArray *rest, GError **error)
{
  g_autofd int fd = tty_socket_connect (socket_path, error);
  g_autoptr (GByteArray) in = g_byte_array_new ();
  struct timeval tv = { .tv_sec = REPLY_TIMEOUT_SECONDS };
  struct timeval none = { 0 };
  guint8 *newline = NULL;
  JsonNode *reply;

  if (fd < 0)
    return -1;
  if (!wr_write_all (fd, request_line, strlen (request_line), error))
    return g_prefix_error (error, "%s: ", socket_path), -1;
  (void)setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  while (newline == NULL)
    {
      guint8 buf[8192];
      ssize_t n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return wr_throw (error, WARREN_ERROR_FAILED, "%s: no reply within %d seconds", socket_path,
                         REPLY_TIMEOUT_SECONDS),
               -1;
      if (n < 0)
        return wr_throw_errno (error, "%s: read reply", socket_path), -1;
      if (n == 0)
        return wr_throw (error, WARREN_ERROR_FAILED,
                         "%s: the server closed the connection "
                         "without a reply (is it a warren-tty serve socket?)",
                         socket_path),
               -1;
      g_byte_array_append (in, buf, (guint)n);
      if (in->len > TTY_PROTOCOL_MAX_REPLY)
        return wr_throw (error, WARREN_ERROR_FAILED, "%s: reply longer than %d bytes", socket_path,
                         TTY_PROTOCOL_MAX_REPLY),
               -1;
      newline = memchr (in->data, '\n', in->len);
    }
  (void)setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
  reply = tty_protocol_parse_reply ((const char *)in->data, (gsize)(newline - in->data), error);
  if (reply == NULL)
    return -1;
  if (rest != NULL)
    g_byte_array_append (rest, newline + 1, (guint)(in->len - (gsize)(newline + 1 - in->data)));
  *out_reply = reply;
  return g_steal_fd (&fd);
}
