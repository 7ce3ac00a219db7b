#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "name.h"
#include "protocol.h"
#include "session.h"
#include "socket.h"
#include "wr-error.h"
#include "wr-glib-compat.h"
#include "wr-json.h"

typedef struct
{
  const TtyServeOptions *options;
  GMainLoop *loop;
  int listen_fd;
  guint listen_source;
  guint listen_pause; /* accepting again after running out of fds */
  gboolean out_of_fds;
  int log_dir_fd;
  GHashTable *sessions; /* name → TtySession */
  GQueue order;         /* session names, oldest first */
  GHashTable *conns;    /* TtyConn */
  guint fallback_serial;
} TtyServer;

/* A connection before it became a session or an attached client: a console, a list request
 * or an attach request still on its way, or a reply being sent. */
typedef struct
{
  TtyServer *server;
  int fd;
  guint source;
  guint out_source;
  guint timeout;
  GByteArray *in;
  GByteArray *out;
} TtyConn;

static void
conn_free (gpointer data)
{
  TtyConn *conn = data;

  g_clear_handle_id (&conn->source, g_source_remove);
  g_clear_handle_id (&conn->out_source, g_source_remove);
  g_clear_handle_id (&conn->timeout, g_source_remove);
  g_clear_fd (&conn->fd, NULL);
  g_byte_array_unref (conn->in);
  g_byte_array_unref (conn->out);
  g_free (conn);
}

static void
conn_close (TtyConn *conn)
{
  g_hash_table_remove (conn->server->conns, conn);
}

static gboolean
on_conn_writable (int fd, GIOCondition cond, gpointer user_data)
{
  TtyConn *conn = user_data;

  while (conn->out->len > 0)
    {
      ssize_t n = send (fd, conn->out->data, conn->out->len, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return G_SOURCE_CONTINUE;
      if (n < 0)
        break;
      g_byte_array_remove_range (conn->out, 0, (guint)n);
    }
  conn->out_source = 0;
  conn_close (conn);
  return G_SOURCE_REMOVE;
}

/* Send a reply and close. The idle timeout still runs: a client that never reads its reply
 * is closed all the same. */
static void
conn_reply (TtyConn *conn, const char *line)
{
  g_clear_handle_id (&conn->source, g_source_remove);
  g_byte_array_append (conn->out, (const guint8 *)line, (guint)strlen (line));
  conn->out_source = g_unix_fd_add (conn->fd, G_IO_OUT, on_conn_writable, conn);
}

static void
conn_reply_error (TtyConn *conn, const char *message)
{
  g_autofree char *line = wr_json_error_line (message);

  conn_reply (conn, line);
}

static void
forget_session (TtyServer *server, const char *name)
{
  GList *link = g_queue_find_custom (&server->order, name, (GCompareFunc)strcmp);

  if (link != NULL)
    {
      g_free (link->data);
      g_queue_delete_link (&server->order, link);
    }
  g_hash_table_remove (server->sessions, name);
}

/* Room for one more session: drop the oldest exited one when the table is full. */
static gboolean
make_room (TtyServer *server, GError **error)
{
  if (g_hash_table_size (server->sessions) < TTY_SERVER_MAX_SESSIONS)
    return TRUE;
  for (GList *l = server->order.head; l != NULL; l = l->next)
    {
      TtySession *s = g_hash_table_lookup (server->sessions, l->data);
      if (!tty_session_is_running (s))
        {
          g_autofree char *name = g_strdup (l->data);
          forget_session (server, name);
          return TRUE;
        }
    }
  return wr_throw (error, WARREN_ERROR_FAILED, "%d sessions are running (the limit)",
                   TTY_SERVER_MAX_SESSIONS);
}

/* The payload's name when it is free or names an exited session (which the new one replaces);
 * a numbered variant when a running session has it; console-N when there is no payload. */
static char *
choose_name (TtyServer *server, const guint8 *payload, gsize len)
{
  g_autofree char *base = tty_name_from_payload (payload, len);
  TtySession *existing;

  if (base == NULL)
    {
      for (;;)
        {
          char *name = g_strdup_printf ("console-%u", ++server->fallback_serial);
          if (!g_hash_table_contains (server->sessions, name))
            return name;
          g_free (name);
        }
    }
  existing = g_hash_table_lookup (server->sessions, base);
  if (existing == NULL)
    return g_steal_pointer (&base);
  if (!tty_session_is_running (existing))
    {
      forget_session (server, base);
      return g_steal_pointer (&base);
    }
  for (guint i = 2;; i++)
    {
      char *name = g_strdup_printf ("%s-%u", base, i);
      if (!g_hash_table_contains (server->sessions, name))
        return name;
      g_free (name);
    }
}

static int
open_log (TtyServer *server, const char *name, GError **error)
{
  g_autofree char *file = g_strconcat (name, ".log", NULL);
  int fd;

  if (server->log_dir_fd < 0)
    return -1;
  fd = openat (server->log_dir_fd, file,
               O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0)
    wr_throw_errno (error, "open log %s/%s", server->options->log_dir, file);
  return fd;
}

static void
add_session (TtyServer *server, int master, const guint8 *payload, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autofd int fd = master;
  g_autofree char *name = NULL;
  int log_fd;

  if (!make_room (server, &error))
    {
      g_printerr ("warren-tty: refused a console: %s\n", error->message);
      return;
    }
  name = choose_name (server, payload, len);
  log_fd = open_log (server, name, &error);
  if (error != NULL)
    g_printerr ("warren-tty: session %s: %s; no log for it\n", name, error->message);
  g_hash_table_insert (
      server->sessions, g_strdup (name),
      tty_session_new (name, g_steal_fd (&fd), server->options->scrollback, log_fd));
  g_queue_push_tail (&server->order, g_strdup (name));
  g_printerr ("warren-tty: session %s: started\n", name);
}

static char *
list_reply (TtyServer *server)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sessions");
  json_builder_begin_array (b);
  for (GList *l = server->order.head; l != NULL; l = l->next)
    {
      TtySession *s = g_hash_table_lookup (server->sessions, l->data);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, tty_session_get_name (s));
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, tty_session_is_running (s) ? "running" : "exited");
      json_builder_set_member_name (b, "clients");
      json_builder_add_int_value (b, tty_session_n_clients (s));
      json_builder_set_member_name (b, "bytes");
      json_builder_add_int_value (b, (gint64)tty_session_bytes (s));
      json_builder_set_member_name (b, "scrollback");
      json_builder_add_int_value (b, (gint64)tty_session_scrollback (s));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return wr_json_line (root);
}

