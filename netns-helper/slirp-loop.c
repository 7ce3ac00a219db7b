#include "slirp-loop.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>

#include "net-filter.h"
#include "slirp-config.h"
#include "wr-autocleanups.h"
#include "wr-error.h"

/* Frames read from the tap per wakeup before other sources get a turn. */
#define TAP_BURST 64
/* The largest frame: a 65521 MTU plus the Ethernet header, rounded up. */
#define TAP_FRAME_MAX 65536

typedef struct
{
  SlirpLoop *loop;
  SlirpTimerId id;
  void *cb_opaque;
  gint64 expire_ms; /* -1: not armed */
} SlirpLoopTimer;

typedef struct
{
  GSource source;
  SlirpLoop *loop;
} SlirpLoopSource;

/* One fd libslirp asked us to poll. GLib wakes its loop up whenever a source's fd set or
 * events change, so an fd keeps its tag across iterations and is only modified, added or
 * removed when libslirp's wishes change: otherwise the loop would never sleep. */
typedef struct
{
  int fd;
  gpointer tag;
  GIOCondition events;
  guint64 generation; /* of the last slirp_pollfds_fill() that asked for it */
} SlirpLoopPoll;

struct SlirpLoop
{
  Slirp *slirp;
  int tap_fd;
  GSource *slirp_source;
  GSource *tap_source;
  GHashTable *polls;  /* fd -> SlirpLoopPoll */
  GPtrArray *polled;  /* SlirpLoopPoll of this iteration, by libslirp's index */
  guint64 generation; /* of this iteration */
  GPtrArray *timers;  /* of SlirpLoopTimer */
  guint8 *frame;
  NetFilter *filter;
  SlirpConfigAddrs addrs; /* libslirp keeps pointers to them */
};

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

static ssize_t
cb_send_packet (const void *buf, size_t len, void *opaque)
{
  SlirpLoop *loop = opaque;
  ssize_t n;

  net_filter_note_inbound (loop->filter, buf, len);
  do
    n = write (loop->tap_fd, buf, len);
  while (n < 0 && errno == EINTR);
  /* A full tap queue drops the frame, as a real link would; TCP resends. */
  if (n < 0 && errno != EAGAIN)
    {
      g_warning ("write to the tap: %s", g_strerror (errno));
      return -1;
    }
  return (ssize_t) len;
}

static void
cb_guest_error (const char *msg, void *opaque)
{
  g_warning ("libslirp: guest error: %s", msg);
}

static int64_t
cb_clock_get_ns (void *opaque)
{
  return g_get_monotonic_time () * 1000;
}

static void *
cb_timer_new_opaque (SlirpTimerId id, void *cb_opaque, void *opaque)
{
  SlirpLoop *loop = opaque;
  SlirpLoopTimer *t = g_new0 (SlirpLoopTimer, 1);

  t->loop = loop;
  t->id = id;
  t->cb_opaque = cb_opaque;
  t->expire_ms = -1;
  g_ptr_array_add (loop->timers, t);
  return t;
}

static void
cb_timer_free (void *timer, void *opaque)
{
  SlirpLoop *loop = opaque;

  g_ptr_array_remove_fast (loop->timers, timer); /* frees it */
}

static void
cb_timer_mod (void *timer, int64_t expire_time, void *opaque)
{
  ((SlirpLoopTimer *) timer)->expire_ms = expire_time;
}

static void
cb_register_poll_fd (int fd, void *opaque)
{
  /* Every fd is polled through slirp_pollfds_fill() on each iteration. */
}

static void
cb_unregister_poll_fd (int fd, void *opaque)
{
}

static void
cb_notify (void *opaque)
{
  /* The loop calls slirp_pollfds_fill() before every poll: nothing to wake up. */
}

static const SlirpCb callbacks = {
  .send_packet = cb_send_packet,
  .guest_error = cb_guest_error,
  .clock_get_ns = cb_clock_get_ns,
  .timer_free = cb_timer_free,
  .timer_mod = cb_timer_mod,
  .register_poll_fd = cb_register_poll_fd,
  .unregister_poll_fd = cb_unregister_poll_fd,
  .notify = cb_notify,
  .timer_new_opaque = cb_timer_new_opaque,
};

