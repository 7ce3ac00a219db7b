/* lifecycle-spawn: run one command (or the same command N times), time it and report the
 * peak RSS that wait4() gives for it. Used by bench/lifecycle.py; not part of warren.
 *
 * Python cannot measure ru_maxrss itself: a child that Python forks or posix_spawn()s
 * starts as a copy of (or shares) the interpreter's address space, and the kernel records
 * that address space's high-water mark at execve(), so wait4() reports Python's own RSS
 * (tens of MiB) instead of the runtime's. This program is small, so the floor it adds is
 * about 1 MiB (bench/README.md gives the measured floor).
 *
 * Usage: lifecycle-spawn [-u UID -g GID [-G GID,GID...]] [-m FD] [-n N] [-k] -- CMD ARG...
 *   -u/-g/-G  switch to these ids in the child before execve() (setpriv --reuid --regid
 *             --groups, done here so that no extra program is exec'd inside the timing)
 *   -m FD     setns() into the mount namespace open on FD before timing starts
 *   -n N      run the command N times in a row; "{i}" in an argument becomes the iteration
 *   -k        keep the command's stdout (default: /dev/null); stderr is always inherited
 * Prints one line on stdout:
 *   <elapsed ns> <max ru_maxrss KiB> <exit code> <runs done> <user+sys CPU µs, summed>
 * ru_maxrss and the CPU time of wait4() cover the command and every descendant it waited for.
 * The exit code is the first non-zero one (a signal N gives 128+N); a failure stops the loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char **
expand_args (char **argv, int argc, long i)
{
  char **out = calloc (argc + 1, sizeof (char *));
  char num[32];

  if (out == NULL)
    return NULL;
  snprintf (num, sizeof num, "%ld", i);
  for (int a = 0; a < argc; a++)
    {
      const char *p = strstr (argv[a], "{i}");
      if (p == NULL)
        {
          out[a] = argv[a];
          continue;
        }
      size_t len = strlen (argv[a]) - 3 + strlen (num) + 1;
      out[a] = malloc (len);
      if (out[a] == NULL)
        return NULL;
      snprintf (out[a], len, "%.*s%s%s", (int)(p - argv[a]), argv[a], num, p + 3);
    }
  return out;
}

static long long
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main (int argc, char **argv)
{
  long uid = -1, gid = -1, runs = 1;
  int mntns = -1, keep_stdout = 0, opt, devnull;
  gid_t groups[64];
  int ngroups = -1;

  while ((opt = getopt (argc, argv, "+u:g:G:m:n:k")) != -1)
    switch (opt)
      {
      case 'u':
        uid = strtol (optarg, NULL, 10);
        break;
      case 'g':
        gid = strtol (optarg, NULL, 10);
        break;
      case 'G':
        ngroups = 0;
        for (char *s = strtok (optarg, ","); s && ngroups < 64; s = strtok (NULL, ","))
          groups[ngroups++] = (gid_t)strtol (s, NULL, 10);
        break;
      case 'm':
        mntns = atoi (optarg);
        break;
      case 'n':
        runs = strtol (optarg, NULL, 10);
        break;
      case 'k':
        keep_stdout = 1;
        break;
      default:
        fprintf (stderr, "lifecycle-spawn: bad usage\n");
        return 125;
      }
  if (optind >= argc || (uid >= 0) != (gid >= 0))
    {
      fprintf (stderr, "lifecycle-spawn: bad usage\n");
      return 125;
    }
  if (mntns >= 0)
    {
      if (setns (mntns, CLONE_NEWNS) < 0)
        {
          fprintf (stderr, "lifecycle-spawn: setns: %s\n", strerror (errno));
          return 125;
        }
      close (mntns);
    }
  devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0)
    {
      fprintf (stderr, "lifecycle-spawn: open /dev/null: %s\n", strerror (errno));
      return 125;
    }
  fflush (stdout);

  long maxrss = 0, done = 0;
  long long cpu_us = 0;
  int code = 0;
  long long t0 = now_ns ();
  for (long i = 0; i < runs; i++)
    {
      char **args = expand_args (argv + optind, argc - optind, i);
      struct rusage ru;
      int status;
      pid_t pid;

      if (args == NULL)
        return 125;
      pid = fork ();
      if (pid < 0)
        {
          fprintf (stderr, "lifecycle-spawn: fork: %s\n", strerror (errno));
          return 125;
        }
      if (pid == 0)
        {
          dup2 (devnull, 0);
          if (!keep_stdout)
            dup2 (devnull, 1);
          if (gid >= 0)
            {
              if ((ngroups >= 0 ? setgroups (ngroups, groups) : setgroups (0, NULL)) < 0
                  || setresgid (gid, gid, gid) < 0 || setresuid (uid, uid, uid) < 0)
                {
                  fprintf (stderr, "lifecycle-spawn: switch to %ld:%ld: %s\n", uid, gid,
                           strerror (errno));
                  _exit (125);
                }
            }
          execvp (args[0], args);
          fprintf (stderr, "lifecycle-spawn: exec %s: %s\n", args[0], strerror (errno));
          _exit (127);
        }
      if (wait4 (pid, &status, 0, &ru) < 0)
        {
          fprintf (stderr, "lifecycle-spawn: wait4: %s\n", strerror (errno));
          return 125;
        }
      for (int a = 0; args[a] != NULL; a++)
        if (args[a] != argv[optind + a])
          free (args[a]);
      free (args);
      done++;
      cpu_us += ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec
                + ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
      if (ru.ru_maxrss > maxrss)
        maxrss = ru.ru_maxrss;
      code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
      if (code != 0)
        break;
    }
  long long t1 = now_ns ();
  printf ("%lld %ld %d %ld %lld\n", t1 - t0, maxrss, code, done, cpu_us);
  return 0;
}
