#include <glib.h>
#include <string.h>

#include "ring.h"

static void
assert_contents (TtyRing *ring, const char *expected)
{
  g_autoptr (GBytes) bytes = tty_ring_contents (ring);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpmem (data, len, expected, strlen (expected));
}

static void
test_small (void)
{
  g_autoptr (TtyRing) ring = tty_ring_new (8);

  assert_contents (ring, "");
  tty_ring_append (ring, "abc", 3);
  assert_contents (ring, "abc");
  tty_ring_append (ring, "defgh", 5);
  assert_contents (ring, "abcdefgh");
  tty_ring_append (ring, "ij", 2);
  assert_contents (ring, "cdefghij");
  tty_ring_append (ring, "klmnop", 6);
  assert_contents (ring, "ijklmnop");
  g_assert_cmpuint (tty_ring_total (ring), ==, 16);
  g_assert_cmpuint (tty_ring_length (ring), ==, 8);
}

static void
test_larger_than_capacity (void)
{
  g_autoptr (TtyRing) ring = tty_ring_new (4);

  tty_ring_append (ring, "ab", 2);
  tty_ring_append (ring, "0123456789", 10);
  assert_contents (ring, "6789");
  tty_ring_append (ring, "x", 1);
  assert_contents (ring, "789x");
}

static void
test_zero_capacity (void)
{
  g_autoptr (TtyRing) ring = tty_ring_new (0);

  tty_ring_append (ring, "abc", 3);
  assert_contents (ring, "");
  g_assert_cmpuint (tty_ring_total (ring), ==, 3);
  g_assert_cmpuint (tty_ring_allocated (ring), ==, 0);
}

/* Random chunk sizes against a model: the ring always holds the tail of everything. */
static void
test_random_against_model (void)
{
  const gsize capacity = 10000;
  g_autoptr (TtyRing) ring = tty_ring_new (capacity);
  g_autoptr (GByteArray) model = g_byte_array_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);

  for (int round = 0; round < 2000; round++)
    {
      guint8 chunk[3000];
      gsize n = (gsize) g_rand_int_range (rand, 0, round % 50 == 0 ? 3000 : 300);
      for (gsize i = 0; i < n; i++)
        chunk[i] = (guint8) g_rand_int (rand);
      tty_ring_append (ring, chunk, n);
      g_byte_array_append (model, chunk, (guint) n);
      if (round % 97 == 0 || round == 1999)
        {
          g_autoptr (GBytes) bytes = tty_ring_contents (ring);
          gsize len;
          const guint8 *data = g_bytes_get_data (bytes, &len);
          gsize keep = MIN (model->len, capacity);
          g_assert_cmpmem (data, len, model->data + model->len - keep, keep);
        }
      g_assert_cmpuint (tty_ring_allocated (ring), <=, capacity);
    }
  g_assert_cmpuint (tty_ring_total (ring), ==, model->len);
}

/* A quiet session does not cost the whole capacity. */
static void
test_grows_on_demand (void)
{
  g_autoptr (TtyRing) ring = tty_ring_new (1024 * 1024);

  tty_ring_append (ring, "hello", 5);
  g_assert_cmpuint (tty_ring_allocated (ring), <=, 4096);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tty/ring/small", test_small);
  g_test_add_func ("/tty/ring/larger-than-capacity", test_larger_than_capacity);
  g_test_add_func ("/tty/ring/zero-capacity", test_zero_capacity);
  g_test_add_func ("/tty/ring/random-against-model", test_random_against_model);
  g_test_add_func ("/tty/ring/grows-on-demand", test_grows_on_demand);
  return g_test_run ();
}
