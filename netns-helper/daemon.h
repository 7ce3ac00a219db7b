/* daemon: running the helper in the background. daemon_fork() detaches from the hook's
 * session and stdio and returns at once in both processes: everything that can fail for the
 * hook is done before it; daemon_run() is the main loop that ends when the container's init
 * exits or on SIGTERM. Setting up the network before that is left to main.c. */
#pragma once

#include <glib.h>
#include <sys/types.h>

/* What the standalone --ready-fd gets when the network is up: "1", as slirp4netns's. */
#define DAEMON_READY "1"

typedef enum
{
  DAEMON_FAILED,    /* in the calling process: no daemon; error is set */
  DAEMON_IN_PARENT, /* in the calling process: the daemon is *out_pid */
  DAEMON_IN_CHILD,  /* in the daemon: in a session of its own, stdio on /dev/null and `log_fd` */
} DaemonSide;

/* The runtime's stdio never reaches the daemon, and the calling process keeps it. */
DaemonSide daemon_fork (int log_fd, pid_t *out_pid, GError **error);

/* Also stop daemon_run() when `fd` becomes readable or its other end is closed (standalone
 * --exit-fd). Call before daemon_run(). */
void daemon_set_exit_fd (int fd);

/* Tell `ready_fd` (standalone --ready-fd, or -1) DAEMON_READY and close it (or hand it the error if signal handling
 * cannot be set up), then enter the sandbox (sandbox.h), then run the default main context
 * (where the caller attached its sources, which nothing dispatches before) until the process
 * behind `pidfd` exits or a SIGTERM, SIGINT or SIGHUP comes. A sandbox that fails is this
 * function's error, after the ready fd heard DAEMON_READY. `what` names the container or
 * process in log messages. */
gboolean daemon_run (int pidfd, int ready_fd, const char *what, GError **error);
