/* A stand-in for newuidmap/newgidmap in the SECURITY 59/60 tests, installed setuid root over
 * the real helper inside a private mount namespace. It records its environment to LOG, then
 * writes the map it was asked for, or (with -DPARTIAL) only the first range of it.
 *   cc -DLOG='"/path"' [-DPARTIAL] -o newuidmap fake-idmap.c */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int
main (int argc, char **argv)
{
  const char *file = strstr (argv[0], "gid") != NULL ? "gid_map" : "uid_map";
  char path[64], map[4096] = "";
  FILE *log = fopen (LOG, "a");
  int fd;

  if (log == NULL || argc < 5 || (argc - 2) % 3 != 0)
    return 1;
  fprintf (log, "%s env:", file);
  for (char **e = environ; *e != NULL; e++)
    fprintf (log, " %s", *e);
  fprintf (log, "\n");
  fclose (log);
  for (int i = 2; i + 2 < argc; i += 3)
    {
      snprintf (map + strlen (map), sizeof map - strlen (map), "%s %s %s\n", argv[i],
                argv[i + 1], argv[i + 2]);
#ifdef PARTIAL
      break;
#endif
    }
  snprintf (path, sizeof path, "/proc/%s/%s", argv[1], file);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, map, strlen (map)) != (ssize_t) strlen (map))
    {
      perror (path);
      return 1;
    }
  return close (fd) == 0 ? 0 : 1;
}
