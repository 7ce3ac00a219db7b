/* process: the init's last steps before exec: rlimits, scheduler, I/O priority, oom score, the user switch,
 * capabilities (libcap), no_new_privs, cwd, and finding the executable in the container's
 * PATH. Mounts and namespaces are done by then (rootfs.c, init.c). */
#pragma once

#include <glib.h>

#include "spec.h"

gboolean process_set_rlimits (const SpecProcess *process, GError **error);
/* process.scheduler (sched_setattr) and process.ioPriority (ioprio_set), set while the
 * process still has its capabilities, as runc does; both are inherited by what it runs. */
gboolean process_set_scheduler (const SpecProcess *process, GError **error);
gboolean process_set_io_priority (const SpecProcess *process, GError **error);
/* Written through the host's procfs fd, before the pivot. */
gboolean process_set_oom_score_adj (const SpecProcess *process, int proc_fd, GError **error);
/* Drop the bounding set to what the config lists (before the user switch: needs
 * CAP_SETPCAP). */
gboolean process_drop_bounding (const SpecProcess *process, GError **error);
/* setgroups, setresgid, setresuid, keeping capabilities across for process_set_caps. */
gboolean process_switch_user (const SpecProcess *process, gboolean setgroups_allowed,
                              GError **error);
gboolean process_set_caps (const SpecProcess *process, GError **error);
gboolean process_enter_cwd (const SpecProcess *process, GError **error);
/* The path execve will run: args[0] when it has a '/', else searched in the PATH of
 * process.env (runc's message when missing). */
char *process_find_executable (const SpecProcess *process, GError **error);
/* fds 3..3+N-1 stay open across exec, every other fd above stdio closes at exec. */
gboolean process_keep_only_passed_fds (int preserve_fds, GError **error);
