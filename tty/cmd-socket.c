#include "cmd.h"

#include <stdio.h>

static int
run (int argc, char **argv, GError **error)
{
  g_autofree char *path = NULL;

  if (!tty_cmd_parse (&tty_cmd_socket, &argc, &argv, 0, 0, error))
    return -1;
  path = tty_cmd_socket_path (NULL, error);
  if (path == NULL)
    return -1;
  printf ("%s\n", path);
  return 0;
}

const TtyCommand tty_cmd_socket = {
  "socket", "", "Print the default socket path, for `warren run --console-socket`.", run, NULL,
};
