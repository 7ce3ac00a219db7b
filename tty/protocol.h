/* protocol: what warren-tty's clients and server say to each other on the console socket.
 * A client starts with one JSON line, {"op": "list"} or {"op": "attach", "name": ...,
 * "rows": R, "cols": C}, and gets one JSON line back ({"error": ...} on failure). After an
 * attach reply, the server sends the session's raw output, and the client sends frames: one
 * type byte ('d' keystrokes, 'w' window size: rows and cols as big-endian 16-bit), a
 * big-endian 16-bit length and the data. Sessions themselves are session.c's. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

/* A request line; a reply may be longer: a list of every session with names of up to 512
 * escaped bytes. */
#define TTY_PROTOCOL_MAX_LINE 65536
#define TTY_PROTOCOL_MAX_REPLY (1024 * 1024)
#define TTY_FRAME_HEADER 3
#define TTY_FRAME_MAX 4096
#define TTY_FRAME_DATA 'd'
#define TTY_FRAME_WINSIZE 'w'

typedef struct
{
  char *op;
  char *name;
  guint16 rows;
  guint16 cols;
} TtyRequest;

void tty_request_clear (TtyRequest *request);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TtyRequest, tty_request_clear)

/* A JSON node as one line ending in "\n". */
char *tty_protocol_request_line (const char *op, const char *name, guint16 rows, guint16 cols);
gboolean tty_protocol_parse_request (const char *line, gsize len, TtyRequest *out_request,
                                     GError **error);
/* Parse a reply line; an {"error": ...} reply becomes an error. */
JsonNode *tty_protocol_parse_reply (const char *line, gsize len, GError **error);

void tty_frame_append (GByteArray *out, char type, const void *data, gsize len);
void tty_frame_append_winsize (GByteArray *out, guint16 rows, guint16 cols);
/* The first complete frame in buf: returns its total length (header included), 0 when more
 * bytes are needed, -1 on a malformed frame. */
gssize tty_frame_parse (const guint8 *buf, gsize len, char *out_type, const guint8 **out_data,
                        gsize *out_data_len, GError **error);
