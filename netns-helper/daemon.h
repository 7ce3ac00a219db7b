/* daemon: running the helper in the background. daemon_fork() detaches from the hook's
 * session and stdio, and keeps the hook process until the daemon says it is ready;
 * daemon_run() is the main loop that ends when the container's init exits or on SIGTERM.
 * Setting up the network before that is left to main.c. */
#pragma once

#include <glib.h>

/* What the ready fd gets when the network is up: "1", as slirp4netns's --ready-fd. */
#define DAEMON_READY "1"

typedef enum
{
  DAEMON_FAILED,    /* in the calling process: the daemon did not come up; error is set */
  DAEMON_IN_PARENT, /* in the calling process: the daemon is ready */
  DAEMON_IN_CHILD,  /* in the daemon: stdio on `log_fd`, *out_ready_fd to daemon_run() */
} DaemonSide;

DaemonSide daemon_fork (int log_fd, int *out_ready_fd, GError **error);
/* In the daemon, before daemon_run(): hand `error` to the waiting hook, which fails with it.
 * Closes ready_fd. */
void daemon_report_failure (int ready_fd, const GError *error);

/* Also stop daemon_run() when `fd` becomes readable or its other end is closed (standalone
 * --exit-fd). Call before daemon_run(). */
void daemon_set_exit_fd (int fd);

/* Tell `ready_fd` (or -1) DAEMON_READY and close it (or hand it the error if signal handling
 * cannot be set up), then enter the sandbox (sandbox.h), then run the default main context
 * (where the caller attached its sources, which nothing dispatches before) until the process
 * behind `pidfd` exits or a SIGTERM, SIGINT or SIGHUP comes. A sandbox that fails is this
 * function's error, after the ready fd heard DAEMON_READY. `what` names the container or
 * process in log messages. */
gboolean daemon_run (int pidfd, int ready_fd, const char *what, GError **error);
