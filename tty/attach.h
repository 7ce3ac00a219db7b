/* attach: `warren-tty attach`: this terminal becomes one client of a session: scrollback
 * first, then both ways, until the detach keys or the session's end. The session side is
 * session.c's. */
#pragma once

#include <glib.h>

#include "detach-keys.h"

typedef struct
{
  const char *socket_path;
  const char *name;
  TtyDetachKeys keys;
} TtyAttachOptions;

gboolean tty_attach_run (const TtyAttachOptions *options, GError **error);
