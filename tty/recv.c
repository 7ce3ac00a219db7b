#include "recv.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <gio/gio.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "console.h"
#include "name.h"
#include "socket.h"
#include "term.h"
#include "wr-error.h"
#include "wr-glib-compat.h"

typedef struct
{
  const TtyRecvOptions *options;
  GMainLoop *loop;
  int listen_fd;
  guint listen_source;
  guint listen_pause; /* accepting again after running out of fds */
  gboolean out_of_fds;
  GHashTable *pending; /* TtyRecvConn */
  /* single mode, once the console is there */
  int master;
  guint master_source;
  guint stdin_source;
  TtyTerm *term;
  GError *error;
} TtyRecv;

typedef struct
{
  TtyRecv *recv;
  int fd;
  guint source;
  guint timeout;
} TtyRecvConn;

static void
conn_free (gpointer data)
{
  TtyRecvConn *conn = data;

  g_clear_handle_id (&conn->source, g_source_remove);
  g_clear_handle_id (&conn->timeout, g_source_remove);
  g_clear_fd (&conn->fd, NULL);
  g_free (conn);
}

static gboolean
on_master_drain (int fd, GIOCondition cond, gpointer user_data)
{
  char buf[65536];

  for (int i = 0; i < 16; i++)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      if (n > 0)
        continue;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN && (cond & (G_IO_HUP | G_IO_ERR)) == 0)
        return G_SOURCE_CONTINUE;
      /* EIO once every slave is closed (or a hangup with nothing left): done with it. */
      (void)close (fd);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
finish (TtyRecv *recv, GError *error)
{
  if (error != NULL && recv->error == NULL)
    recv->error = error;
  else if (error != NULL)
    g_error_free (error);
  g_main_loop_quit (recv->loop);
}

