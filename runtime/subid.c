#include "subid.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wr-error.h"

static void
subid_range_free (SubidRange *range)
{
  g_free (range->owner);
  g_free (range);
}

/* A decimal number without sign or spaces, as every subuid file in practice writes it. */
static gboolean
parse_number (const char *text, guint64 *value)
{
  char *end = NULL;

  if (*text < '0' || *text > '9')
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoull (text, &end, 10);
  return errno == 0 && *end == '\0';
}

static char *
parse_line (const char *line, SubidRange *range)
{
  g_auto (GStrv) fields = g_strsplit (line, ":", -1);
  guint64 start, count;

  if (g_strv_length (fields) != 3)
    return g_strdup ("not OWNER:START:COUNT");
  if (*fields[0] == '\0')
    return g_strdup ("no owner");
  if (!parse_number (fields[1], &start) || !parse_number (fields[2], &count))
    return g_strdup ("START and COUNT must be decimal numbers");
  if (count == 0)
    return g_strdup ("COUNT is 0");
  if (start + count > (guint64) G_MAXUINT32 + 1)
    return g_strdup ("the range goes beyond id 4294967295");
  range->owner = g_strdup (fields[0]);
  range->start = (guint32) start;
  range->count = (guint32) count;
  return NULL;
}

SubidFile *
subid_file_parse (const char *text)
{
  SubidFile *file = g_new0 (SubidFile, 1);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  file->ranges = g_ptr_array_new_with_free_func ((GDestroyNotify) subid_range_free);
  file->problems = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      SubidRange range = { .line = i + 1 };
      g_autofree char *problem = NULL;

      if (*line == '\0' || *line == '#')
        continue;
      problem = parse_line (line, &range);
      if (problem != NULL)
        g_ptr_array_add (file->problems,
                         g_strdup_printf ("line %u: %s; shadow ignores it", i + 1, problem));
      else
        g_ptr_array_add (file->ranges, g_memdup2 (&range, sizeof range));
    }
  return file;
}

SubidFile *
subid_file_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;

  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return subid_file_parse ("");
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return subid_file_parse (text);
}

void
subid_file_free (SubidFile *file)
{
  if (file == NULL)
    return;
  g_ptr_array_unref (file->ranges);
  g_ptr_array_unref (file->problems);
  g_free (file);
}

gboolean
subid_range_is_users (const SubidRange *range, const char *name, uid_t uid)
{
  guint64 owner_uid;

  if (name != NULL && strcmp (range->owner, name) == 0)
    return TRUE;
  return parse_number (range->owner, &owner_uid) && owner_uid == uid;
}

GPtrArray *
subid_user_ranges (const SubidFile *file, const char *name, uid_t uid)
{
  GPtrArray *mine = g_ptr_array_new ();

  for (guint i = 0; i < file->ranges->len; i++)
    if (subid_range_is_users (g_ptr_array_index (file->ranges, i), name, uid))
      g_ptr_array_add (mine, g_ptr_array_index (file->ranges, i));
  return mine;
}

static gboolean
overlaps (const SubidRange *a, const SubidRange *b)
{
  return (guint64) a->start < (guint64) b->start + b->count
         && (guint64) b->start < (guint64) a->start + a->count;
}

static gboolean
overlaps_another_owner (const SubidFile *file, const SubidRange *mine, const char *name,
                        uid_t uid, GPtrArray *warnings)
{
  gboolean found = FALSE;

  for (guint i = 0; i < file->ranges->len; i++)
    {
      const SubidRange *other = g_ptr_array_index (file->ranges, i);
      if (subid_range_is_users (other, name, uid) || !overlaps (mine, other))
        continue;
      found = TRUE;
      if (warnings != NULL)
        g_ptr_array_add (warnings,
                         g_strdup_printf ("line %u: %u-%u overlaps line %u of %s (%u-%u)",
                                          mine->line, mine->start,
                                          (guint32) (mine->start + (mine->count - 1)),
                                          other->line, other->owner, other->start,
                                          (guint32) (other->start + (other->count - 1))));
    }
  return found;
}

GPtrArray *
subid_user_warnings (const SubidFile *file, const char *name, uid_t uid)
{
  g_autoptr (GPtrArray) mine = subid_user_ranges (file, name, uid);
  GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < mine->len; i++)
    {
      const SubidRange *range = g_ptr_array_index (mine, i);
      (void) overlaps_another_owner (file, range, name, uid, warnings);
      for (guint j = 0; j < i; j++)
        {
          const SubidRange *earlier = g_ptr_array_index (mine, j);
          if (earlier->start == range->start && earlier->count == range->count)
            g_ptr_array_add (warnings, g_strdup_printf ("line %u repeats line %u", range->line,
                                                        earlier->line));
          else if (overlaps (earlier, range))
            g_ptr_array_add (warnings, g_strdup_printf ("line %u overlaps line %u of the same "
                                                        "user", range->line, earlier->line));
        }
    }
  return warnings;
}

const SubidRange *
subid_choose (const SubidFile *file, const char *name, uid_t uid)
{
  g_autoptr (GPtrArray) mine = subid_user_ranges (file, name, uid);

  for (guint i = 0; i < mine->len; i++)
    if (!overlaps_another_owner (file, g_ptr_array_index (mine, i), name, uid, NULL))
      return g_ptr_array_index (mine, i);
  return NULL;
}
