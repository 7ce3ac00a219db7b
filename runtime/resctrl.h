/* resctrl: linux.intelRdt, a container's group in the resctrl file system (Intel RDT, AMD
 * PQoS): the group named by closID or the container id, its schemata, a monitoring group for
 * enableCMT/enableMBM, and the tasks written into them. The rules are the runtime-spec's. What
 * a container keeps of it is state.c's; when to join is container.c's. */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "spec.h"

#define RESCTRL_ROOT "/sys/fs/resctrl"

/* What a container joined, kept in state.json for exec and delete. */
typedef struct
{
  char *group;      /* directory under the resctrl root */
  gboolean created; /* warren made it for this container: delete removes it */
  char *mon_group;  /* under group/mon_groups/, always the container's own; NULL for none */
} ResctrlGroup;

void resctrl_group_free (ResctrlGroup *group);
ResctrlGroup *resctrl_group_copy (const ResctrlGroup *group);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ResctrlGroup, resctrl_group_free)

/* The schemata that l3CacheSchema and memBwSchema ask for: the non-"MB:" lines of the first
 * and the line of the second, newline-terminated. NULL when neither is set. */
char *resctrl_schema_text (const SpecIntelRdt *rdt);

/* Whether every resource domain that `wanted` sets has the same value in `existing` (the
 * kernel prints bitmasks zero-padded: values are compared as numbers). */
gboolean resctrl_schemata_match (const char *existing, const char *wanted);

/* /sys/fs/resctrl as an O_PATH fd, checked to be resctrl; the error says when it is missing. */
int resctrl_open_root (GError **error);

/* Put `pid` into the container's group below `root_fd`, creating and configuring it as the
 * rules say. On failure nothing that was created is left. */
ResctrlGroup *resctrl_join (int root_fd, const SpecIntelRdt *rdt, const char *id, pid_t pid,
                            GError **error);
/* For a process that joins by itself before it enters the container (exec): the tasks files
 * of the group and of its monitoring group (out[1] = -1 without one), opened O_WRONLY, and the
 * write of "0" (the writer itself) to each. Its children inherit the group. */
gboolean resctrl_open_tasks (int root_fd, const ResctrlGroup *group, int out[2],
                             GError **error);
gboolean resctrl_join_self (const int tasks_fds[2], GError **error);
/* Remove the monitoring group and, when warren created it, the group (once it has no tasks). */
gboolean resctrl_leave (int root_fd, const ResctrlGroup *group, GError **error);
