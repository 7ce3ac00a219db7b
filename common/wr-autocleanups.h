/* wr-autocleanups: g_auto cleanups for the C libraries warren uses.
 * Declared once here so every module frees library handles the same way. */
#pragma once

#include <glib.h>
#include <sys/capability.h>

typedef cap_t WrCap;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (WrCap, cap_free, NULL)

/* Destroy a GSource (remove it from its context) and drop our reference; NULL afterwards.
 * Nothing to do for NULL. */
static inline void
wr_source_clear (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}
