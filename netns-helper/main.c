/* warren-netns: rootless networking for a container through libslirp. As an OCI hook it reads
 * the container's state on stdin, gives the container a tap0 and a default route, publishes
 * ports and stays in the background until the container's init exits, serving an API socket
 * for the ports. Standalone (--pid) it does the same for any process, in the foreground.
 * `publish`, `unpublish` and `list` talk to a running helper (api-client.c); `restart` starts
 * a new one for a container whose helper died. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "api-client.h"
#include "daemon.h"
#include "log-limit.h"
#include "net-api.h"
#include "net-forward.h"
#include "net-options.h"
#include "net-ports.h"
#include "net-saved.h"
#include "net-splice.h"
#include "net-state.h"
#include "run-dir.h"
#include "sandbox-fs.h"
#include "slirp-loop.h"
#include "tap.h"
#include "warren-config.h"
#include "wr-error.h"
#include "wr-fd.h"
#include "wr-glib-compat.h"

static char *opt_run_dir, *opt_userns, *opt_netns, *opt_format, *opt_id, *opt_log;
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
    "Connections to the outside leave from this host address (IPv4, or IPv6 with --ipv6), or "
    "from an interface's",
    "ADDR|IFACE" },
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
  { "id", 0, 0, G_OPTION_ARG_STRING, &opt_id,
    "Standalone: keep a run dir as ID, with the API socket the commands use", "ID" },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "list: table (default) or json",
    "FORMAT" },
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
  NetPorts *ports;
  NetApi *api;
  TapChild tap; /* from net_setup() to net_setup_finish() */
} NetSetup;

static void
net_setup_clear (NetSetup *s)
{
  tap_child_clear (&s->tap);
  g_clear_pointer (&s->api, net_api_free);
  g_clear_pointer (&s->ports, net_ports_free);
  g_clear_pointer (&s->splice, net_splice_free);
  g_clear_pointer (&s->loop, slirp_loop_free);
  g_clear_fd (&s->tap_fd, NULL);
  g_clear_fd (&s->pidfd, NULL);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NetSetup, net_setup_clear)

/* `restart_ports` (or NULL): what to publish instead of options->publish, a restart's.
 * With `api`, TCP ports published later may want the companion too. The tap is made by a
 * child started first, and received by net_setup_finish(): libslirp and the published ports
 * are set up while the child works in the container's namespaces. */
static gboolean
net_setup (NetSetup *s, int pid, const NetOptions *options, GArray *restart_ports, gboolean api,
           GError **error)
{
  g_autofd int userns = -1;
  g_autofd int netns = -1;
  struct in_addr container = net_options_host_addr (options, NET_OFFSET_CONTAINER);
  g_autofree char *resolv_conf = NULL;
  gboolean splices = FALSE;

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
  for (guint i = 0; restart_ports != NULL && i < restart_ports->len; i++)
    if (g_array_index (restart_ports, NetPort, i).driver == NET_PORT_DRIVER_SPLICE)
      splices = TRUE;
  if (api && options->port_driver == NET_PORT_DRIVER_SPLICE)
    splices = TRUE;
  if (!tap_start (&s->tap, userns, netns, options, splices, error))
    return FALSE;
  if (splices)
    s->splice = net_splice_new (container);
  if ((s->loop = slirp_loop_new (options, error)) == NULL)
    return FALSE;
  /* libslirp finds its resolver in the sandbox's /etc/resolv.conf, at the first query. */
  resolv_conf = net_options_resolv_conf (options);
  sandbox_fs_set_resolv_conf (resolv_conf);
  s->ports = net_ports_new (options, slirp_loop_get_slirp (s->loop),
                            slirp_loop_get_filter (s->loop), s->splice);
  if (restart_ports != NULL)
    {
      for (guint i = 0; i < restart_ports->len; i++)
        if (!net_ports_publish (s->ports, &g_array_index (restart_ports, NetPort, i), NULL, error))
          return FALSE;
      return TRUE;
    }
  for (guint i = 0; i < options->publish->len; i++)
    {
      const NetPublish *p = g_ptr_array_index (options->publish, i);
      NetPort port = {
        .driver = net_options_splices (options, p) ? NET_PORT_DRIVER_SPLICE
                                                   : NET_PORT_DRIVER_SLIRP,
        .proto = p->proto,
        .family = p->family,
        .host_addr = p->host_addr,
        .host_addr6 = p->host_addr6,
        .host_port = p->host_port,
        .container_port = p->container_port,
      };
      if (!net_ports_publish (s->ports, &port, p->spec, error))
        return FALSE;
    }
  return TRUE;
}

