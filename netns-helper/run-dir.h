/* run-dir: the directory a hook-mode helper keeps while it runs, `<base>/<id>/` with `lock`
 * (held for the helper's life: one helper per id), `pid`, `log`, the API socket `api.sock`
 * and `net.json` (what `restart` needs). The base is --run-dir,
 * else /run/warren-netns as root, else $XDG_RUNTIME_DIR/warren-netns (or
 * /run/user/UID/warren-netns); it must be ours with no group or other access. What goes in
 * the log is left to the daemon. */
#pragma once

#include <glib.h>
#include <sys/types.h>

typedef struct RunDir RunDir;

/* Create (or take over a stale) `<base>/<id>` and lock it. A live helper holding it is
 * WARREN_ERROR_EXISTS. Freed without run_dir_commit(), the directory is removed. */
RunDir *run_dir_open (const char *base, const char *id, GError **error);
/* The same for a directory that must exist already (`restart`): WARREN_ERROR_NOT_FOUND when
 * it does not. */
RunDir *run_dir_reopen (const char *base, const char *id, GError **error);
/* `base`, or the default base when it is NULL. */
char *run_dir_base (const char *base, GError **error);
/* The directory's fd (borrowed). */
int run_dir_fd (RunDir *dir);
const char *run_dir_path (RunDir *dir);
/* The log file, opened for appending. */
int run_dir_open_log (RunDir *dir, GError **error);
gboolean run_dir_write_pid (RunDir *dir, pid_t pid, GError **error);
/* Keep the directory when the RunDir is freed (in a process that is not the helper). */
void run_dir_commit (RunDir *dir);
void run_dir_free (RunDir *dir);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RunDir, run_dir_free)
