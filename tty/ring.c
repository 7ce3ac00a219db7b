#include "ring.h"

#include <string.h>

struct _TtyRing
{
  guint8 *buf;
  gsize capacity;
  gsize allocated;
  gsize start; /* offset of the oldest byte */
  gsize length;
  guint64 total;
};

TtyRing *
tty_ring_new (gsize capacity)
{
  TtyRing *ring = g_new0 (TtyRing, 1);

  ring->capacity = capacity;
  return ring;
}

void
tty_ring_free (TtyRing *ring)
{
  if (ring == NULL)
    return;
  g_free (ring->buf);
  g_free (ring);
}

/* Grow while the data is still contiguous from offset 0; once the buffer has its full
 * capacity it only wraps. */
static void
grow_for (TtyRing *ring, gsize wanted)
{
  gsize size = MAX (ring->allocated, 4096);

  if (ring->allocated >= ring->capacity || wanted <= ring->allocated)
    return;
  while (size < wanted && size < ring->capacity)
    size *= 2;
  size = MIN (size, ring->capacity);
  ring->buf = g_realloc (ring->buf, size);
  ring->allocated = size;
}

void
tty_ring_append (TtyRing *ring, const void *data, gsize len)
{
  const guint8 *p = data;

  ring->total += len;
  if (ring->capacity == 0)
    return;
  if (len >= ring->capacity)
    {
      /* Only the tail survives: store it from offset 0. */
      grow_for (ring, ring->capacity);
      memcpy (ring->buf, p + len - ring->capacity, ring->capacity);
      ring->start = 0;
      ring->length = ring->capacity;
      return;
    }
  if (ring->start == 0)
    grow_for (ring, ring->length + len);
  while (len > 0)
    {
      gsize end = (ring->start + ring->length) % ring->allocated;
      gsize n = MIN (len, ring->allocated - end);

      memcpy (ring->buf + end, p, n);
      p += n;
      len -= n;
      if (ring->length + n > ring->allocated)
        {
          /* The oldest bytes, from start on, were overwritten. */
          ring->start = (ring->start + ring->length + n - ring->allocated) % ring->allocated;
          ring->length = ring->allocated;
        }
      else
        ring->length += n;
    }
}

GBytes *
tty_ring_contents (const TtyRing *ring)
{
  guint8 *out = g_malloc (MAX (ring->length, 1));
  gsize first = MIN (ring->length, ring->allocated - ring->start);

  if (ring->length > 0)
    {
      memcpy (out, ring->buf + ring->start, first);
      memcpy (out + first, ring->buf, ring->length - first);
    }
  return g_bytes_new_take (out, ring->length);
}

gsize
tty_ring_length (const TtyRing *ring)
{
  return ring->length;
}

gsize
tty_ring_allocated (const TtyRing *ring)
{
  return ring->allocated;
}

guint64
tty_ring_total (const TtyRing *ring)
{
  return ring->total;
}
