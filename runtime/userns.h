/* userns: writing a new user namespace's uid/gid maps from the parent: direct writes for root
 * and for a user mapping only their own ids (with setgroups denied), the setuid
 * newuidmap/newgidmap helpers for anything else; then reading the maps back. Which ids the
 * container wants is spec.c's; joining namespaces is init.c's. */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "spec.h"

/* Whether setgroups(2) will be allowed inside (FALSE when the gid map is written directly by
 * an unprivileged caller, which requires "deny"). */
gboolean userns_setgroups_allowed (const WarrenSpec *spec, gboolean rootless);

gboolean userns_write_mappings (pid_t pid, const WarrenSpec *spec, gboolean rootless,
                                GError **error);

/* Whether HELPER (newuidmap or newgidmap) can write a map for an unprivileged caller: an
 * executable file, setuid root or with file capabilities. The error names it and the fix. */
gboolean userns_helper_usable (const char *helper, GError **error);

/* One range of size 1 mapping the caller's own id: written directly, no helper needed. */
gboolean userns_own_id_only (const SpecIdMapping *maps, guint n, guint32 own);

/* Whether the text of /proc/<pid>/uid_map equals the requested ranges, in order. */
gboolean userns_map_matches (const char *proc_text, const SpecIdMapping *maps, guint n);

/* Format a mapping list as uid_map lines ("0 1000 1\n"). */
char *userns_format_map (const SpecIdMapping *maps, guint n);
