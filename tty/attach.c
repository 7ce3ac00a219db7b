#include "attach.h"

#include <errno.h>
#include <glib-unix.h>
#include <signal.h>
#include <unistd.h>

#include "client.h"
#include "protocol.h"
#include "term.h"
#include "wr-error.h"
#include "wr-glib-compat.h"

typedef enum
{
  ATTACH_RUNNING,
  ATTACH_DETACHED,
  ATTACH_ENDED,
  ATTACH_INTERRUPTED,
} AttachEnd;

typedef struct
{
  const TtyAttachOptions *options;
  TtyDetachKeys keys;
  GMainLoop *loop;
  int sock;
  guint sock_source;
  guint stdin_source;
  AttachEnd end;
  GError *error;
} TtyAttach;

static void
attach_finish (TtyAttach *attach, AttachEnd end, GError *error)
{
  if (attach->end == ATTACH_RUNNING)
    {
      attach->end = end;
      attach->error = error;
    }
  else if (error != NULL)
    g_error_free (error);
  g_main_loop_quit (attach->loop);
}

static gboolean
send_frames (TtyAttach *attach, char type, const guint8 *data, gsize len)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  GError *error = NULL;

  for (gsize off = 0; off < len; off += TTY_FRAME_MAX)
    tty_frame_append (out, type, data + off, MIN (len - off, TTY_FRAME_MAX));
  if (!tty_term_write_all (attach->sock, out->data, out->len, &error))
    {
      g_prefix_error (&error, "send to the server: ");
      attach_finish (attach, ATTACH_ENDED, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_sock (int fd, GIOCondition cond, gpointer user_data)
{
  TtyAttach *attach = user_data;
  char buf[65536];
  GError *error = NULL;
  ssize_t n;

  do
    n = read (fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN)
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      attach->sock_source = 0;
      attach_finish (attach, ATTACH_ENDED, NULL);
      return G_SOURCE_REMOVE;
    }
  if (!tty_term_write_all (STDOUT_FILENO, buf, (gsize)n, &error))
    {
      attach->sock_source = 0;
      g_prefix_error (&error, "standard output: ");
      attach_finish (attach, ATTACH_ENDED, error);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_stdin (int fd, GIOCondition cond, gpointer user_data)
{
  TtyAttach *attach = user_data;
  g_autoptr (GByteArray) forward = g_byte_array_new ();
  guint8 buf[16384];
  gboolean detach;
  ssize_t n;

  do
    n = read (fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN)
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      /* Nothing more to type; the output still comes. */
      attach->stdin_source = 0;
      return G_SOURCE_REMOVE;
    }
  detach = tty_detach_keys_feed (&attach->keys, buf, (gsize)n, forward);
  if (forward->len > 0 && !send_frames (attach, TTY_FRAME_DATA, forward->data, forward->len))
    return G_SOURCE_CONTINUE;
  if (detach)
    attach_finish (attach, ATTACH_DETACHED, NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_winch (gpointer user_data)
{
  TtyAttach *attach = user_data;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint16 rows, cols;

  if (tty_term_get_size (STDIN_FILENO, &rows, &cols))
    {
      tty_frame_append_winsize (out, rows, cols);
      (void)tty_term_write_all (attach->sock, out->data, out->len, NULL); /* seen on read */
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  attach_finish (user_data, ATTACH_INTERRUPTED, NULL);
  return G_SOURCE_CONTINUE;
}

gboolean
tty_attach_run (const TtyAttachOptions *options, GError **error)
{
  TtyAttach attach = { .options = options, .keys = options->keys, .sock = -1 };
  g_autoptr (GByteArray) rest = g_byte_array_new ();
  g_autoptr (JsonNode) reply = NULL;
  g_autofree char *request = NULL;
  g_autoptr (TtyTerm) term = NULL;
  const char *state;
  guint16 rows = 0, cols = 0;
  guint signals[4];

  (void)tty_term_get_size (STDIN_FILENO, &rows, &cols);
  request = tty_protocol_request_line ("attach", options->name, rows, cols);
  attach.sock = tty_client_request (options->socket_path, request, &reply, rest, error);
  if (attach.sock < 0)
    return g_prefix_error (error, "attach %s: ", options->name), FALSE;
  state = json_object_get_string_member_with_default (json_node_get_object (reply), "state", "");

  term = tty_term_raw (STDIN_FILENO, error);
  if (term == NULL)
    {
      g_clear_fd (&attach.sock, NULL);
      return FALSE;
    }
  attach.loop = g_main_loop_new (NULL, FALSE);
  if (rest->len > 0)
    (void)tty_term_write_all (STDOUT_FILENO, rest->data, rest->len, NULL);
  attach.sock_source = g_unix_fd_add (attach.sock, G_IO_IN | G_IO_HUP | G_IO_ERR, on_sock, &attach);
  if (g_str_equal (state, "running"))
    attach.stdin_source
        = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, &attach);
  signals[0] = g_unix_signal_add (SIGINT, on_quit_signal, &attach);
  signals[1] = g_unix_signal_add (SIGTERM, on_quit_signal, &attach);
  signals[2] = g_unix_signal_add (SIGHUP, on_quit_signal, &attach);
  signals[3] = g_unix_signal_add (SIGWINCH, on_winch, &attach);

  g_main_loop_run (attach.loop);

  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    g_source_remove (signals[i]);
  g_clear_handle_id (&attach.sock_source, g_source_remove);
  g_clear_handle_id (&attach.stdin_source, g_source_remove);
  g_clear_fd (&attach.sock, NULL);
  g_clear_pointer (&term, tty_term_free);
  g_main_loop_unref (attach.loop);
  if (attach.error != NULL)
    {
      g_propagate_error (error, attach.error);
      return g_prefix_error (error, "attach %s: ", options->name), FALSE;
    }
  if (attach.end == ATTACH_DETACHED)
    g_printerr ("\r\nwarren-tty: detached from %s\n", options->name);
  else if (attach.end == ATTACH_ENDED)
    g_printerr ("\r\nwarren-tty: session %s has ended\n", options->name);
  return TRUE;
}
