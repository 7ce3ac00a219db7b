/* The exec trampoline: a freestanding static program of a few hundred bytes that warren puts
 * in a sealed memfd and execs as the container's last step before its process. During that
 * process's execve, /proc/self/exe is then the sealed trampoline, not warren's binary: a
 * process.args[0] or a "#!" line naming /proc/self/exe reaches nothing it could write
 * (CVE-2019-5736 class).
 *
 *   argv: TRAMPOLINE_MAGIC, path, argv[0] of the program, its other args...
 *
 * Anything else (argv[0] is not the magic, as when a script's "#!" names /proc/self/exe)
 * is refused, so such a script cannot loop through it. No libc: no dynamic loading, no
 * startup cost. */
#include "trampoline.h"

#if defined(__x86_64__)
__asm__ (".text\n.globl _start\n_start:\n"
         "  xor %rbp, %rbp\n"
         "  mov %rsp, %rdi\n"
         "  and $-16, %rsp\n"
         "  call trampoline_main\n"
         "  hlt\n");

static long
sys3 (long nr, long a, long b, long c)
{
  long ret;

  __asm__ volatile ("syscall"
                    : "=a"(ret)
                    : "a"(nr), "D"(a), "S"(b), "d"(c)
                    : "rcx", "r11", "memory");
  return ret;
}
#define NR_WRITE 1
#define NR_EXECVE 59
#define NR_EXIT_GROUP 231
#elif defined(__aarch64__)
__asm__ (".text\n.globl _start\n_start:\n"
         "  mov x29, #0\n"
         "  mov x30, #0\n"
         "  mov x0, sp\n"
         "  bl trampoline_main\n"
         "  brk #0\n");

static long
sys3 (long nr, long a, long b, long c)
{
  register long x8 __asm__ ("x8") = nr;
  register long x0 __asm__ ("x0") = a;
  register long x1 __asm__ ("x1") = b;
  register long x2 __asm__ ("x2") = c;

  __asm__ volatile ("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}
#define NR_WRITE 64
#define NR_EXECVE 221
#define NR_EXIT_GROUP 94
#else
#error "the exec trampoline supports x86_64 and aarch64"
#endif

void trampoline_main (long *sp) __attribute__ ((noreturn, used));

static unsigned long
length (const char *s)
{
  unsigned long n = 0;

  while (s[n] != '\0')
    n++;
  return n;
}

static void
say (const char *s)
{
  (void) sys3 (NR_WRITE, 2, (long) s, (long) length (s));
}

static __attribute__ ((noreturn)) void
leave (int code)
{
  for (;;)
    (void) sys3 (NR_EXIT_GROUP, code, 0, 0);
}

static int
same (const char *a, const char *b)
{
  while (*a != '\0' && *a == *b)
    a++, b++;
  return *a == *b;
}

void
trampoline_main (long *sp)
{
  long argc = sp[0];
  char **argv = (char **) (sp + 1);
  char **envp = argv + argc + 1;
  char digits[24];
  int i = (int) sizeof digits - 1;
  long err;

  if (argc < 3 || !same (argv[0], TRAMPOLINE_MAGIC))
    {
      say ("warren: the exec trampoline only runs a container's process for warren\n");
      leave (126);
    }
  err = -sys3 (NR_EXECVE, (long) argv[1], (long) (argv + 2), (long) envp);
  /* Only reached when execve failed: say which errno, without a libc to name it. */
  digits[i] = '\0';
  do
    digits[--i] = (char) ('0' + err % 10);
  while ((err /= 10) > 0 && i > 0);
  say ("warren: exec ");
  say (argv[1]);
  say (": errno ");
  say (digits + i);
  say ("\n");
  leave (127);
}
