/* slirp-config: the SlirpConfig warren-netns hands libslirp, built from its options alone, so
 * that a unit test can check what is off (SECURITY 72) without starting libslirp. */
#pragma once

#include <libslirp.h>
#include <netinet/in.h>

#include "net-options.h"

/* The addresses of --outbound-addr, which libslirp keeps pointers to: they must live as long
 * as the Slirp instance. */
typedef struct
{
  struct sockaddr_in outbound;
  struct sockaddr_in6 outbound6;
} SlirpConfigAddrs;

/* Fill *cfg (zeroed first) from the options. cfg->outbound_addr and outbound_addr6 point into
 * *addrs when set. */
void slirp_config_build (const NetOptions *options, SlirpConfig *cfg, SlirpConfigAddrs *addrs);