static int
add_poll (int fd, int events, void *opaque)
{
  SlirpLoopSource *s = opaque;
  GIOCondition cond = 0;

  if (events & SLIRP_POLL_IN)
    cond |= G_IO_IN;
  if (events & SLIRP_POLL_OUT)
    cond |= G_IO_OUT;
  if (events & SLIRP_POLL_PRI)
    cond |= G_IO_PRI;
  if (events & SLIRP_POLL_ERR)
    cond |= G_IO_ERR;
  if (events & SLIRP_POLL_HUP)
    cond |= G_IO_HUP;
  SlirpLoop *loop = s->loop;
  SlirpLoopPoll *p = g_hash_table_lookup (loop->polls, GINT_TO_POINTER (fd));
  if (p == NULL)
    {
      p = g_new0 (SlirpLoopPoll, 1);
      p->fd = fd;
      p->events = cond;
      p->tag = g_source_add_unix_fd (&s->source, fd, cond);
      g_hash_table_insert (loop->polls, GINT_TO_POINTER (fd), p);
    }
  else if (p->events != cond && p->generation != loop->generation)
    {
      p->events = cond;
      g_source_modify_unix_fd (&s->source, p->tag, cond);
    }
  else if (p->generation == loop->generation && (p->events | cond) != p->events)
    {
      /* The same fd twice in one fill: poll for both. */
      p->events |= cond;
      g_source_modify_unix_fd (&s->source, p->tag, p->events);
    }
  p->generation = loop->generation;
  g_ptr_array_add (loop->polled, p);
  return (int) loop->polled->len - 1;
}

static int
get_revents (int idx, void *opaque)
{
  SlirpLoopSource *s = opaque;
  GIOCondition cond;
  int events = 0;

  SlirpLoopPoll *p;

  if (idx < 0 || (guint) idx >= s->loop->polled->len)
    return 0;
  p = g_ptr_array_index (s->loop->polled, idx);
  cond = g_source_query_unix_fd (&s->source, p->tag);
  if (cond & G_IO_IN)
    events |= SLIRP_POLL_IN;
  if (cond & G_IO_OUT)
    events |= SLIRP_POLL_OUT;
  if (cond & G_IO_PRI)
    events |= SLIRP_POLL_PRI;
  if (cond & G_IO_ERR)
    events |= SLIRP_POLL_ERR;
  if (cond & G_IO_HUP)
    events |= SLIRP_POLL_HUP;
  return events;
}

