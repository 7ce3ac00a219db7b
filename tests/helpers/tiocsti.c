/* tiocsti: try to inject a byte into the terminal on stdin with TIOCSTI, once with the plain
 * request number and once with bit 32 set (the kernel truncates ioctl's request to 32 bits;
 * a seccomp rule comparing all 64 misses it). Prints "plain=ERRNO high=ERRNO", 0 for success.
 * Static: it runs inside the test containers' busybox rootfs. */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
try (unsigned long request)
{
  char c = '#';

  return syscall (SYS_ioctl, 0, request, &c) < 0 ? errno : 0;
}

int
main (void)
{
  int plain = try (TIOCSTI);
  int high = try (TIOCSTI | (1UL << 32));

  printf ("plain=%d high=%d\n", plain, high);
  return 0;
}
