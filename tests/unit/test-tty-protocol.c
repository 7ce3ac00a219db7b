#include <glib.h>
#include <string.h>

#include "protocol.h"
#include "wr-error.h"
#include "wr-json.h"

static void
test_request_round_trip (void)
{
  g_autofree char *line = tty_protocol_request_line ("attach", "c1\n\"x", 24, 80);
  g_auto (TtyRequest) req = { 0 };
  g_autoptr (GError) error = NULL;

  /* One line: the newline in the name is escaped by JSON. */
  g_assert_true (strchr (line, '\n') == line + strlen (line) - 1);
  g_assert_true (tty_protocol_parse_request (line, strlen (line) - 1, &req, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (req.op, ==, "attach");
  g_assert_cmpstr (req.name, ==, "c1\n\"x");
  g_assert_cmpuint (req.rows, ==, 24);
  g_assert_cmpuint (req.cols, ==, 80);
}

static void
test_request_rejected (void)
{
  const char *bad[][2] = {
    { "[]", "expected a JSON object" },
    { "{\"op\": 1}", "op: must be a string" },
    { "{\"op\": \"rm\"}", "unknown operation \"rm\"" },
    { "{\"op\": \"attach\"}", "name: must be a string" },
    { "{\"op\": \"attach\", \"name\": \"a\", \"rows\": 70000}", "rows: must be 0 to 65535" },
    { "{\"op\": \"attach\", \"name\": \"a\", \"cols\": -1}", "cols: must be 0 to 65535" },
    { "{\"op\": \"attach\", \"name\": \"a\", \"cols\": \"80\"}", "cols: must be an integer" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto (TtyRequest) req = { 0 };
      g_autoptr (GError) error = NULL;
      g_assert_false (tty_protocol_parse_request (bad[i][0], strlen (bad[i][0]), &req, &error));
      g_assert_nonnull (error);
      if (strstr (error->message, bad[i][1]) == NULL)
        g_error ("%s: message \"%s\" lacks \"%s\"", bad[i][0], error->message, bad[i][1]);
    }
}

static void
test_error_reply (void)
{
  g_autofree char *line = wr_json_error_line ("no session named x");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) reply = tty_protocol_parse_reply (line, strlen (line), &error);

  g_assert_null (reply);
  g_assert_error (error, WARREN_ERROR, WARREN_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "no session named x");
}

static void
test_frames (void)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  const guint8 *data;
  gsize data_len;
  char type;
  gssize n;

  tty_frame_append (buf, TTY_FRAME_DATA, "hi", 2);
  tty_frame_append_winsize (buf, 300, 2);
  /* Incomplete: nothing yet. */
  g_assert_cmpint (tty_frame_parse (buf->data, 4, &type, &data, &data_len, &error), ==, 0);
  n = tty_frame_parse (buf->data, buf->len, &type, &data, &data_len, &error);
  g_assert_cmpint (n, ==, 5);
  g_assert_cmpint (type, ==, 'd');
  g_assert_cmpmem (data, data_len, "hi", 2);
  n = tty_frame_parse (buf->data + 5, buf->len - 5, &type, &data, &data_len, &error);
  g_assert_cmpint (n, ==, 7);
  g_assert_cmpint (type, ==, 'w');
  g_assert_cmpmem (data, data_len, "\x01\x2c\x00\x02", 4);
  g_assert_no_error (error);
}

static void
test_frames_rejected (void)
{
  const struct
  {
    const char *bytes;
    gsize len;
    const char *message;
  } bad[] = {
    { "x\0\0", 3, "unknown frame type 0x78" },
    { "d\x10\x01", 3, "frame of 4097 bytes (limit 4096)" },
    { "w\0\x03", 3, "window size frame of 3 bytes" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      const guint8 *data;
      gsize data_len;
      char type;
      g_assert_cmpint (tty_frame_parse ((const guint8 *) bad[i].bytes, bad[i].len, &type, &data,
                                        &data_len, &error),
                       ==, -1);
      g_assert_cmpstr (error->message, ==, bad[i].message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tty/protocol/request-round-trip", test_request_round_trip);
  g_test_add_func ("/tty/protocol/request-rejected", test_request_rejected);
  g_test_add_func ("/tty/protocol/error-reply", test_error_reply);
  g_test_add_func ("/tty/protocol/frames", test_frames);
  g_test_add_func ("/tty/protocol/frames-rejected", test_frames_rejected);
  return g_test_run ();
}
