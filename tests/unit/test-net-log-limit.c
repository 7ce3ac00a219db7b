/* The helper's log bucket: a burst passes, then the refill rate; drops are counted and
 * reported with the next message that passes. */
#include <glib.h>

#include "log-limit.h"

static void
test_burst_then_rate (void)
{
  LogBucket b;
  guint64 suppressed = 99;
  guint passed = 0;

  log_bucket_init (&b, 5, 2, 0);
  for (int i = 0; i < 100; i++)
    if (log_bucket_take (&b, 0, &suppressed))
      passed++;
  g_assert_cmpuint (passed, ==, 5);
  g_assert_cmpuint (b.suppressed, ==, 95);
  /* Half a second later one token is back: the message passes and says what was lost. */
  g_assert_true (log_bucket_take (&b, G_USEC_PER_SEC / 2, &suppressed));
  g_assert_cmpuint (suppressed, ==, 95);
  g_assert_false (log_bucket_take (&b, G_USEC_PER_SEC / 2, &suppressed));
  g_assert_cmpuint (suppressed, ==, 0);
  /* Ten quiet seconds refill the bucket to its size, not beyond. */
  passed = 0;
  for (int i = 0; i < 20; i++)
    if (log_bucket_take (&b, 11 * G_USEC_PER_SEC, &suppressed))
      passed++;
  g_assert_cmpuint (passed, ==, 5);
}

static void
test_clock_going_back_refills_nothing (void)
{
  LogBucket b;
  guint64 suppressed;

  log_bucket_init (&b, 1, 1, 10 * G_USEC_PER_SEC);
  g_assert_true (log_bucket_take (&b, 10 * G_USEC_PER_SEC, &suppressed));
  g_assert_false (log_bucket_take (&b, 5 * G_USEC_PER_SEC, &suppressed));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/log-limit/burst-then-rate", test_burst_then_rate);
  g_test_add_func ("/log-limit/clock-going-back", test_clock_going_back_refills_nothing);
  return g_test_run ();
}
