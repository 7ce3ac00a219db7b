/* state: where containers' state lives (the state root and one directory per id), the lock
 * that serialises commands on one id, state.json, and the status derived from the live
 * process. Creating and signalling containers is left to container.c. */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "resctrl.h"
#include "spec.h"

typedef enum
{
  CONTAINER_CREATING,
  CONTAINER_CREATED,
  CONTAINER_RUNNING,
  CONTAINER_STOPPED,
} ContainerStatus;

typedef struct
{
  char *id;
  char *oci_version;
  int pid;
  guint64 start_time; /* field 22 of /proc/<pid>/stat: tells a recycled pid apart */
  char *bundle;
  char *rootfs;
  char *created;      /* RFC 3339 UTC */
  guint32 owner;      /* uid of the user who created it */
  gboolean own_pid_namespace;
  GHashTable *annotations;
  SpecHooks hooks;    /* the config's hooks, kept for poststart (start) and poststop (delete) */
  JsonNode *seccomp;  /* linux.seccomp as created, for exec; NULL without one */
  ResctrlGroup *intel_rdt; /* the resctrl group joined, for exec and delete; NULL for none */
} ContainerState;

void container_state_free (ContainerState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ContainerState, container_state_free)

/* The state root: --root when given, else /run/warren for root, else $XDG_RUNTIME_DIR/warren
 * when XDG_RUNTIME_DIR is a directory owned by the caller with no group/other access. */
char *state_root_path (const char *root_option, GError **error);
/* Open (and with `create`, make) the state root. A missing root without `create` is
 * G_IO_ERROR_NOT_FOUND. Refuses a symlink and a directory owned by another user. */
int state_root_open (const char *path, gboolean create, GError **error);

typedef struct _StateDir StateDir;

/* A new container directory, locked; removed again when freed unless committed.
 * An existing id is WARREN_ERROR_EXISTS. */
StateDir *state_dir_create (int root_fd, const char *id, GError **error);
/* An existing container directory, locked (shared for readers). A missing id, or one deleted
 * while we waited for the lock, is WARREN_ERROR_NOT_FOUND. With `try`, a lock held by someone
 * else is G_IO_ERROR_BUSY instead of a wait. */
StateDir *state_dir_open (int root_fd, const char *id, gboolean shared, gboolean try_lock,
                          GError **error);
/* Whether ID's state.json exists, without taking the lock (it is replaced atomically). */
gboolean state_file_exists (int root_fd, const char *id);
void state_dir_commit (StateDir *dir);
int state_dir_fd (StateDir *dir);
const char *state_dir_id (StateDir *dir);
/* Remove the directory and everything in it (the lock is held until the dir is freed). */
gboolean state_dir_remove (StateDir *dir, GError **error);
void state_dir_free (StateDir *dir);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StateDir, state_dir_free)

gboolean state_write (StateDir *dir, const ContainerState *state, GError **error);
/* A missing state.json is G_IO_ERROR_NOT_FOUND; a broken one is WARREN_ERROR_BAD_STATE. */
ContainerState *state_read (StateDir *dir, GError **error);

/* Status from the live process: stopped when the pid is gone or belongs to another process. */
ContainerStatus state_status (StateDir *dir, const ContainerState *state);
const char *state_status_name (ContainerStatus status);

/* A pidfd for the init when it is still the process recorded in `state`; -1 with
 * WARREN_ERROR_BAD_STATE ("not running") otherwise. */
int state_open_init_pidfd (const ContainerState *state, GError **error);

/* Start time of a process, 0 when it is gone or a zombie. */
guint64 state_process_start_time (int pid);

/* The JSON `warren state` prints (runc's shape). */
/* The OCI state that hooks get on stdin: ociVersion, id, status, pid, bundle, annotations. */
char *state_hook_json (const char *oci_version, const char *id, const char *status, int pid,
                       const char *bundle, GHashTable *annotations);
char *state_to_oci_json (const ContainerState *state, ContainerStatus status);