/* The tap from the child net_setup() started, once the rest of the setup is done. */
static gboolean
net_setup_finish (NetSetup *s, GError **error)
{
  int companion = -1;

  if ((s->tap_fd = tap_finish (&s->tap, &companion, error)) < 0)
    return FALSE;
  slirp_loop_set_tap (s->loop, s->tap_fd);
  if (s->splice != NULL)
    net_splice_set_companion (s->splice, companion);
  return TRUE;
}

/* Start moving packets and bytes, in the default main context daemon_run() runs. */
static void
net_attach (NetSetup *s)
{
  slirp_loop_attach (s->loop, NULL);
  if (s->splice != NULL)
    net_splice_attach (s->splice, NULL);
  if (s->api != NULL)
    net_api_attach (s->api, NULL);
}

/* net.json, so that `restart` can bring the network back. */
typedef struct
{
  RunDir *dir;
  NetSaved *saved;
} HelperSave;

static gboolean
helper_save (HelperSave *save, NetPorts *ports, GError **error)
{
  g_autoptr (JsonNode) list = net_ports_to_json (ports);
  g_autoptr (JsonNode) root = net_saved_to_json (save->saved, list);

  /* Atomic, but not durable: net.json describes a helper and a container that a reboot ends
   * (restart checks the init's start time), so an fsync buys nothing. It cost the hook two
   * disk flushes before the container could start (18 ms on a busy disk where /run is not a
   * tmpfs), and a publish through the API stalled every packet for as long. */
  if (!wr_json_write_atomic_full (run_dir_fd (save->dir), NET_SAVED_FILE, root, WR_JSON_WRITE_NONE,
                                  error))
    return g_prefix_error (error, "%s: ", run_dir_path (save->dir)), FALSE;
  return TRUE;
}

static void
on_ports_changed (NetPorts *ports, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The port is published either way; only a restart would miss it. */
  if (!helper_save (user_data, ports, &error))
    g_warning ("save the ports: %s", error->message);
}

/* The network of `pid` with an API socket and net.json in `dir`: what a helper with a run
 * dir sets up before it runs. `saved` holds the options as given, and gets the process's
 * start time; `restart_ports` as for net_setup(); `save` is filled in and must live as long
 * as the setup. */
static gboolean
helper_prepare (NetSetup *setup, RunDir *dir, int pid, NetOptions *options, NetSaved *saved,
                GArray *restart_ports, HelperSave *save, GError **error)
{
  save->dir = dir;
  save->saved = saved;
  /* libslirp's own host-loopback guard would drop replies to UDP ports published later. */
  options->runtime_publish = TRUE;
  if (!net_setup (setup, pid, options, restart_ports, TRUE, error))
    return FALSE;
  /* The start time, while the pidfd shows it is still our process: a restart compares it,
   * so a recycled pid is never joined. */
  saved->pid = pid;
  if (!net_saved_start_time (pid, &saved->start_time, error))
    return FALSE;
  if (syscall (SYS_pidfd_send_signal, setup->pidfd, 0, NULL, 0) < 0)
    return wr_throw_errno (error, "process %d", pid);
  if ((setup->api = net_api_new (run_dir_fd (dir), run_dir_path (dir), NET_API_SOCKET,
                                 setup->ports, error))
      == NULL)
    return FALSE;
  if (!helper_save (save, setup->ports, error) || !net_setup_finish (setup, error))
    return FALSE;
  net_ports_set_changed (setup->ports, on_ports_changed, save);
  return TRUE;
}

/* The helper of container `id` (init `pid`) in `dir`, from setup to its exit: the hook's
 * and restart's common part. */
