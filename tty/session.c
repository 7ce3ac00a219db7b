#include "session.h"

#include <errno.h>
#include <string.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "protocol.h"
#include "ring.h"
#include "term.h"
#include "wr-glib-compat.h"
#include "wr-json.h"

typedef struct
{
  TtySession *session;
  int fd;
  guint in_source;
  guint out_source;
  GByteArray *out;
  GByteArray *in;
  guint16 rows;
  guint16 cols;
  gboolean closing; /* close once `out` is sent */
} TtyClient;

struct _TtySession
{
  char *name;
  int master;
  guint master_source;
  guint input_source;
  GByteArray *input; /* for the master, when it was full */
  TtyRing *ring;
  gsize client_queue_limit;
  int log_fd;
  GPtrArray *clients; /* TtyClient, oldest first; the last one sets the window size */
};

static void client_drop (TtyClient *client, const char *why);

static void
client_free (TtyClient *client)
{
  g_clear_handle_id (&client->in_source, g_source_remove);
  g_clear_handle_id (&client->out_source, g_source_remove);
  g_clear_fd (&client->fd, NULL);
  g_byte_array_unref (client->out);
  g_byte_array_unref (client->in);
  g_free (client);
}

/* Returns FALSE when the client is gone. */
static gboolean
client_flush (TtyClient *client)
{
  while (client->out->len > 0)
    {
      ssize_t n
          = send (client->fd, client->out->data, client->out->len, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n < 0)
        {
          client_drop (client, NULL);
          return FALSE;
        }
      g_byte_array_remove_range (client->out, 0, (guint)n);
    }
  if (client->out->len == 0 && client->closing)
    {
      client_drop (client, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_client_writable (int fd, GIOCondition cond, gpointer user_data)
{
  TtyClient *client = user_data;

  if (!client_flush (client))
    return G_SOURCE_REMOVE; /* client_drop removed this source already */
  if (client->out->len > 0)
    return G_SOURCE_CONTINUE;
  client->out_source = 0;
  return G_SOURCE_REMOVE;
}

/* Queue output for a client without ever waiting for it. A client that falls further behind
 * than the scrollback is dropped: it can reattach and get the scrollback again. Returns FALSE
 * when the client is gone. */
static gboolean
client_send (TtyClient *client, const void *data, gsize len)
{
  if (client->closing)
    return TRUE;
  if (client->out->len + len > client->session->client_queue_limit)
    {
      client_drop (client, "it fell behind by more than the scrollback");
      return FALSE;
    }
  g_byte_array_append (client->out, data, (guint)len);
  if (client->out_source != 0)
    return TRUE;
  if (!client_flush (client))
    return FALSE;
  if (client->out->len > 0)
    client->out_source = g_unix_fd_add (client->fd, G_IO_OUT, on_client_writable, client);
  return TRUE;
}

static void
client_close_when_sent (TtyClient *client)
{
  client->closing = TRUE;
  g_clear_handle_id (&client->in_source, g_source_remove);
  if (client->out_source == 0)
    client_flush (client);
}

static void
apply_size (TtySession *session)
{
  TtyClient *latest;

  if (session->master < 0 || session->clients->len == 0)
    return;
  latest = g_ptr_array_index (session->clients, session->clients->len - 1);
  tty_term_set_size (session->master, latest->rows, latest->cols);
}

static void
client_drop (TtyClient *client, const char *why)
{
  TtySession *session = client->session;

  if (why != NULL)
    g_printerr ("warren-tty: session %s: dropped a client: %s\n", session->name, why);
  g_ptr_array_remove (session->clients, client);
  client_free (client);
  apply_size (session);
}

static gboolean
on_master_writable (int fd, GIOCondition cond, gpointer user_data)
{
  TtySession *session = user_data;

  while (session->input->len > 0)
    {
      ssize_t n = write (fd, session->input->data, session->input->len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return G_SOURCE_CONTINUE;
      if (n < 0)
        {
          g_byte_array_set_size (session->input, 0); /* the hangup shows on the read side */
          break;
        }
      g_byte_array_remove_range (session->input, 0, (guint)n);
    }
  session->input_source = 0;
  return G_SOURCE_REMOVE;
}

static void
session_input (TtySession *session, const guint8 *data, gsize len)
{
  if (session->master < 0)
    return;
  if (session->input->len + len > TTY_SESSION_MAX_INPUT)
    {
      g_printerr ("warren-tty: session %s: dropped %zu bytes of input: the pty took none of the "
                  "last %d bytes\n",
                  session->name, len, TTY_SESSION_MAX_INPUT);
      return;
    }
  g_byte_array_append (session->input, data, (guint)len);
  if (session->input_source == 0)
    session->input_source = g_unix_fd_add (session->master, G_IO_OUT, on_master_writable, session);
}

/* Returns FALSE when the client is gone. */
static gboolean
client_consume_frames (TtyClient *client)
{
  gsize done = 0;

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      const guint8 *data;
      gsize data_len;
      char type;
      gssize n = tty_frame_parse (client->in->data + done, client->in->len - done, &type, &data,
                                  &data_len, &error);
      if (n < 0)
        {
          client_drop (client, error->message);
          return FALSE;
        }
      if (n == 0)
        break;
      done += (gsize)n;
      if (type == TTY_FRAME_DATA)
        session_input (client->session, data, data_len);
      else
        {
          client->rows = (guint16)((data[0] << 8) | data[1]);
          client->cols = (guint16)((data[2] << 8) | data[3]);
          apply_size (client->session);
        }
    }
  g_byte_array_remove_range (client->in, 0, (guint)done);
  return TRUE;
}

static gboolean
on_client_readable (int fd, GIOCondition cond, gpointer user_data)
{
  TtyClient *client = user_data;
  guint8 buf[8192];
  ssize_t n;

  do
    n = read (fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN)
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      /* Detached (or gone). The session goes on. */
      client->in_source = 0;
      client_drop (client, NULL);
      return G_SOURCE_REMOVE;
    }
  g_byte_array_append (client->in, buf, (guint)n);
  if (!client_consume_frames (client))
    return G_SOURCE_REMOVE; /* client_drop removed this source */
  return G_SOURCE_CONTINUE;
}

static void
session_exited (TtySession *session)
{
  g_clear_handle_id (&session->master_source, g_source_remove);
  g_clear_handle_id (&session->input_source, g_source_remove);
  g_clear_fd (&session->master, NULL);
  g_clear_fd (&session->log_fd, NULL);
  g_byte_array_set_size (session->input, 0);
  g_printerr ("warren-tty: session %s: exited\n", session->name);
  /* Attached clients get what is queued, then end of stream. */
  for (guint i = session->clients->len; i > 0; i--)
    client_close_when_sent (g_ptr_array_index (session->clients, i - 1));
}

static void
session_output (TtySession *session, const guint8 *data, gsize len)
{
  tty_ring_append (session->ring, data, len);
  if (session->log_fd >= 0 && !tty_term_write_all (session->log_fd, data, len, NULL))
    {
      g_printerr ("warren-tty: session %s: log file write failed; the log stops here\n",
                  session->name);
      g_clear_fd (&session->log_fd, NULL);
    }
  /* Backwards: a client that falls behind is dropped from the array. */
  for (guint i = session->clients->len; i > 0; i--)
    client_send (g_ptr_array_index (session->clients, i - 1), data, len);
}

static gboolean
on_master_readable (int fd, GIOCondition cond, gpointer user_data)
{
  TtySession *session = user_data;
  guint8 buf[65536];

  /* A bounded number of reads per wake-up, so one chatty console cannot starve the rest. */
  for (int i = 0; i < 16; i++)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n > 0)
        {
          session_output (session, buf, (gsize)n);
          continue;
        }
      if (n < 0 && errno == EAGAIN && (cond & (G_IO_HUP | G_IO_ERR)) == 0)
        return G_SOURCE_CONTINUE;
      /* EIO: every slave is closed (the container is gone). A hangup with nothing left to
       * read ends it too: keeping the source would spin on POLLHUP. */
      session->master_source = 0;
      session_exited (session);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

TtySession *
tty_session_new (const char *name, int master, gsize scrollback, int log_fd)
{
  TtySession *session = g_new0 (TtySession, 1);

  session->name = g_strdup (name);
  session->master = master;
  session->log_fd = log_fd;
  session->ring = tty_ring_new (scrollback);
  session->input = g_byte_array_new ();
  session->clients = g_ptr_array_new ();
  /* The replay plus what a terminal takes in a moment. */
  session->client_queue_limit = scrollback + 256 * 1024;
  (void)g_unix_set_fd_nonblocking (master, TRUE, NULL);
  session->master_source
      = g_unix_fd_add (master, G_IO_IN | G_IO_HUP | G_IO_ERR, on_master_readable, session);
  return session;
}

void
tty_session_free (TtySession *session)
{
  if (session == NULL)
    return;
  while (session->clients->len > 0)
    client_drop (g_ptr_array_index (session->clients, 0), NULL);
  g_clear_handle_id (&session->master_source, g_source_remove);
  g_clear_handle_id (&session->input_source, g_source_remove);
  g_clear_fd (&session->master, NULL);
  g_clear_fd (&session->log_fd, NULL);
  g_ptr_array_unref (session->clients);
  g_byte_array_unref (session->input);
  tty_ring_free (session->ring);
  g_free (session->name);
  g_free (session);
}

const char *
tty_session_get_name (const TtySession *session)
{
  return session->name;
}

gboolean
tty_session_is_running (const TtySession *session)
{
  return session->master >= 0;
}

guint
tty_session_n_clients (const TtySession *session)
{
  return session->clients->len;
}

guint64
tty_session_bytes (const TtySession *session)
{
  return tty_ring_total (session->ring);
}

gsize
tty_session_scrollback (const TtySession *session)
{
  return tty_ring_length (session->ring);
}

static char *
attach_reply (TtySession *session)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, session->name);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, tty_session_is_running (session) ? "running" : "exited");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return wr_json_line (root);
}

