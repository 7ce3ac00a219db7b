/* wr-prefault: bring memory in with one system call instead of one page fault per page.
 * On the VMs warren is measured on a page fault costs 20-50 µs and MADV_POPULATE_WRITE about
 * 2 µs per page, so a process that will touch N pages anyway saves most of N faults. This
 * module owns only that; what to prefault, and when, is for the callers to decide. */
#pragma once

#include <glib.h>

/* Grows malloc's heap by about `size` bytes, already faulted in and writable, so that the
 * allocations of the next `size` bytes take no page fault. Best effort: on kernels before
 * 5.14 (no MADV_POPULATE_WRITE) it does nothing. */
void wr_prefault_heap (gsize size);
/* After a fork-like clone, parent and child share every written page copy-on-write, and the
 * first write to each page faults in both. This breaks the sharing of the whole brk heap
 * (found by wr_prefault_heap()) and of the stack around the caller, one call each. Best
 * effort, as above. */
void wr_prefault_unshare (void);
