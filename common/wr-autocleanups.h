/* wr-autocleanups: g_auto cleanups for the C libraries warren uses.
 * Declared once here so every module frees library handles the same way. */
#pragma once

#include <glib.h>
#include <sys/capability.h>

typedef cap_t WrCap;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (WrCap, cap_free, NULL)
