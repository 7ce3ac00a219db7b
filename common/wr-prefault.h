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
/* After a fork-like clone the child has none of the parent's page table entries for file
 * mappings (the kernel copies only those of mappings with private pages), so every page of
 * code it runs faults once more, though it is in the page cache: about 20 faults between
 * the clone and the execve of a container process. wr_prefault_text() maps the executable
 * segments of warren, libc and GLib (where that code is) with one MADV_POPULATE_READ each.
 * wr_prefault_text_prepare() finds them, in the parent before the clone: its program
 * headers are mapped there already, and the child would fault on each object's first page
 * to read them. Best effort, as above; it adds nothing to the peak RSS of a run, which is
 * the parent's. */
void wr_prefault_text_prepare (void);
void wr_prefault_text (void);
