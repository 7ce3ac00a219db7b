/* warren-netns: rootless networking for a container through libslirp. As an OCI hook it reads
 * the container's state on stdin, gives the container a tap0 and a default route, publishes
 * ports and stays in the background until the container's init exits. Standalone (--pid) it
 * does the same for any process, in the foreground. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "daemon.h"
#include "net-forward.h"
#include "net-options.h"
#include "net-splice.h"
#include "net-state.h"
#include "run-dir.h"
#include "sandbox-fs.h"
#include "slirp-loop.h"
#include "tap.h"
#include "warren-config.h"
#include "wr-error.h"
#include "wr-glib-compat.h"

/* The runtime-control commands of the issue: named so that they fail clearly. */
static const char *const not_yet_commands[] = { "publish", "unpublish", "list", "restart", NULL };

static char *opt_run_dir, *opt_userns, *opt_netns, *opt_log;
static int opt_pid;
static int opt_ready_fd = -1, opt_exit_fd = -1;
static gboolean opt_version;
/* The network options in the order given: (name, value or NULL, as written) triples. They are
 * applied after the annotations, so that the command line wins. */
static GPtrArray *opt_network;

static gboolean
record_option (const char *option_name, const char *value, gpointer data, GError **error)
{
  const char *name = g_str_has_prefix (option_name, "--") ? option_name + 2 : "publish";

  g_ptr_array_add (opt_network, g_strdup (name));
  g_ptr_array_add (opt_network, g_strdup (value));
  g_ptr_array_add (opt_network, g_strdup (option_name));
  return TRUE;
}

static const GOptionEntry entries[] = {
  { "publish", 'p', 0, G_OPTION_ARG_CALLBACK, record_option,
    "Publish a container port on the host (repeatable)", "[HOSTIP:]HOSTPORT:PORT[/tcp|/udp]" },
  { "mtu", 0, 0, G_OPTION_ARG_CALLBACK, record_option, "MTU of tap0 (default 65520)", "N" },
  { "cidr", 0, 0, G_OPTION_ARG_CALLBACK, record_option,
    "The container's network (default 10.0.2.0/24)", "NET/LEN" },
  { "mac", 0, 0, G_OPTION_ARG_CALLBACK, record_option, "MAC address of tap0", "ADDR" },
  { "allow-host-loopback", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, record_option,
    "Let the container reach the host's 127.0.0.1 through the gateway address", NULL },
  { "disable-dns", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, record_option,
    "No DNS forwarder at .3 of the network", NULL },
  { "dns-forward", 0, 0, G_OPTION_ARG_CALLBACK, record_option,
    "DNS queries to .3 of the network (and fd00::3) go to this resolver, port 53, instead of "
    "the host's",
    "ADDR" },
  { "ipv6", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, record_option,
    "IPv6 too: fd00::100/64, default route via fd00::2, DNS at fd00::3", NULL },
  { "outbound-addr", 0, 0, G_OPTION_ARG_CALLBACK, record_option,
    "Connections to the outside leave from this host address (or interface's)", "ADDR|IFACE" },
  { "port-driver", 0, 0, G_OPTION_ARG_CALLBACK, record_option,
    "Published TCP ports: splice (default, fast) or slirp (keeps the client's address)", "DRIVER" },
  { "run-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_run_dir,
    "Where hook mode keeps ID/{lock,pid,log} (default /run/warren-netns, "
    "$XDG_RUNTIME_DIR/warren-netns)",
    "DIR" },
  { "pid", 0, 0, G_OPTION_ARG_INT, &opt_pid,
    "Standalone: attach to the namespaces of PID and run in the foreground", "PID" },
  { "userns", 0, 0, G_OPTION_ARG_FILENAME, &opt_userns,
    "Standalone: the user namespace to join (default /proc/PID/ns/user)", "PATH" },
  { "netns", 0, 0, G_OPTION_ARG_FILENAME, &opt_netns,
    "Standalone: the network namespace (default /proc/PID/ns/net)", "PATH" },
  { "ready-fd", 0, 0, G_OPTION_ARG_INT, &opt_ready_fd,
    "Standalone: write \"1\" to FD once the network is up and every port listens", "FD" },
  { "exit-fd", 0, 0, G_OPTION_ARG_INT, &opt_exit_fd,
    "Standalone: exit when FD becomes readable or is closed at its other end", "FD" },
  { "log", 0, 0, G_OPTION_ARG_FILENAME, &opt_log,
    "Standalone: once the network is up, messages go to FILE (appended), not stderr", "FILE" },
  { "version", 'v', 0, G_OPTION_ARG_NONE, &opt_version, "Print the version", NULL },
  { NULL },
};

static gboolean
apply_command_line (NetOptions *options, GError **error)
{
  for (guint i = 0; i + 2 < opt_network->len; i += 3)
    if (!net_options_set (options, g_ptr_array_index (opt_network, i),
                          g_ptr_array_index (opt_network, i + 1),
                          g_ptr_array_index (opt_network, i + 2), error))
      return FALSE;
  /* The last source of options: what holds only for all of them together. */
  return net_options_check (options, error);
}

