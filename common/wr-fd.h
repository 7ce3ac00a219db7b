/* wr-fd: passing one fd with a small payload over a unix socket (SCM_RIGHTS), and fd
 * housekeeping. What the fd is for is left to the callers. */
#pragma once

#include <glib.h>
#include <sys/types.h>

/* Send `fd` with `payload` (may be empty but not NULL). */
gboolean wr_fd_send (int sock, int fd, const void *payload, gsize payload_len, GError **error);

/* Receive exactly one fd (close-on-exec) and up to `max_payload` bytes of payload.
 * Refuses messages with no fd, several fds, truncated control data or other control
 * messages, closing every fd received. *out_payload_len may be NULL. */
int wr_fd_recv (int sock, void *payload, gsize max_payload, gsize *out_payload_len,
                GError **error);

/* Write/read a whole buffer, retrying on EINTR and short transfers. */
gboolean wr_write_all (int fd, const void *buf, gsize len, GError **error);
/* Returns the number of bytes read (short only at end of file), or -1 on error. */
gssize wr_read_all (int fd, void *buf, gsize len, GError **error);

/* Read the whole of a small file from dirfd/name into a string. */
char *wr_read_file_at (int dirfd, const char *name, gsize max, gsize *out_len, GError **error);
