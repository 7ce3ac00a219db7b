#include "wr-prefault.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* The page-aligned range wr_prefault_heap() populated, for wr_prefault_heap_unshare(). */
static uintptr_t heap_start, heap_end;

void
wr_prefault_heap (gsize size)
{
  uintptr_t page = (uintptr_t) sysconf (_SC_PAGESIZE);
  uintptr_t start, end;
  /* Below malloc's mmap threshold (128 KiB by default), so it comes from the brk heap; freed,
   * it goes back to the top chunk, which malloc trims only beyond 128 KiB: the populated
   * pages stay in the heap for the allocations that follow. */
  void *block = malloc (size);

  if (block == NULL)
    return; /* an optimisation only: the allocations that follow fail or fault as before */
  start = ((uintptr_t) block + page - 1) & ~(page - 1);
  end = ((uintptr_t) block + size) & ~(page - 1);
  if (end > start && madvise ((void *) start, end - start, MADV_POPULATE_WRITE) == 0)
    {
      heap_start = start;
      heap_end = end;
    }
  free (block);
}

void
wr_prefault_heap_unshare (void)
{
  if (heap_end > heap_start)
    (void) madvise ((void *) heap_start, heap_end - heap_start, MADV_POPULATE_WRITE);
  /* failure changes nothing: the pages fault in one by one as without this call */
}