static int
open_ns (const char *path, int pid, const char *type, GError **error)
{
  g_autofree char *proc = g_strdup_printf ("/proc/%d/ns/%s", pid, type);
  int fd;

  if (path == NULL)
    path = proc;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return wr_throw_errno (error, "open %s", path), -1;
  return fd;
}

static gboolean
same_file (int fd, const char *path)
{
  struct stat a, b;

  return fstat (fd, &a) == 0 && stat (path, &b) == 0 && a.st_dev == b.st_dev
         && a.st_ino == b.st_ino;
}

/* Everything the network needs, in the calling process, so that any failure is the hook's
 * exit status: the tap inside the namespaces, libslirp, every published port. */
typedef struct
{
  int pidfd;
  int tap_fd;
  SlirpLoop *loop;
  NetSplice *splice;
} NetSetup;

static void
net_setup_clear (NetSetup *s)
{
  g_clear_pointer (&s->splice, net_splice_free);
  g_clear_pointer (&s->loop, slirp_loop_free);
  g_clear_fd (&s->tap_fd, NULL);
  g_clear_fd (&s->pidfd, NULL);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NetSetup, net_setup_clear)

static gboolean
net_setup (NetSetup *s, int pid, const NetOptions *options, GError **error)
{
  g_autofd int userns = -1;
  g_autofd int netns = -1;
  struct in_addr container = net_options_host_addr (options, NET_OFFSET_CONTAINER);
  g_autofree char *resolv_conf = NULL;
  gboolean splices = FALSE;
  int companion = -1;

  s->pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (s->pidfd < 0)
    return wr_throw_errno (error, "process %d", pid);
  if ((userns = open_ns (opt_userns, pid, "user", error)) < 0
      || (netns = open_ns (opt_netns, pid, "net", error)) < 0)
    return FALSE;
  /* The namespace files were opened by pid: make sure it was still our process then. */
  if (syscall (SYS_pidfd_send_signal, s->pidfd, 0, NULL, 0) < 0)
    return wr_throw_errno (error, "process %d", pid);
  /* Joining the user namespace we are in already is EINVAL; as root there may be none. */
  if (same_file (userns, "/proc/self/ns/user"))
    g_clear_fd (&userns, NULL);
  if (same_file (netns, "/proc/self/ns/net"))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "process %d shares our network namespace: give the container one of "
                     "its own",
                     pid);
  for (guint i = 0; i < options->publish->len; i++)
    if (net_options_splices (options, g_ptr_array_index (options->publish, i)))
      splices = TRUE;
  if ((s->tap_fd = tap_create (userns, netns, options, splices ? &companion : NULL, error)) < 0)
    return FALSE;
  if (splices)
    s->splice = net_splice_new (companion, container);
  if ((s->loop = slirp_loop_new (options, s->tap_fd, error)) == NULL)
    return FALSE;
  /* libslirp finds its resolver in the sandbox's /etc/resolv.conf, at the first query. */
  resolv_conf = net_options_resolv_conf (options);
  sandbox_fs_set_resolv_conf (resolv_conf);
  for (guint i = 0; i < options->publish->len; i++)
    {
      const NetPublish *p = g_ptr_array_index (options->publish, i);
      if (net_options_splices (options, p)
              ? !net_splice_listen (s->splice, p, error)
              : !net_forward_add (slirp_loop_get_slirp (s->loop), p, container, error))
        return FALSE;
    }
  return TRUE;
}

/* Start moving packets and bytes, in the default main context daemon_run() runs. */
static void
net_attach (NetSetup *s)
{
  slirp_loop_attach (s->loop, NULL);
  if (s->splice != NULL)
    net_splice_attach (s->splice, NULL);
}

static int
run_hook (NetOptions *options, GError **error)
{
  g_autoptr (NetState) state = net_state_read (STDIN_FILENO, error);
  g_autoptr (RunDir) dir = NULL;
  g_auto (NetSetup) setup = { -1, -1, NULL, NULL };
  g_autofd int log_fd = -1;
  g_autofree char *what = NULL;
  int ready_fd = -1;

  if (state == NULL)
    return 1;
  if (!net_options_apply_annotations (options, state->annotations, error)
      || !apply_command_line (options, error))
    return 1;
  if ((dir = run_dir_open (opt_run_dir, state->id, error)) == NULL)
    return 1;
  if (!net_setup (&setup, state->pid, options, error))
    return 1;
  if ((log_fd = run_dir_open_log (dir, error)) < 0)
    return 1;

  switch (daemon_fork (log_fd, &ready_fd, error))
    {
    case DAEMON_FAILED:
      return 1;
    case DAEMON_IN_PARENT:
      run_dir_commit (dir);
      /* The daemon has its own copies of every socket; libslirp's cleanup here could shut
       * down what they share. This process is about to exit. */
      (void) g_steal_pointer (&setup.loop);
      return 0;
    case DAEMON_IN_CHILD:
      break;
    }
  g_clear_fd (&log_fd, NULL);
  if (!run_dir_write_pid (dir, getpid (), error))
    {
      daemon_report_failure (ready_fd, *error);
      return 1;
    }
  what = g_strdup_printf ("container %s (pid %d)", state->id, state->pid);
  net_attach (&setup);
  if (!daemon_run (setup.pidfd, ready_fd, what, error))
    return 1;
  return 0;
}

