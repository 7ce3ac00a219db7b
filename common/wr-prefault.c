#include "wr-prefault.h"

#include <link.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* The first page of malloc's brk heap, for wr_prefault_unshare(); 0 when unknown. */
static uintptr_t heap_start;

static uintptr_t
page_size (void)
{
  return (uintptr_t) sysconf (_SC_PAGESIZE);
}

void
wr_prefault_heap (gsize size)
{
  uintptr_t page = page_size ();
  uintptr_t start, end, brk_now;
  /* Below malloc's mmap threshold (128 KiB by default), so it comes from the brk heap; freed,
   * it goes back to the top chunk, which malloc trims only beyond 128 KiB: the populated
   * pages stay in the heap for the allocations that follow. */
  void *block = malloc (size);

  if (block == NULL)
    return; /* an optimisation only: the allocations that follow fail or fault as before */
  start = ((uintptr_t) block + page - 1) & ~(page - 1);
  end = ((uintptr_t) block + size) & ~(page - 1);
  if (end > start)
    (void) madvise ((void *) start, end - start, MADV_POPULATE_WRITE);
  /* Where the heap begins: the library constructors allocated before main(), below the
   * block. Single-threaded, all of it is the main arena, one contiguous brk range that ends
   * at the break; `arena` is its size. Rounded up: at worst one page is left out. */
  brk_now = (uintptr_t) sbrk (0);
  if ((uintptr_t) block < brk_now)
    heap_start = (brk_now - mallinfo2 ().arena + page - 1) & ~(page - 1);
  free (block);
}

void
wr_prefault_unshare (void)
{
  uintptr_t page = page_size ();
  uintptr_t brk_now = (uintptr_t) sbrk (0);
  volatile char here = 0;
  uintptr_t sp = (uintptr_t) &here & ~(page - 1);

  /* failure changes nothing: the pages fault in one by one as without these calls */
  if (heap_start != 0 && brk_now > heap_start)
    (void) madvise ((void *) heap_start, brk_now - heap_start, MADV_POPULATE_WRITE);
  /* The stack around us: the frames of our callers above, and those of what runs next
   * below. Past the top of the stack the call stops with ENOMEM, after the pages below. */
  (void) madvise ((void *) (sp - 8 * page), 12 * page, MADV_POPULATE_WRITE);
}

/* The executable segments that wr_prefault_text() maps: warren's own, libc's and GLib's,
 * found by the address of a function in each. */
static struct
{
  uintptr_t start, end;
} text_ranges[3];

static int
find_text_segments (struct dl_phdr_info *info, size_t size, void *data)
{
  const uintptr_t *want = data;
  uintptr_t page = page_size ();

  (void) size;
  for (int i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW (Phdr) *ph = &info->dlpi_phdr[i];
      uintptr_t start, end;

      if (ph->p_type != PT_LOAD || (ph->p_flags & PF_X) == 0)
        continue;
      start = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
      end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + page - 1) & ~(page - 1);
      for (gsize k = 0; k < G_N_ELEMENTS (text_ranges); k++)
        if (want[k] >= start && want[k] < end)
          {
            text_ranges[k].start = start;
            text_ranges[k].end = end;
          }
    }
  return 0;
}

void
wr_prefault_text_prepare (void)
{
  const uintptr_t want[G_N_ELEMENTS (text_ranges)]
      = { (uintptr_t) &wr_prefault_text_prepare, (uintptr_t) &malloc, (uintptr_t) &g_malloc };

  if (text_ranges[0].end == 0)
    (void) dl_iterate_phdr (find_text_segments, (void *) want);
}

void
wr_prefault_text (void)
{
  /* failure changes nothing: the pages fault in one by one as without this call */
  for (gsize k = 0; k < G_N_ELEMENTS (text_ranges); k++)
    if (text_ranges[k].end > text_ranges[k].start)
      (void) madvise ((void *) text_ranges[k].start, text_ranges[k].end - text_ranges[k].start,
                      MADV_POPULATE_READ);
}
