/* companion: the process that stays in the container's user and network namespaces for the
 * TCP fast path. On request it connects to the container's address and hands the connected
 * socket back over SCM_RIGHTS; moving the bytes is left to net-splice.c. */
#pragma once

#include <glib.h>

/* One request and its answer on the SOCK_SEQPACKET pair between helper and companion. */
typedef struct
{
  guint32 id;
  guint32 addr;      /* AF_INET: network byte order */
  guint8 addr6[16];  /* AF_INET6 */
  guint16 port;      /* host byte order */
  guint16 family;    /* AF_INET or AF_INET6 */
} CompanionRequest;

typedef struct
{
  guint32 id;
  gint32 errsv; /* 0: the connected socket comes with the answer */
} CompanionAnswer;

/* In the child, already in the namespaces: serve requests on `sock` until the helper closes
 * its end. Never returns. */
G_GNUC_NORETURN void companion_run (int sock);