void
tty_session_attach (TtySession *session, int fd, guint16 rows, guint16 cols, const guint8 *rest,
                    gsize rest_len)
{
  TtyClient *client = g_new0 (TtyClient, 1);
  g_autofree char *reply = attach_reply (session);
  g_autoptr (GBytes) replay = tty_ring_contents (session->ring);
  gsize replay_len;
  const guint8 *replay_data = g_bytes_get_data (replay, &replay_len);

  client->session = session;
  client->fd = fd;
  client->out = g_byte_array_new ();
  client->in = g_byte_array_new ();
  g_ptr_array_add (session->clients, client);
  if (session->clients->len > TTY_SESSION_MAX_CLIENTS)
    {
      g_autofree char *line = g_strdup_printf ("session %s has %d clients attached (the limit)",
                                               session->name, TTY_SESSION_MAX_CLIENTS);
      g_autofree char *error_line = wr_json_error_line (line);
      if (client_send (client, error_line, strlen (error_line)))
        client_close_when_sent (client);
      return;
    }
  if (!client_send (client, reply, strlen (reply))
      || !client_send (client, replay_data, replay_len))
    return;
  if (!tty_session_is_running (session))
    {
      client_close_when_sent (client);
      return;
    }
  /* The newest client sets the window size. */
  client->rows = rows;
  client->cols = cols;
  apply_size (session);
  client->in_source = g_unix_fd_add (fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_client_readable, client);
  g_byte_array_append (client->in, rest, (guint)rest_len);
  client_consume_frames (client);
}
