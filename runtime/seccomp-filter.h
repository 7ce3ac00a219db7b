/* seccomp-filter: linux.seccomp compiled with libseccomp into a BPF program by warren, loaded by the
 * container's process with one seccomp(2) call, and the SCMP_ACT_NOTIFY listener handed to
 * the agent at listenerPath. When in its setup the program is loaded is for init.c and
 * exec.c to decide. */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "spec.h"

typedef struct _SeccompFilter SeccompFilter;

/* Build the program in warren, before any clone: libseccomp's work and allocations never
 * happen in the container's process. Compiled programs are cached in the state root
 * (`cache_root_fd`, -1 for no cache) under .seccomp-cache/, keyed by a hash of the rules and
 * the libseccomp version: a default profile costs a compile once, then one read. */
SeccompFilter *seccomp_filter_compile (const SpecSeccomp *seccomp, int cache_root_fd,
                                       GError **error);
void seccomp_filter_free (SeccompFilter *filter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeccompFilter, seccomp_filter_free)

/* Load into the calling thread. With SCMP_ACT_NOTIFY rules *out_listener gets the notify fd
 * (close-on-exec), else -1. Uses only syscalls and the memory compiled before: safe in a
 * clone. */
gboolean seccomp_filter_load (const SeccompFilter *filter, int *out_listener, GError **error);
/* Load, and send a notify fd to warren over the sync socket (SYNC_SECCOMP); warren hands it
 * to the listener. For the container's init and for exec. */
gboolean seccomp_filter_load_and_pass (const SeccompFilter *filter, int sync_fd,
                                       GError **error);

/* Send the notify fd to the agent at listenerPath with the container's process state
 * (runtime-spec "Container Process State"); `state_json` is the container's state object. */
gboolean seccomp_send_listener (const SpecSeccomp *seccomp, int listener_fd, pid_t pid,
                                const char *state_json, GError **error);