static void
handle_request (TtyConn *conn, gsize line_len)
{
  TtyServer *server = conn->server;
  g_autoptr (GError) error = NULL;
  g_auto (TtyRequest) req = { 0 };
  TtySession *session;
  gsize rest = line_len + 1;

  if (!tty_protocol_parse_request ((const char *)conn->in->data, line_len, &req, &error))
    {
      g_autofree char *message = g_strdup_printf ("bad request: %s", error->message);
      conn_reply_error (conn, message);
      return;
    }
  if (g_str_equal (req.op, "list"))
    {
      g_autofree char *line = list_reply (server);
      conn_reply (conn, line);
      return;
    }
  session = g_hash_table_lookup (server->sessions, req.name);
  if (session == NULL)
    {
      g_autofree char *name = tty_name_from_payload ((const guint8 *)req.name, strlen (req.name));
      g_autofree char *message
          = g_strdup_printf ("no session named %s", name != NULL ? name : "\"\"");
      conn_reply_error (conn, message);
      return;
    }
  /* From here on the connection is the session's. */
  tty_session_attach (session, g_steal_fd (&conn->fd), req.rows, req.cols, conn->in->data + rest,
                      conn->in->len - rest);
  conn_close (conn);
}

static gboolean
on_conn_readable (int fd, GIOCondition cond, gpointer user_data)
{
  TtyConn *conn = user_data;
  g_autoptr (GError) error = NULL;
  guint8 buf[8192];
  guint8 *newline;
  int master = -1;
  gboolean first = conn->in->len == 0;
  gssize n;

  n = tty_console_recv (fd, buf, sizeof buf, &master, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n < 0)
    {
      g_printerr ("warren-tty: %s\n", error->message);
      conn->source = 0;
      conn_close (conn);
      return G_SOURCE_REMOVE;
    }
  if (master >= 0)
    {
      /* A runtime sends the master with its first bytes and is done. */
      conn->source = 0;
      if (first)
        add_session (conn->server, master, buf, (gsize)n);
      else
        {
          (void)close (master);
          g_printerr ("warren-tty: refused a console sent after a request\n");
        }
      conn_close (conn);
      return G_SOURCE_REMOVE;
    }
  if (n == 0)
    {
      conn->source = 0;
      conn_close (conn);
      return G_SOURCE_REMOVE;
    }
  g_byte_array_append (conn->in, buf, (guint)n);
  newline = memchr (conn->in->data, '\n', conn->in->len);
  if (newline == NULL)
    {
      if (conn->in->len <= TTY_PROTOCOL_MAX_LINE)
        return G_SOURCE_CONTINUE;
      conn->source = 0;
      conn_reply_error (conn, "request longer than 65536 bytes (the limit)");
      return G_SOURCE_REMOVE;
    }
  conn->source = 0; /* conn_reply and handle_request must not remove it again */
  handle_request (conn, (gsize)(newline - conn->in->data));
  return G_SOURCE_REMOVE;
}

static gboolean
on_conn_timeout (gpointer user_data)
{
  TtyConn *conn = user_data;

  conn->timeout = 0;
  conn_close (conn);
  return G_SOURCE_REMOVE;
}

