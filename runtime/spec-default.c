#include "spec-default.h"

#include <unistd.h>

/* The same container `runc spec` describes (runc libcontainer/specconv/example.go), and for
 * --rootless the changes of runc's ToRootless; written here with JsonBuilder. No capability
 * goes in the inheritable or ambient sets: a process that execs a file with file capabilities
 * must not gain more than the config grants (runc CVE-2022-29162). */

static const char *const default_caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL",
                                            "CAP_NET_BIND_SERVICE", NULL };

static const char *const masked_paths[] = {
  "/proc/acpi",        "/proc/asound",        "/proc/kcore",       "/proc/keys",
  "/proc/latency_stats", "/proc/timer_list",  "/proc/timer_stats", "/proc/sched_debug",
  "/sys/firmware",     "/proc/scsi",          "/sys/devices/virtual/powercap", NULL,
};

static const char *const readonly_paths[] = { "/proc/bus", "/proc/fs", "/proc/irq",
                                              "/proc/sys", "/proc/sysrq-trigger", NULL };

static void
add_strv (JsonBuilder *b, const char *name, const char *const *values)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (gsize i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (b, values[i]);
  json_builder_end_array (b);
}

static void
add_mount (JsonBuilder *b, const char *destination, const char *type, const char *source,
           const char *const *options)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "destination");
  json_builder_add_string_value (b, destination);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, source);
  add_strv (b, "options", options);
  json_builder_end_object (b);
}

static void
add_range (JsonBuilder *b, guint32 container_id, guint32 host_id, guint32 size)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "containerID");
  json_builder_add_int_value (b, container_id);
  json_builder_set_member_name (b, "hostID");
  json_builder_add_int_value (b, host_id);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, size);
  json_builder_end_object (b);
}

/* The own id as 0, and with a subordinate range, that range from 1 on (podman's default). */
static void
add_mapping (JsonBuilder *b, const char *name, guint32 own_id, const SubidRange *sub)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  add_range (b, 0, own_id, 1);
  if (sub != NULL)
    add_range (b, 1, sub->start, sub->count);
  json_builder_end_array (b);
}

static void
add_process (JsonBuilder *b, const SpecDefaultOptions *options)
{
  static const char *const default_args[] = { "sh", NULL };
  static const char *const env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL
  };

  json_builder_set_member_name (b, "process");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "terminal");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "user");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "uid");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "gid");
  json_builder_add_int_value (b, 0);
  json_builder_end_object (b);
  add_strv (b, "args", options->args != NULL ? options->args : default_args);
  add_strv (b, "env", env);
  json_builder_set_member_name (b, "cwd");
  json_builder_add_string_value (b, "/");
  json_builder_set_member_name (b, "capabilities");
  json_builder_begin_object (b);
  add_strv (b, "bounding", default_caps);
  add_strv (b, "effective", default_caps);
  add_strv (b, "permitted", default_caps);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "rlimits");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "RLIMIT_NOFILE");
  json_builder_set_member_name (b, "hard");
  json_builder_add_int_value (b, 1024);
  json_builder_set_member_name (b, "soft");
  json_builder_add_int_value (b, 1024);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "noNewPrivileges");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
}

static void
add_mounts (JsonBuilder *b, gboolean rootless)
{
  static const char *const proc_opts[] = { NULL };
  static const char *const dev_opts[] = { "nosuid", "strictatime", "mode=755", "size=65536k",
                                          NULL };
  static const char *const pts_opts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                          "mode=0620", "gid=5", NULL };
  /* A user namespace maps no gid 5 unless asked to: devpts would refuse it. */
  static const char *const pts_opts_rootless[] = { "nosuid", "noexec", "newinstance",
                                                   "ptmxmode=0666", "mode=0620", NULL };
  static const char *const shm_opts[] = { "nosuid", "noexec", "nodev", "mode=1777",
                                          "size=65536k", NULL };
  static const char *const mqueue_opts[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const sys_opts[] = { "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const sys_opts_rootless[] = { "rbind", "nosuid", "noexec", "nodev", "ro",
                                                   NULL };
  static const char *const cgroup_opts[] = { "nosuid", "noexec", "nodev", "relatime", "ro",
                                             NULL };

  json_builder_set_member_name (b, "mounts");
  json_builder_begin_array (b);
  add_mount (b, "/proc", "proc", "proc", proc_opts);
  add_mount (b, "/dev", "tmpfs", "tmpfs", dev_opts);
  add_mount (b, "/dev/pts", "devpts", "devpts", rootless ? pts_opts_rootless : pts_opts);
  add_mount (b, "/dev/shm", "tmpfs", "shm", shm_opts);
  add_mount (b, "/dev/mqueue", "mqueue", "mqueue", mqueue_opts);
  /* Without a network namespace of its own, a user namespace may not mount sysfs: bind the
   * host's, read-only. */
  if (rootless)
    add_mount (b, "/sys", "none", "/sys", sys_opts_rootless);
  else
    {
      add_mount (b, "/sys", "sysfs", "sysfs", sys_opts);
      add_mount (b, "/sys/fs/cgroup", "cgroup", "cgroup", cgroup_opts);
    }
  json_builder_end_array (b);
}

static void
add_linux (JsonBuilder *b, const SpecDefaultOptions *options)
{
  gboolean rootless = options->rootless;
  static const char *const root_namespaces[] = { "pid", "network", "ipc", "uts", "mount",
                                                 "cgroup", NULL };
  static const char *const rootless_namespaces[] = { "pid", "ipc", "uts", "mount", "user",
                                                     NULL };
  const char *const *namespaces = rootless ? rootless_namespaces : root_namespaces;

  json_builder_set_member_name (b, "linux");
  json_builder_begin_object (b);
  if (rootless)
    {
      add_mapping (b, "uidMappings", getuid (), options->subuid);
      add_mapping (b, "gidMappings", getgid (), options->subgid);
    }
  else
    {
      json_builder_set_member_name (b, "resources");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "devices");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "allow");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_set_member_name (b, "access");
      json_builder_add_string_value (b, "rwm");
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "namespaces");
  json_builder_begin_array (b);
  for (gsize i = 0; namespaces[i] != NULL; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, namespaces[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_strv (b, "maskedPaths", masked_paths);
  add_strv (b, "readonlyPaths", readonly_paths);
  spec_default_add_seccomp (b);
  json_builder_end_object (b);
}

JsonNode *
spec_default_generate (const SpecDefaultOptions *options)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ociVersion");
  json_builder_add_string_value (b, "1.2.0");
  add_process (b, options);
  json_builder_set_member_name (b, "root");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, "rootfs");
  json_builder_set_member_name (b, "readonly");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "hostname");
  json_builder_add_string_value (b, "warren");
  add_mounts (b, options->rootless);
  add_linux (b, options);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
