/* wr-json: typed reads from a json-glib tree through a cursor that knows its JSON path,
 * so every error names the file and field ("config.json: mounts[2].destination: ...").
 * What a field means and which fields exist is left to the callers (spec.c, state.c). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct _WrJsonCursor WrJsonCursor;

struct _WrJsonCursor
{
  const char *file;             /* prefix of messages, e.g. "config.json" */
  const WrJsonCursor *parent;   /* NULL at the root */
  const char *key;              /* member name, or NULL for an array element */
  guint index;                  /* array index when key is NULL */
  JsonNode *node;               /* NULL when the member is absent */
};

void wr_json_cursor_root (WrJsonCursor *out, const char *file, JsonNode *node);
void wr_json_member (const WrJsonCursor *object, const char *key, WrJsonCursor *out);
void wr_json_element (const WrJsonCursor *array, guint index, WrJsonCursor *out);

/* "linux.uidMappings[1].size"; "(root)" for the root. */
char *wr_json_cursor_path (const WrJsonCursor *cursor);

/* A member that exists and is not JSON null. */
gboolean wr_json_present (const WrJsonCursor *cursor);

/* Set WARREN_ERROR_INVALID_CONFIG as "<file>: <path>: <message>". Returns FALSE. */
gboolean wr_json_fail (const WrJsonCursor *cursor, GError **error, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

gboolean wr_json_expect_object (const WrJsonCursor *cursor, GError **error);
gboolean wr_json_array_length (const WrJsonCursor *cursor, guint *out_length, GError **error);

gboolean wr_json_get_string (const WrJsonCursor *cursor, char **out, GError **error);
gboolean wr_json_get_bool (const WrJsonCursor *cursor, gboolean *out, GError **error);
gboolean wr_json_get_int64 (const WrJsonCursor *cursor, gint64 *out, GError **error);
gboolean wr_json_get_int64_range (const WrJsonCursor *cursor, gint64 min, gint64 max,
                                  gint64 *out, GError **error);
gboolean wr_json_get_uint32 (const WrJsonCursor *cursor, guint32 *out, GError **error);
gboolean wr_json_get_uint64 (const WrJsonCursor *cursor, guint64 *out, GError **error);
/* An array of strings; NULL-terminated result. */
gboolean wr_json_get_strv (const WrJsonCursor *cursor, char ***out, GError **error);
/* An object whose values are all strings, as a string → string hash table. */
gboolean wr_json_get_string_map (const WrJsonCursor *cursor, GHashTable **out, GError **error);

/* Member shortcuts: leave *out untouched when the member is absent or null. */
gboolean wr_json_opt_string (const WrJsonCursor *object, const char *key, char **out,
                             GError **error);
gboolean wr_json_opt_bool (const WrJsonCursor *object, const char *key, gboolean *out,
                           GError **error);
gboolean wr_json_opt_uint32 (const WrJsonCursor *object, const char *key, guint32 *out,
                             GError **error);
gboolean wr_json_opt_int64 (const WrJsonCursor *object, const char *key, gint64 *out,
                            GError **error);
gboolean wr_json_opt_strv (const WrJsonCursor *object, const char *key, char ***out,
                           GError **error);

/* Parse a file or buffer into a root node, errors prefixed with `file`. */
JsonNode *wr_json_parse_file (const char *path, const char *file, GError **error);
JsonNode *wr_json_parse_data (const char *data, gssize length, const char *file,
                              GError **error);

/* One compact JSON line ending in "\n", as the JSON-lines protocols of warren-tty and
 * warren-netns send them. */
char *wr_json_line (JsonNode *node);
/* The line {"error":"MESSAGE"}\n. */
char *wr_json_error_line (const char *message);

typedef enum
{
  WR_JSON_WRITE_NONE = 0,
  /* fsync the file before the rename and the directory after it: the new content survives a
   * power loss. Without it a reader still sees the old file or the new one, never half of
   * one, but a crash of the machine may lose the last write. */
  WR_JSON_WRITE_DURABLE = 1 << 0,
} WrJsonWriteFlags;

/* Serialise a node and replace `name` in `dirfd` atomically: a tmp file, then a rename, so a
 * reader sees the old content or the new, never half of it. With WR_JSON_WRITE_DURABLE also
 * flushed to the disk; a file that describes running processes (state.json, net.json) means
 * nothing after a crash of the machine and need not wait for it. */
gboolean wr_json_write_atomic_full (int dirfd, const char *name, JsonNode *node,
                                    WrJsonWriteFlags flags, GError **error);