static gboolean
on_master (int fd, GIOCondition cond, gpointer user_data)
{
  TtyRecv *recv = user_data;
  char buf[65536];
  ssize_t n;

  do
    n = read (fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    {
      GError *error = NULL;
      if (!tty_term_write_all (STDOUT_FILENO, buf, (gsize)n, &error))
        {
          g_prefix_error (&error, "relay to standard output: ");
          recv->master_source = 0;
          finish (recv, error);
          return G_SOURCE_REMOVE;
        }
      return G_SOURCE_CONTINUE;
    }
  if (n < 0 && errno == EAGAIN && (cond & (G_IO_HUP | G_IO_ERR)) == 0)
    return G_SOURCE_CONTINUE;
  /* The console ended: EIO once every slave is closed. */
  recv->master_source = 0;
  finish (recv, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stdin (int fd, GIOCondition cond, gpointer user_data)
{
  TtyRecv *recv = user_data;
  char buf[16384];
  ssize_t n;

  do
    n = read (fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN)
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      /* End of our input: keep showing the console's output. */
      recv->stdin_source = 0;
      return G_SOURCE_REMOVE;
    }
  if (!tty_term_write_all (recv->master, buf, (gsize)n, NULL))
    return G_SOURCE_CONTINUE; /* the master's hangup is noticed on its own source */
  return G_SOURCE_CONTINUE;
}

static gboolean
on_winch (gpointer user_data)
{
  TtyRecv *recv = user_data;
  guint16 rows, cols;

  if (recv->master >= 0 && tty_term_get_size (STDIN_FILENO, &rows, &cols))
    tty_term_set_size (recv->master, rows, cols);
  return G_SOURCE_CONTINUE;
}

static void
start_relay (TtyRecv *recv, int master)
{
  GError *error = NULL;
  guint16 rows, cols;

  recv->master = master;
  /* One console only: stop listening and drop whoever else is waiting. */
  g_clear_handle_id (&recv->listen_source, g_source_remove);
  g_clear_handle_id (&recv->listen_pause, g_source_remove);
  g_hash_table_remove_all (recv->pending);
  if (!recv->options->no_stdin)
    {
      recv->term = tty_term_raw (STDIN_FILENO, &error);
      if (recv->term == NULL)
        {
          finish (recv, error);
          return;
        }
      if (tty_term_get_size (STDIN_FILENO, &rows, &cols))
        tty_term_set_size (master, rows, cols);
      recv->stdin_source
          = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, recv);
    }
  recv->master_source = g_unix_fd_add (master, G_IO_IN | G_IO_HUP | G_IO_ERR, on_master, recv);
}

static gboolean
on_conn (int fd, GIOCondition cond, gpointer user_data)
{
  TtyRecvConn *conn = user_data;
  TtyRecv *recv = conn->recv;
  g_autoptr (GError) error = NULL;
  guint8 payload[TTY_NAME_MAX_PAYLOAD];
  g_autofree char *name = NULL;
  int master = -1;
  gssize n;

  n = tty_console_recv (fd, payload, sizeof payload, &master, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  conn->source = 0;
  if (n < 0)
    g_printerr ("warren-tty: %s\n", error->message);
  else if (master < 0 && n > 0)
    g_printerr ("warren-tty: refused a connection that sent no console\n");
  g_hash_table_remove (recv->pending, conn);
  if (master < 0)
    return G_SOURCE_REMOVE;

  if (recv->options->null_mode)
    {
      name = tty_name_from_payload (payload, (gsize)n);
      g_printerr ("warren-tty: draining console %s\n", name != NULL ? name : "(unnamed)");
      (void)g_unix_set_fd_nonblocking (master, TRUE, NULL);
      g_unix_fd_add (master, G_IO_IN | G_IO_HUP | G_IO_ERR, on_master_drain, NULL);
      return G_SOURCE_REMOVE;
    }
  (void)g_unix_set_fd_nonblocking (master, TRUE, NULL);
  start_relay (recv, master);
  return G_SOURCE_REMOVE;
}

static gboolean
on_conn_timeout (gpointer user_data)
{
  TtyRecvConn *conn = user_data;

  conn->timeout = 0;
  g_printerr ("warren-tty: closed a connection that sent nothing for %u ms\n",
              conn->recv->options->idle_timeout_ms);
  g_hash_table_remove (conn->recv->pending, conn);
  return G_SOURCE_REMOVE;
}

static gboolean on_listen (int fd, GIOCondition cond, gpointer user_data);

static gboolean
on_listen_resume (gpointer user_data)
{
  TtyRecv *recv = user_data;

  recv->listen_pause = 0;
  recv->listen_source = g_unix_fd_add (recv->listen_fd, G_IO_IN, on_listen, recv);
  return G_SOURCE_REMOVE;
}

static gboolean
on_listen (int fd, GIOCondition cond, gpointer user_data)
{
  TtyRecv *recv = user_data;

  for (int i = 0; i < 64; i++)
    {
      g_autoptr (GError) error = NULL;
      TtyRecvConn *conn;
      int cfd = tty_socket_accept (fd, &error);

      if (cfd < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (cfd < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
        {
          if (!recv->out_of_fds)
            g_printerr ("warren-tty: %s; not accepting connections until an fd is free\n",
                        error->message);
          recv->out_of_fds = TRUE;
          recv->listen_source = 0;
          recv->listen_pause = g_timeout_add (TTY_SOCKET_ACCEPT_PAUSE_MS, on_listen_resume, recv);
          return G_SOURCE_REMOVE;
        }
      if (cfd < 0)
        {
          g_printerr ("warren-tty: %s\n", error->message);
          continue;
        }
      recv->out_of_fds = FALSE;
      conn = g_new0 (TtyRecvConn, 1);
      conn->recv = recv;
      conn->fd = cfd;
      conn->source = g_unix_fd_add (cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_conn, conn);
      conn->timeout = g_timeout_add (recv->options->idle_timeout_ms, on_conn_timeout, conn);
      g_hash_table_add (recv->pending, conn);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  finish (user_data, NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean
write_pid_file (const char *path, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%d", (int)getpid ());

  if (!g_file_set_contents (path, text, -1, error))
    return g_prefix_error (error, "--pid-file: "), FALSE;
  return TRUE;
}

gboolean
tty_recv_run (const TtyRecvOptions *options, GError **error)
{
  TtyRecv recv = { .options = options, .listen_fd = -1, .master = -1 };
  guint signals[4];
  gboolean ok;

  recv.listen_fd = tty_socket_listen (options->socket_path, error);
  if (recv.listen_fd < 0)
    return FALSE;
  if (options->pid_file != NULL && !write_pid_file (options->pid_file, error))
    {
      (void)unlink (options->socket_path);
      g_clear_fd (&recv.listen_fd, NULL);
      return FALSE;
    }
  recv.loop = g_main_loop_new (NULL, FALSE);
  recv.pending = g_hash_table_new_full (NULL, NULL, conn_free, NULL);
  recv.listen_source = g_unix_fd_add (recv.listen_fd, G_IO_IN, on_listen, &recv);
  signals[0] = g_unix_signal_add (SIGINT, on_quit_signal, &recv);
  signals[1] = g_unix_signal_add (SIGTERM, on_quit_signal, &recv);
  signals[2] = g_unix_signal_add (SIGHUP, on_quit_signal, &recv);
  signals[3] = g_unix_signal_add (SIGWINCH, on_winch, &recv);

  g_main_loop_run (recv.loop);

  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    g_source_remove (signals[i]);
  g_clear_handle_id (&recv.listen_source, g_source_remove);
  g_clear_handle_id (&recv.listen_pause, g_source_remove);
  g_clear_handle_id (&recv.master_source, g_source_remove);
  g_clear_handle_id (&recv.stdin_source, g_source_remove);
  g_hash_table_destroy (recv.pending);
  if (recv.master >= 0)
    {
      /* Show what the console wrote before it hung up. */
      char buf[65536];
      ssize_t n;
      while ((n = read (recv.master, buf, sizeof buf)) > 0)
        if (!tty_term_write_all (STDOUT_FILENO, buf, (gsize)n, NULL))
          break;
      g_clear_fd (&recv.master, NULL);
    }
  /* Every way out of the loop comes through here. */
  g_clear_pointer (&recv.term, tty_term_free);
  (void)unlink (options->socket_path); /* ours: made by tty_socket_listen */
  g_clear_fd (&recv.listen_fd, NULL);
  g_main_loop_unref (recv.loop);
  ok = recv.error == NULL;
  if (!ok)
    g_propagate_error (error, recv.error);
  return ok;
}