static int
run_helper (RunDir *dir, const char *id, int pid, NetOptions *options, NetSaved *saved,
            GArray *restart_ports, GError **error)
{
  g_auto (NetSetup) setup = { -1, -1, NULL, NULL, NULL, NULL, TAP_CHILD_INIT };
  g_autofd int log_fd = -1;
  g_autofree char *what = NULL;
  HelperSave save;
  pid_t daemon_pid;

  if (!helper_prepare (&setup, dir, pid, options, saved, restart_ports, &save, error))
    return 1;
  if ((log_fd = run_dir_open_log (dir, error)) < 0)
    return 1;

  /* The network is up and every port listens: the hook returns right after the fork, without
   * waiting for the daemon to be scheduled (a round trip of 2 ms on a quiet machine, 5 to 30
   * under load). The daemon has nothing left that may fail but its sandbox, which fails
   * closed (daemon_run()). */
  switch (daemon_fork (log_fd, &daemon_pid, error))
    {
    case DAEMON_FAILED:
      return 1;
    case DAEMON_IN_PARENT:
      if (!run_dir_write_pid (dir, daemon_pid, error))
        {
          (void) kill (daemon_pid, SIGKILL); /* nothing may run that cleanup cannot find */
          return 1;
        }
      run_dir_commit (dir);
      /* The daemon has its own copies of every socket; libslirp's cleanup here could shut
       * down what they share, and the API's would remove its socket. This process is about
       * to exit. */
      (void) g_steal_pointer (&setup.loop);
      (void) g_steal_pointer (&setup.api);
      return 0;
    case DAEMON_IN_CHILD:
      break;
    }
  g_clear_fd (&log_fd, NULL);
  what = g_strdup_printf ("container %s (pid %d)", id, pid);
  net_attach (&setup);
  if (!daemon_run (setup.pidfd, -1, what, error))
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
run_hook (NetOptions *options, GError **error)
{
  g_autoptr (NetState) state = net_state_read (STDIN_FILENO, error);
  g_autoptr (RunDir) dir = NULL;
  g_autoptr (NetSaved) saved = net_saved_new ();

  if (state == NULL)
    return 1;
  if (!net_options_apply_annotations (options, state->annotations, error)
      || !apply_command_line (options, error))
    return 1;
  net_saved_set_options (saved, state->annotations, opt_network);
  if ((dir = run_dir_open (opt_run_dir, state->id, error)) == NULL)
    return 1;
  return run_helper (dir, state->id, state->pid, options, saved, NULL, error);
}

/* A new helper for container `id`, whose helper died: the same namespaces (if its init is
 * still the process the helper served), the saved options, the ports published last. */
static int
run_restart (const char *id, NetOptions *options, GError **error)
{
  g_autoptr (RunDir) dir = NULL;
  g_autoptr (NetSaved) saved = NULL;
  g_autofree char *data = NULL;
  guint64 start_time;
  gsize len;
  int rc;

  if (!net_state_id_valid (id))
    return wr_throw (error, WARREN_ERROR_INVALID_ID, "'%s' cannot name a container", id), 1;
  if ((dir = run_dir_reopen (opt_run_dir, id, error)) == NULL)
    return 1;
  data = wr_read_file_at (run_dir_fd (dir), NET_SAVED_FILE, NET_SAVED_MAX, &len, error);
  if (data == NULL || (saved = net_saved_parse (data, len, error)) == NULL)
    {
      g_prefix_error (error, "%s: ", run_dir_path (dir));
      run_dir_commit (dir); /* what is there may help whoever looks */
      return 1;
    }
  if (!net_saved_start_time (saved->pid, &start_time, NULL) || start_time != saved->start_time)
    {
      /* Nothing to restart for: what the dead helper left goes now. */
      wr_throw (error, WARREN_ERROR_NOT_FOUND,
                "the container's init (pid %d) is gone%s; removed %s", saved->pid,
                net_saved_start_time (saved->pid, &start_time, NULL) ? " (the pid was reused)" : "",
                run_dir_path (dir));
      return 1;
    }
  if (!net_saved_apply (saved, options, error))
    {
      run_dir_commit (dir);
      return 1;
    }
  rc = run_helper (dir, id, saved->pid, options, saved, saved->ports, error);
  if (rc != 0 && start_time == saved->start_time)
    run_dir_commit (dir); /* the container is still there: keep its state for another try */
  return rc;
}

static int
run_standalone (NetOptions *options, GError **error)
{
  /* Freed after the setup, whose API socket is in the run dir. */
  g_autoptr (RunDir) dir = NULL;
  g_autoptr (NetSaved) saved = NULL;
  g_auto (NetSetup) setup = { -1, -1, NULL, NULL, NULL, NULL, TAP_CHILD_INIT };
  g_autofree char *what = g_strdup_printf ("process %d", opt_pid);
  g_autoptr (JsonObject) no_annotations = NULL;
  g_autofd int log_fd = -1;
  HelperSave save;

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
  if (!apply_command_line (options, error))
    return 1;
  if (opt_id == NULL)
    {
      if (!net_setup (&setup, opt_pid, options, NULL, FALSE, error)
          || !net_setup_finish (&setup, error))
        return 1;
    }
  else
    {
      /* With --id: a run dir, the API socket and net.json as in hook mode. */
      if (!net_state_id_valid (opt_id))
        return wr_throw (error, WARREN_ERROR_INVALID_ID, "--id: '%s' cannot name a file",
                         opt_id),
               1;
      saved = net_saved_new ();
      no_annotations = json_object_new ();
      net_saved_set_options (saved, no_annotations, opt_network);
      if ((dir = run_dir_open (opt_run_dir, opt_id, error)) == NULL
          || !helper_prepare (&setup, dir, opt_pid, options, saved, NULL, &save, error)
          || !run_dir_write_pid (dir, getpid (), error))
        return 1;
    }
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

/* The options a command takes besides --run-dir: --port-driver for publish, --format for
 * list. Anything else is refused rather than silently ignored. */
static gboolean
command_options_valid (const char *command, GError **error)
{
  if (opt_pid != 0 || opt_userns != NULL || opt_netns != NULL || opt_id != NULL)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "%s: --pid, --userns, --netns and --id are for starting a helper", command);
  for (guint i = 0; i + 2 < opt_network->len; i += 3)
    if (strcmp (command, "publish") != 0
        || strcmp (g_ptr_array_index (opt_network, i), "port-driver") != 0)
      return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "%s: %s is not an option of %s",
                       command, (char *) g_ptr_array_index (opt_network, i + 2), command);
  if (opt_format != NULL && strcmp (command, "list") != 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "%s: --format is for list", command);
  return TRUE;
}