static gboolean on_listen (int fd, GIOCondition cond, gpointer user_data);

static gboolean
on_listen_resume (gpointer user_data)
{
  TtyServer *server = user_data;

  server->listen_pause = 0;
  server->listen_source = g_unix_fd_add (server->listen_fd, G_IO_IN, on_listen, server);
  return G_SOURCE_REMOVE;
}

static gboolean
on_listen (int fd, GIOCondition cond, gpointer user_data)
{
  TtyServer *server = user_data;

  for (int i = 0; i < 64; i++)
    {
      g_autoptr (GError) error = NULL;
      TtyConn *conn;
      int cfd = tty_socket_accept (fd, &error);

      if (cfd < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (cfd < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
        {
          if (!server->out_of_fds)
            g_printerr ("warren-tty: %s; not accepting connections until an fd is free\n",
                        error->message);
          server->out_of_fds = TRUE;
          server->listen_source = 0;
          server->listen_pause
              = g_timeout_add (TTY_SOCKET_ACCEPT_PAUSE_MS, on_listen_resume, server);
          return G_SOURCE_REMOVE;
        }
      if (cfd < 0)
        {
          g_printerr ("warren-tty: %s\n", error->message);
          continue;
        }
      server->out_of_fds = FALSE;
      if (g_hash_table_size (server->conns) >= TTY_SERVER_MAX_PENDING)
        {
          g_printerr ("warren-tty: refused a connection: %d connections are waiting (the "
                      "limit)\n",
                      TTY_SERVER_MAX_PENDING);
          (void)close (cfd);
          continue;
        }
      conn = g_new0 (TtyConn, 1);
      conn->server = server;
      conn->fd = cfd;
      conn->in = g_byte_array_new ();
      conn->out = g_byte_array_new ();
      conn->source = g_unix_fd_add (cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_conn_readable, conn);
      conn->timeout = g_timeout_add (server->options->idle_timeout_ms, on_conn_timeout, conn);
      g_hash_table_add (server->conns, conn);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  TtyServer *server = user_data;

  g_main_loop_quit (server->loop);
  return G_SOURCE_CONTINUE;
}

/* Pending connections and sessions each hold an fd; the soft limit of 1024 would be reached
 * before our own limits. */
static void
raise_fd_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      (void)setrlimit (RLIMIT_NOFILE, &rl); /* the lower limit still works, with less room */
    }
}

gboolean
tty_server_run (const TtyServeOptions *options, GError **error)
{
  TtyServer server = { .options = options, .listen_fd = -1, .log_dir_fd = -1 };
  struct stat listen_st;
  struct stat now_st;
  guint signals[3];

  if (options->log_dir != NULL)
    {
      if (g_mkdir_with_parents (options->log_dir, 0700) < 0)
        return wr_throw_errno (error, "--log-dir: create %s", options->log_dir);
      server.log_dir_fd = open (options->log_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (server.log_dir_fd < 0)
        return wr_throw_errno (error, "--log-dir: open %s", options->log_dir);
    }
  server.listen_fd = tty_socket_listen (options->socket_path, error);
  if (server.listen_fd < 0)
    {
      g_clear_fd (&server.log_dir_fd, NULL);
      return FALSE;
    }
  if (stat (options->socket_path, &listen_st) < 0)
    memset (&listen_st, 0, sizeof listen_st);
  raise_fd_limit ();
  server.loop = g_main_loop_new (NULL, FALSE);
  server.sessions
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)tty_session_free);
  server.conns = g_hash_table_new_full (NULL, NULL, conn_free, NULL);
  g_queue_init (&server.order);
  server.listen_source = g_unix_fd_add (server.listen_fd, G_IO_IN, on_listen, &server);
  signals[0] = g_unix_signal_add (SIGINT, on_quit_signal, &server);
  signals[1] = g_unix_signal_add (SIGTERM, on_quit_signal, &server);
  signals[2] = g_unix_signal_add (SIGHUP, on_quit_signal, &server);
  g_printerr ("warren-tty: serving on %s\n", options->socket_path);

  g_main_loop_run (server.loop);

  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    g_source_remove (signals[i]);
  g_clear_handle_id (&server.listen_source, g_source_remove);
  g_clear_handle_id (&server.listen_pause, g_source_remove);
  /* Remove the socket only while it is still the one we made. */
  if (stat (options->socket_path, &now_st) == 0 && now_st.st_ino == listen_st.st_ino
      && now_st.st_dev == listen_st.st_dev)
    (void)unlink (options->socket_path);
  g_clear_fd (&server.listen_fd, NULL);
  g_hash_table_destroy (server.conns);
  g_hash_table_destroy (server.sessions);
  g_queue_clear_full (&server.order, g_free);
  g_clear_fd (&server.log_dir_fd, NULL);
  g_main_loop_unref (server.loop);
  return TRUE;
}
