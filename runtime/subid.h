/* subid: /etc/subuid and /etc/subgid read the way shadow reads them: one "OWNER:START:COUNT"
 * per line, OWNER a user name or a numeric uid, lines of any other shape ignored. On top of
 * what shadow does, it reports those lines and ranges that overlap another owner's, and picks
 * a range for a new mapping that overlaps nobody else's. */
#pragma once

#include <glib.h>
#include <sys/types.h>

typedef struct
{
  char *owner;
  guint32 start;
  guint32 count;
  guint line; /* 1-based */
} SubidRange;

typedef struct
{
  GPtrArray *ranges;   /* SubidRange */
  GPtrArray *problems; /* char *: "line N: what is wrong", for lines shadow ignores */
} SubidFile;

SubidFile *subid_file_parse (const char *text);
/* Read and parse PATH; a missing file is an empty one (shadow's view too). */
SubidFile *subid_file_load (const char *path, GError **error);
void subid_file_free (SubidFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SubidFile, subid_file_free)

/* Whether the range belongs to the user NAME with uid UID: by name, or by a numeric owner. */
gboolean subid_range_is_users (const SubidRange *range, const char *name, uid_t uid);

/* The user's ranges, in file order (borrowed pointers). */
GPtrArray *subid_user_ranges (const SubidFile *file, const char *name, uid_t uid);

/* Human-readable warnings about the user's ranges: overlaps with another owner's range, and
 * duplicate or overlapping lines of the user's own. Empty when all is well. */
GPtrArray *subid_user_warnings (const SubidFile *file, const char *name, uid_t uid);

/* The first of the user's ranges that overlaps no other owner's range, or NULL. */
const SubidRange *subid_choose (const SubidFile *file, const char *name, uid_t uid);