/* The last --port-driver given to publish, or NULL. */
static const char *
command_port_driver (void)
{
  const char *driver = NULL;

  for (guint i = 0; i + 2 < opt_network->len; i += 3)
    driver = g_ptr_array_index (opt_network, i + 1);
  return driver;
}

/* What a helper leaves when it is killed: its run dir, removed once no helper holds its lock.
 * As a poststop hook (the id from the OCI state on stdin) it runs after the container's init
 * is gone, and the helper follows within a second: wait that long for its lock. */
static int
run_cleanup (const char *id_arg, GError **error)
{
  g_autoptr (NetState) state = NULL;
  g_autoptr (GError) local = NULL;
  const char *id = id_arg;

  if (id == NULL)
    {
      if ((state = net_state_read (STDIN_FILENO, error)) == NULL)
        return g_prefix_error (error, "cleanup: "), 1;
      id = state->id;
    }
  if (!net_state_id_valid (id))
    return wr_throw (error, WARREN_ERROR_INVALID_ID, "cleanup: '%s' cannot name a container", id),
           1;
  for (int tries = 0; tries < 30; tries++)
    {
      g_autoptr (RunDir) dir = NULL;

      g_clear_error (&local);
      dir = run_dir_reopen (opt_run_dir, id, &local);
      if (dir != NULL)
        return 0; /* freed uncommitted: removed, lock and all */
      if (g_error_matches (local, WARREN_ERROR, WARREN_ERROR_NOT_FOUND))
        return 0; /* the helper removed it itself, or there never was one */
      if (!g_error_matches (local, WARREN_ERROR, WARREN_ERROR_EXISTS))
        break;
      g_usleep (100 * 1000);
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return g_prefix_error (error, "cleanup %s: ", id), 1;
}

static int
run_command (int argc, char **argv, NetOptions *options, GError **error)
{
  static const struct
  {
    const char *name;
    int args;
    const char *usage;
  } commands[] = {
    { "publish", 2, "publish ID [HOSTIP:]HOSTPORT:CPORT[/tcp|/udp]" },
    { "unpublish", 2, "unpublish ID [HOSTIP:]HOSTPORT[/tcp|/udp]" },
    { "list", 1, "list ID [--format table|json]" },
    { "restart", 1, "restart ID" },
    { "cleanup", -1, "cleanup [ID] (as a poststop hook: the OCI state on stdin)" },
  };
  const char *command = argv[0];
  gsize i;
  gboolean ok = FALSE;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, command) == 0)
      break;
  if (i == G_N_ELEMENTS (commands))
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "unexpected argument '%s'", command),
           1;
  if (commands[i].args >= 0 ? argc - 1 != commands[i].args : argc > 2)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT, "usage: warren-netns %s",
                     commands[i].usage),
           1;
  if (!command_options_valid (command, error))
    return 1;
  if (strcmp (command, "cleanup") == 0)
    return run_cleanup (argc > 1 ? argv[1] : NULL, error);
  if (strcmp (command, "restart") == 0)
    {
      if (run_restart (argv[1], options, error) == 0)
        return 0;
      return g_prefix_error (error, "restart %s: ", argv[1]), 1;
    }
  if (strcmp (command, "publish") == 0)
    ok = api_client_publish (opt_run_dir, argv[1], argv[2], command_port_driver (), error);
  else if (strcmp (command, "unpublish") == 0)
    ok = api_client_unpublish (opt_run_dir, argv[1], argv[2], error);
  else if (opt_format != NULL && strcmp (opt_format, "json") != 0
           && strcmp (opt_format, "table") != 0)
    return wr_throw (error, WARREN_ERROR_INVALID_ARGUMENT,
                     "--format: '%s' is not table or json", opt_format),
           1;
  else
    ok = api_client_list (opt_run_dir, argv[1],
                          opt_format != NULL && strcmp (opt_format, "json") == 0
                              ? API_CLIENT_JSON
                              : API_CLIENT_TABLE,
                          error);
  if (!ok)
    return g_prefix_error (error, "%s %s: ", command, argv[1]), 1;
  return 0;
}

