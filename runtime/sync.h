/* sync: the messages between `warren` and the container init over their SOCK_SEQPACKET pair.
 * Both ends are the same binary, so messages are a fixed struct; what each step means is left
 * to launch.c (parent) and init.c (child). */
#pragma once

#include <glib.h>

typedef enum
{
  SYNC_MAPPED = 1, /* parent → init: uid/gid maps are written */
  SYNC_PTY,        /* init → parent: the pty master rides along as SCM_RIGHTS */
  SYNC_READY,      /* init → parent: set up, waiting on exec.fifo */
  SYNC_COMMIT,     /* parent → init: state is written, the init may outlive the parent;
                   * value 1: and start now, without waiting on exec.fifo (`run`) */
  SYNC_ERROR,      /* init → parent: setup failed, message follows */
  SYNC_PIDFD,      /* joiner → parent: the init's pidfd (user namespace given by path) */
  SYNC_HOOKS,      /* init → parent: namespaces and mounts exist, run the runtime's hooks */
  SYNC_HOOKS_DONE, /* parent → init: they passed; value is the init's pid as warren sees it */
  SYNC_SECCOMP,    /* init → parent: the seccomp notify fd rides along as SCM_RIGHTS */
} SyncType;

#define SYNC_MESSAGE_MAX 4000

typedef struct
{
  guint32 type;
  gint32 value;
  char message[SYNC_MESSAGE_MAX];
} SyncMsg;

gboolean sync_send (int sock, SyncType type, gint32 value, const char *message, GError **error);
/* Send a message with one fd attached. */
gboolean sync_send_fd (int sock, SyncType type, int fd, GError **error);
/* Receive one message; *out_fd gets an attached fd or -1 (out_fd may be NULL only when no fd
 * is expected). EOF is an error with code WARREN_ERROR_INIT ("init exited"). */
gboolean sync_recv (int sock, SyncMsg *out, int *out_fd, GError **error);
/* Wait for a message of one type; a SYNC_ERROR is turned into a GError carrying its text. */
gboolean sync_expect (int sock, SyncType type, SyncMsg *out, GError **error);