/* A standalone fd option: open, and not to be inherited by anything we start. */
static gboolean
check_fd_option (const char *name, int fd, GError **error)
{
  int flags;

  if (fd < 0)
    return TRUE;
  if (fd <= STDERR_FILENO || (flags = fcntl (fd, F_GETFD)) < 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "%s: %d is not an open file descriptor above 2", name, fd);
  if (fcntl (fd, F_SETFD, flags | FD_CLOEXEC) < 0)
    return wr_throw_errno (error, "%s: set close-on-exec on %d", name, fd);
  return TRUE;
}

static int
run_standalone (NetOptions *options, GError **error)
{
  g_auto (NetSetup) setup = { -1, -1, NULL, NULL };
  g_autofree char *what = g_strdup_printf ("process %d", opt_pid);
  g_autofd int log_fd = -1;

  if (!check_fd_option ("--ready-fd", opt_ready_fd, error)
      || !check_fd_option ("--exit-fd", opt_exit_fd, error))
    return 1;
  if (opt_ready_fd >= 0 && opt_ready_fd == opt_exit_fd)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--ready-fd and --exit-fd: need two file descriptors"),
           1;
  /* Opened now, so that a bad path is reported on stderr like every setup error. */
  if (opt_log != NULL)
    {
      log_fd = open (opt_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
      if (log_fd < 0)
        return wr_throw_errno (error, "--log: open %s", opt_log), 1;
    }
  if (!apply_command_line (options, error) || !net_setup (&setup, opt_pid, options, error))
    return 1;
  if (log_fd >= 0 && (dup2 (log_fd, STDOUT_FILENO) < 0 || dup2 (log_fd, STDERR_FILENO) < 0))
    return wr_throw_errno (error, "--log: redirect to %s", opt_log), 1;
  g_clear_fd (&log_fd, NULL);
  net_attach (&setup);
  daemon_set_exit_fd (opt_exit_fd);
  return daemon_run (setup.pidfd, opt_ready_fd, what, error) ? 0 : 1;
}

/* Each spliced connection holds six fds (two sockets, two pipes): take the hard limit. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      (void) setrlimit (RLIMIT_NOFILE, &limit); /* the soft limit is still there if not */
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- network for a container");
  g_autoptr (GError) error = NULL;
  g_autoptr (NetOptions) options = net_options_new ();
  int rc;

  g_set_prgname ("warren-netns");
  raise_fd_limit ();
  opt_network = g_ptr_array_new_with_free_func (g_free);
  g_option_context_set_summary (
      ctx, "As an OCI hook (createRuntime or prestart): the OCI state on stdin.\n"
           "Standalone: warren-netns --pid PID [--userns PATH] [--netns PATH] [OPTION…]");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    goto fail;
  if (opt_version)
    {
      printf ("warren-netns %s\n", WARREN_VERSION);
      return 0;
    }
  if (argc > 1)
    {
      if (g_strv_contains (not_yet_commands, argv[1]))
        wr_throw (&error, WARREN_ERROR_NOT_SUPPORTED, "%s: not supported yet", argv[1]);
      else
        wr_throw (&error, WARREN_ERROR_INVALID_ARGUMENT, "unexpected argument '%s'", argv[1]);
      goto fail;
    }
  if (opt_pid < 0)
    {
      wr_throw (&error, WARREN_ERROR_INVALID_ARGUMENT, "--pid: must be a positive number");
      goto fail;
    }
  if (opt_pid == 0 && (opt_userns != NULL || opt_netns != NULL))
    {
      wr_throw (&error, WARREN_ERROR_INVALID_ARGUMENT, "--userns and --netns need --pid");
      goto fail;
    }
  if (opt_pid == 0 && (opt_ready_fd >= 0 || opt_exit_fd >= 0 || opt_log != NULL))
    {
      wr_throw (&error, WARREN_ERROR_INVALID_ARGUMENT,
                "--ready-fd, --exit-fd and --log need --pid (a hook is ready when it exits, "
                "and logs to its run dir)");
      goto fail;
    }
  if (opt_pid > 0 && opt_run_dir != NULL)
    {
      wr_throw (&error, WARREN_ERROR_INVALID_ARGUMENT,
                "--run-dir is for hook mode; standalone keeps no files");
      goto fail;
    }
  rc = opt_pid > 0 ? run_standalone (options, &error) : run_hook (options, &error);
  if (rc == 0)
    return 0;
fail:
  fprintf (stderr, "warren-netns: %s\n", error != NULL ? error->message : "failed");
  return 1;
}