static int
netns_main (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- network for a container");
  g_autoptr (GError) error = NULL;
  g_autoptr (NetOptions) options = net_options_new ();
  int rc;

  g_set_prgname ("warren-netns");
  /* A burst of 50 messages, then 10 a second: a container sending bad frames on purpose
   * cannot fill the log (libslirp warns once per frame). */
  log_limit_install (50, 10);
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
      rc = run_command (argc - 1, argv + 1, options, &error);
      if (rc == 0)
        return 0;
      goto fail;
    }
  if (opt_format != NULL)
    {
      wr_throw (&error, WARREN_ERROR_INVALID_ARGUMENT, "--format is for list");
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
  if (opt_pid > 0 && opt_run_dir != NULL && opt_id == NULL)
    {
      wr_throw (&error, WARREN_ERROR_INVALID_ARGUMENT,
                "--run-dir is for hook mode, or standalone with --id; standalone keeps no "
                "files without it");
      goto fail;
    }
  if (opt_pid == 0 && opt_id != NULL)
    {
      wr_throw (&error, WARREN_ERROR_INVALID_ARGUMENT,
                "--id is for standalone mode (--pid); a hook takes the container's id");
      goto fail;
    }
  rc = opt_pid > 0 ? run_standalone (options, &error) : run_hook (options, &error);
  if (rc == 0)
    return 0;
fail:
  fprintf (stderr, "warren-netns: %s\n", error != NULL ? error->message : "failed");
  return 1;
}

int
main (int argc, char **argv)
{
  int status = netns_main (argc, argv);

  /* No exit(), as in runtime/main.c: the hook process shares its pages copy-on-write with the
   * daemon and the companion it just forked, and the library destructors and the loader's
   * teardown would write to them (a page fault each), on the container's start-up path, for
   * nothing. Everything of ours was freed or handed on by now; only stdio may hold output. */
  (void) fflush (NULL); /* exit() ignores a failed flush as well: same status as before */
  _exit (status);
}
