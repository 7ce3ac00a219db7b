/* detach-keys: the key sequence that detaches an attached client (docker's syntax,
 * "ctrl-p,ctrl-q"), and the matcher that finds it in a stream of keystrokes even when the
 * sequence is split across reads. What detaching does is left to attach.c. */
#pragma once

#include <glib.h>

#define TTY_DETACH_KEYS_DEFAULT "ctrl-p,ctrl-q"
#define TTY_DETACH_KEYS_MAX 16

typedef struct
{
  guint8 seq[TTY_DETACH_KEYS_MAX];
  gsize len; /* 0: detaching is disabled */
  gsize matched;
} TtyDetachKeys;

/* Parse "ctrl-p,ctrl-q": comma-separated keys, each one character or ctrl-<c> with <c> one of
 * a-z @ [ \ ] ^ _. An empty string disables detaching. */
gboolean tty_detach_keys_parse (const char *spec, TtyDetachKeys *out_keys, GError **error);

/* Feed keystrokes. Bytes to forward are appended to `out`; a partial match is held back until
 * it either completes or fails. Returns TRUE when the sequence completed (what followed it in
 * `data` is dropped). */
gboolean tty_detach_keys_feed (TtyDetachKeys *keys, const guint8 *data, gsize len, GByteArray *out);