static gboolean
source_prepare (GSource *source, int *timeout)
{
  SlirpLoopSource *s = (SlirpLoopSource *) source;
  SlirpLoop *loop = s->loop;
  guint32 slirp_timeout = UINT32_MAX;
  gint64 t = -1;
  gint64 now = now_ms ();

  GHashTableIter iter;
  SlirpLoopPoll *p;

  loop->generation++;
  g_ptr_array_set_size (loop->polled, 0);
  slirp_pollfds_fill (loop->slirp, &slirp_timeout, add_poll, s);
  /* Whatever libslirp did not ask for this time is closed or no longer interesting. */
  g_hash_table_iter_init (&iter, loop->polls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
    if (p->generation != loop->generation)
      {
        g_source_remove_unix_fd (source, p->tag);
        g_hash_table_iter_remove (&iter);
      }
  if (slirp_timeout != UINT32_MAX)
    t = slirp_timeout;
  for (guint i = 0; i < loop->timers->len; i++)
    {
      SlirpLoopTimer *timer = g_ptr_array_index (loop->timers, i);
      if (timer->expire_ms >= 0)
        {
          gint64 left = MAX (timer->expire_ms - now, 0);
          t = t < 0 ? left : MIN (t, left);
        }
    }
  *timeout = t < 0 ? -1 : (int) MIN (t, G_MAXINT);
  return FALSE;
}

static gboolean
source_check (GSource *source)
{
  /* libslirp runs its TCP timers in slirp_pollfds_poll(): it is called after every poll,
   * ready fds or not. */
  return TRUE;
}

static gboolean
source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  SlirpLoopSource *s = (SlirpLoopSource *) source;
  SlirpLoop *loop = s->loop;
  gint64 now;

  slirp_pollfds_poll (loop->slirp, 0, get_revents, s);
  now = now_ms ();
  /* A timer callback may re-arm or free timers: look each one up afresh. */
  for (guint i = 0; i < loop->timers->len; i++)
    {
      SlirpLoopTimer *timer = g_ptr_array_index (loop->timers, i);
      if (timer->expire_ms >= 0 && timer->expire_ms <= now)
        {
          timer->expire_ms = -1;
          slirp_handle_timer (loop->slirp, timer->id, timer->cb_opaque);
        }
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs source_funcs = {
  .prepare = source_prepare,
  .check = source_check,
  .dispatch = source_dispatch,
};

static gboolean
tap_readable (int fd, GIOCondition cond, gpointer user_data)
{
  SlirpLoop *loop = user_data;

  for (int i = 0; i < TAP_BURST; i++)
    {
      ssize_t n = read (fd, loop->frame, TAP_FRAME_MAX);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n <= 0)
        {
          /* The namespace is going away; the pidfd ends the daemon. */
          g_warning ("read from the tap: %s", n == 0 ? "end of file" : g_strerror (errno));
          return G_SOURCE_REMOVE;
        }
      if (net_filter_allows (loop->filter, loop->frame, (gsize) n))
        slirp_input (loop->slirp, loop->frame, (int) n);
    }
  return G_SOURCE_CONTINUE;
}

SlirpLoop *
slirp_loop_new (const NetOptions *o, GError **error)
{
  g_autoptr (SlirpLoop) loop = g_new0 (SlirpLoop, 1);
  SlirpConfig cfg;

  loop->tap_fd = -1;
  loop->polls = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  loop->polled = g_ptr_array_new ();
  loop->timers = g_ptr_array_new_with_free_func (g_free);
  loop->frame = g_malloc (TAP_FRAME_MAX);
  loop->filter = net_filter_new (o);

  slirp_config_build (o, &cfg, &loop->addrs);
  loop->slirp = slirp_new (&cfg, &callbacks, loop);
  if (loop->slirp == NULL)
    return wr_throw (error, WARREN_ERROR_FAILED, "libslirp refused the configuration"), NULL;
  return g_steal_pointer (&loop);
}

void
slirp_loop_set_tap (SlirpLoop *loop, int tap_fd)
{
  loop->tap_fd = tap_fd;
}

Slirp *
slirp_loop_get_slirp (SlirpLoop *loop)
{
  return loop->slirp;
}

NetFilter *
slirp_loop_get_filter (SlirpLoop *loop)
{
  return loop->filter;
}

void
slirp_loop_attach (SlirpLoop *loop, GMainContext *context)
{
  SlirpLoopSource *s;

  s = (SlirpLoopSource *) g_source_new (&source_funcs, sizeof (SlirpLoopSource));
  s->loop = loop;
  g_source_set_name (&s->source, "libslirp");
  /* It is dispatched after every poll. GLib takes the fds of a source that may not recurse
   * out of the poll set around its dispatch, and each of those changes wakes the loop up
   * again: it would never sleep. */
  g_source_set_can_recurse (&s->source, TRUE);
  g_source_attach (&s->source, context);
  loop->slirp_source = &s->source;

  loop->tap_source = g_unix_fd_source_new (loop->tap_fd, G_IO_IN);
  g_source_set_callback (loop->tap_source, G_SOURCE_FUNC (tap_readable), loop, NULL);
  g_source_set_name (loop->tap_source, "tap");
  g_source_set_can_recurse (loop->tap_source, TRUE); /* the same wakeups, per frame burst */
  g_source_attach (loop->tap_source, context);
}

void
slirp_loop_free (SlirpLoop *loop)
{
  if (loop == NULL)
    return;
  wr_source_clear (&loop->tap_source);
  wr_source_clear (&loop->slirp_source);
  if (loop->slirp != NULL)
    slirp_cleanup (loop->slirp);
  g_ptr_array_unref (loop->polled);
  g_hash_table_unref (loop->polls);
  g_ptr_array_unref (loop->timers);
  g_free (loop->frame);
  net_filter_free (loop->filter);
  g_free (loop);
}
