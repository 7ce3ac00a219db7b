/* terminal: the container's pty (made from the container's own devpts, peer through
 * TIOCGPTPEER, bound on /dev/console), handing the master to a --console-socket, and the
 * relay between the caller's terminal and the master for a foreground `run`. */
#pragma once

#include <glib.h>

#include "spec.h"

/* Init (and exec) side: returns the master; *out_slave gets the peer. The init also binds
 * the peer on /dev/console. */
int terminal_create_in_root (int root_fd, const SpecProcess *process, gboolean bind_console,
                             int *out_slave, GError **error);
/* Init side, after the pivot: new session, controlling terminal, stdio. */
gboolean terminal_become_stdio (int slave, GError **error);

/* Parent side: connect to the console socket early, so a bad path fails before any work. */
int terminal_console_socket_connect (const char *path, GError **error);
/* Parent side: send the master with the container id as payload (what recvtty expects). */
gboolean terminal_console_socket_send (int sock, int master, const char *id, GError **error);

/* Parent side of a foreground `run` with a terminal: raw mode on our stdin when it is a tty,
 * window size copied. The returned handle restores the terminal. */
typedef struct _TerminalRelay TerminalRelay;
TerminalRelay *terminal_relay_new (int master, GError **error);
/* Copy bytes both ways once, without blocking; FALSE when the master hung up. */
gboolean terminal_relay_pump (TerminalRelay *relay, gboolean stdin_ready, gboolean master_ready);
/* Propagate our window size (after SIGWINCH). */
void terminal_relay_resize (TerminalRelay *relay);
/* Drain what the master still holds (after the init exited). */
void terminal_relay_drain (TerminalRelay *relay);
int terminal_relay_master (TerminalRelay *relay);
gboolean terminal_relay_stdin_open (TerminalRelay *relay);
void terminal_relay_free (TerminalRelay *relay);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerminalRelay, terminal_relay_free)
