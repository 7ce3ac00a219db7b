#include <glib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "spec-default.h"
#include "spec.h"
#include "wr-error.h"

/* A complete config in the shape `runc spec` writes. */
static const char *const full_config = "{"
  "\"ociVersion\": \"1.0.2-dev\","
  "\"process\": {\"terminal\": true, \"user\": {\"uid\": 1000, \"gid\": 1000, \"umask\": 18,"
  "  \"additionalGids\": [5, 6]},"
  "  \"args\": [\"sh\"], \"env\": [\"PATH=/bin\", \"TERM=xterm\"], \"cwd\": \"/\","
  "  \"consoleSize\": {\"height\": 24, \"width\": 80},"
  "  \"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"effective\": [\"CAP_KILL\"],"
  "    \"permitted\": [\"CAP_KILL\"], \"ambient\": [\"CAP_KILL\"]},"
  "  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 512}],"
  "  \"noNewPrivileges\": true, \"oomScoreAdj\": 100},"
  "\"root\": {\"path\": \"rootfs\", \"readonly\": true},"
  "\"hostname\": \"runc\","
  "\"mounts\": ["
  "  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
  "  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
  "   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
  "  {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv\","
  "   \"options\": [\"rbind\", \"ro\", \"nodev\", \"rprivate\"]}],"
  "\"annotations\": {\"a\": \"b\"},"
  "\"unknownTopLevel\": {\"ignored\": [1, 2, 3]},"
  "\"linux\": {\"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
  "  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
  "    {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"user\"},"
  "    {\"type\": \"net\", \"ignoredField\": 1, \"type\": \"cgroup\", \"path\": \"/proc/1/ns/cgroup\"}],"
  "  \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1},"
  "    {\"containerID\": 1, \"hostID\": 100000, \"size\": 65536}],"
  "  \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
  "  \"devices\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229,"
  "    \"fileMode\": 438, \"uid\": 0, \"gid\": 0}],"
  "  \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"},"
  "  \"maskedPaths\": [\"/proc/kcore\"], \"readonlyPaths\": [\"/proc/sys\"],"
  "  \"rootfsPropagation\": \"rslave\", \"cgroupsPath\": \"/warren/c1\","
  "  \"timeOffsets\": {\"monotonic\": {\"secs\": 10, \"nanosecs\": 5}}}"
  "}";

static void
test_full (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WarrenSpec) spec = spec_load_data (full_config, -1, "config.json", &error);
  const SpecMount *bind;

  g_assert_no_error (error);
  g_assert_nonnull (spec);
  g_assert_cmpstr (spec->root_path, ==, "rootfs");
  g_assert_true (spec->root_readonly);
  g_assert_cmpstr (spec->hostname, ==, "runc");
  g_assert_cmpuint (spec->process->uid, ==, 1000);
  g_assert_cmpuint (spec->process->umask, ==, 18);
  g_assert_cmpuint (spec->process->n_additional_gids, ==, 2);
  g_assert_cmpuint (spec->process->console_width, ==, 80);
  g_assert_cmpstr (spec->process->capabilities->bounding[0], ==, "CAP_KILL");
  g_assert_null (spec->process->capabilities->inheritable);
  g_assert_cmpuint (spec->process->n_rlimits, ==, 1);
  g_assert_cmpint (spec->process->rlimits[0].type, ==, RLIMIT_NOFILE);
  g_assert_cmpuint (spec->process->rlimits[0].soft, ==, 512);
  g_assert_true (spec->process->has_oom_score_adj);
  g_assert_cmpuint (spec->n_mounts, ==, 3);
  g_assert_cmpstr (spec->mounts[1].data, ==, "mode=755,size=65536k");
  g_assert_cmpuint (spec->mounts[1].flags & (MS_NOSUID | MS_STRICTATIME), ==,
                    MS_NOSUID | MS_STRICTATIME);
  bind = &spec->mounts[2];
  g_assert_true (bind->bind);
  g_assert_true (bind->recursive_bind);
  g_assert_cmpuint (bind->flags & (MS_RDONLY | MS_NODEV), ==, MS_RDONLY | MS_NODEV);
  g_assert_cmpuint (bind->propagation, ==, MS_PRIVATE | MS_REC);
  g_assert_null (bind->data);
  g_assert_true (spec->namespaces[SPEC_NS_USER].enabled);
  g_assert_true (spec->namespaces[SPEC_NS_CGROUP].enabled);
  g_assert_cmpstr (spec->namespaces[SPEC_NS_CGROUP].path, ==, "/proc/1/ns/cgroup");
  g_assert_false (spec->namespaces[SPEC_NS_TIME].enabled);
  g_assert_cmpuint (spec->n_uid_mappings, ==, 2);
  g_assert_cmpuint (spec->uid_mappings[1].host_id, ==, 100000);
  g_assert_cmpuint (spec->n_devices, ==, 1);
  g_assert_cmpint (spec->devices[0].type, ==, 'c');
  g_assert_cmpuint (spec->devices[0].file_mode, ==, 0666);
  g_assert_cmpstr (g_hash_table_lookup (spec->sysctl, "net.ipv4.ip_forward"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (spec->annotations, "a"), ==, "b");
  g_assert_cmpuint (spec->rootfs_propagation_flags, ==, MS_SLAVE | MS_REC);
  g_assert_true (spec->has_resources);
  g_assert_true (spec->has_time_offsets);
  g_assert_cmpint (spec->monotonic_secs, ==, 10);
  g_assert_false (spec_hooks_any (&spec->hooks, SPEC_HOOK_PRESTART, SPEC_HOOK_POSTSTOP));
  g_assert_null (spec->seccomp);
}

static void
test_minimal (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WarrenSpec) spec
      = spec_load_data ("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}}", -1,
                        "config.json", &error);

  g_assert_no_error (error);
  g_assert_null (spec->process);
  g_assert_nonnull (spec->masked_paths);
  g_assert_nonnull (spec->readonly_paths);
  g_assert_nonnull (spec->sysctl);
  g_assert_nonnull (spec->annotations);
}

static void
test_intel_rdt (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WarrenSpec) spec = spec_load_data (
      "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"linux\": {\"intelRdt\": "
      "{\"closID\": \"gold\", \"l3CacheSchema\": \"L3:0=7f0\", \"memBwSchema\": \"MB:0=20\", "
      "\"schemata\": \"L2:0=f\", \"enableCMT\": true}}}",
      -1, "config.json", &error);

  g_assert_no_error (error);
  g_assert_nonnull (spec->intel_rdt);
  g_assert_cmpstr (spec->intel_rdt->clos_id, ==, "gold");
  g_assert_cmpstr (spec->intel_rdt->l3_cache_schema, ==, "L3:0=7f0");
  g_assert_cmpstr (spec->intel_rdt->mem_bw_schema, ==, "MB:0=20");
  g_assert_cmpstr (spec->intel_rdt->schemata, ==, "L2:0=f");
  g_assert_true (spec->intel_rdt->enable_cmt);
  g_assert_false (spec->intel_rdt->enable_mbm);
}

typedef struct
{
  const char *name;
  const char *json; /* replaces @ in the template */
  const char *expected;
} BadCase;

/* Each broken field: the message names the file, the JSON path and the rule. */
static const BadCase bad_cases[] = {
  { "not-object", "", "config.json: (root): must be an object" },
  { "relative-destination", "\"mounts\": [{\"destination\": \"proc\", \"type\": \"proc\"}]",
    "config.json: mounts[0].destination: must be absolute" },
  { "dotdot-destination",
    "\"mounts\": [{\"destination\": \"/a\", \"type\": \"tmpfs\"},"
    " {\"destination\": \"/a/../../etc\", \"type\": \"tmpfs\"}]",
    "config.json: mounts[1].destination: must not contain" },
  { "mount-no-type", "\"mounts\": [{\"destination\": \"/a\"}]",
    "config.json: mounts[0].type: required unless the mount is a bind mount" },
  { "bind-no-source", "\"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\"}]",
    "config.json: mounts[0].source: a bind mount needs a source" },
  { "mount-options-type", "\"mounts\": [{\"destination\": \"/a\", \"type\": \"tmpfs\", "
    "\"options\": [1]}]", "config.json: mounts[0].options[0]: must be a string" },
  { "idmap", "\"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\", \"source\": \"/b\","
    " \"options\": [\"idmap\"]}]", "config.json: mounts[0].options[0]: \"idmap\" mounts" },
  { "no-args", "\"process\": {\"cwd\": \"/\"}", "config.json: process.args: required" },
  { "empty-args", "\"process\": {\"cwd\": \"/\", \"args\": []}",
    "config.json: process.args: must hold at least one" },
  { "relative-cwd", "\"process\": {\"cwd\": \"tmp\", \"args\": [\"sh\"]}",
    "config.json: process.cwd: must be absolute" },
  { "env-without-equals", "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"env\": [\"A=1\", \"B\"]}",
    "config.json: process.env[1]: must be KEY=VALUE" },
  { "uid-negative", "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"user\": {\"uid\": -1}}",
    "config.json: process.user.uid: -1 is out of range" },
  { "uid-too-big",
    "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"user\": {\"uid\": 4294967296}}",
    "config.json: process.user.uid: 4294967296 is out of range" },
  { "uid-string", "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"user\": {\"uid\": \"0\"}}",
    "config.json: process.user.uid: must be an integer, not a string" },
  { "unknown-capability",
    "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"capabilities\": {\"bounding\": "
    "[\"CAP_KILL\", \"CAP_FOO\"]}}",
    "config.json: process.capabilities.bounding[1]: unknown capability \"CAP_FOO\"" },
  { "capability-without-prefix",
    "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"capabilities\": {\"effective\": [\"kill\"]}}",
    "config.json: process.capabilities.effective[0]: unknown capability \"kill\"" },
  { "rlimit-soft-above-hard",
    "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\","
    " \"soft\": 10, \"hard\": 5}]}",
    "config.json: process.rlimits[0]: soft limit 10 is above the hard limit 5" },
  { "rlimit-unknown",
    "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"rlimits\": [{\"type\": \"RLIMIT_FOO\","
    " \"soft\": 1, \"hard\": 1}]}",
    "config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"" },
  { "rlimit-twice",
    "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"rlimits\": [{\"type\": \"RLIMIT_CORE\","
    " \"soft\": 1, \"hard\": 1}, {\"type\": \"RLIMIT_CORE\", \"soft\": 1, \"hard\": 1}]}",
    "config.json: process.rlimits[1].type: RLIMIT_CORE is set twice" },
  { "oom-score", "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"oomScoreAdj\": 1001}",
    "config.json: process.oomScoreAdj: 1001 is out of range" },
  { "umask", "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"user\": {\"umask\": 512}}",
    "config.json: process.user.umask: 512 is out of range" },
  { "unknown-namespace", "\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"foo\"}]}",
    "config.json: linux.namespaces[1].type: unknown namespace type \"foo\"" },
  { "namespace-twice", "\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"pid\"}]}",
    "config.json: linux.namespaces[1].type: namespace \"pid\" is listed twice" },
  { "namespace-relative-path",
    "\"linux\": {\"namespaces\": [{\"type\": \"net\"}]}",
    "config.json: linux.namespaces[0].type: unknown namespace type \"net\"" },
  { "mapping-size-zero",
    "\"linux\": {\"namespaces\": [{\"type\": \"user\"}], \"uidMappings\": [{\"containerID\": 0,"
    " \"hostID\": 1000, \"size\": 1}, {\"containerID\": 1, \"hostID\": 2000, \"size\": 0}]}",
    "config.json: linux.uidMappings[1].size: must be > 0" },
  { "mapping-overlap-container",
    "\"linux\": {\"namespaces\": [{\"type\": \"user\"}], \"uidMappings\": [{\"containerID\": 0,"
    " \"hostID\": 1000, \"size\": 10}, {\"containerID\": 5, \"hostID\": 2000, \"size\": 10}]}",
    "config.json: linux.uidMappings[1]: container ids overlap with [0]" },
  { "mapping-overlap-host",
    "\"linux\": {\"namespaces\": [{\"type\": \"user\"}], \"gidMappings\": [{\"containerID\": 0,"
    " \"hostID\": 1000, \"size\": 10}, {\"containerID\": 100, \"hostID\": 1009, \"size\": 1}]}",
    "config.json: linux.gidMappings[1]: host ids overlap with [0]" },
  { "mapping-overflow",
    "\"linux\": {\"namespaces\": [{\"type\": \"user\"}], \"uidMappings\": [{\"containerID\": "
    "4294967295, \"hostID\": 1000, \"size\": 2}]}",
    "config.json: linux.uidMappings[0].size: the range runs past" },
  { "mapping-without-userns",
    "\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}",
    "config.json: linux.uidMappings: mappings need a user namespace" },
  { "sysctl-dotdot", "\"linux\": {\"sysctl\": {\"net..x\": \"1\"}}",
    "config.json: linux.sysctl.net..x: not a valid sysctl name" },
  { "sysctl-slash", "\"linux\": {\"sysctl\": {\"kernel/core_pattern\": \"1\"}}",
    "config.json: linux.sysctl.kernel/core_pattern: not a valid sysctl name" },
  { "device-type", "\"linux\": {\"devices\": [{\"path\": \"/dev/x\", \"type\": \"z\"}]}",
    "config.json: linux.devices[0].type: must be one of c, b, u, p" },
  { "device-outside-dev",
    "\"linux\": {\"devices\": [{\"path\": \"/etc/x\", \"type\": \"c\", \"major\": 1, \"minor\": 3}]}",
    "config.json: linux.devices[0].path: must be under /dev" },
  { "device-no-major", "\"linux\": {\"devices\": [{\"path\": \"/dev/x\", \"type\": \"c\"}]}",
    "config.json: linux.devices[0].major: required" },
  { "masked-relative", "\"linux\": {\"maskedPaths\": [\"/proc/kcore\", \"proc/keys\"]}",
    "config.json: linux.maskedPaths[1]: must be absolute" },
  { "readonly-dotdot", "\"linux\": {\"readonlyPaths\": [\"/proc/../etc\"]}",
    "config.json: linux.readonlyPaths[0]: must not contain" },
  { "propagation", "\"linux\": {\"rootfsPropagation\": \"sideways\"}",
    "config.json: linux.rootfsPropagation: unknown propagation \"sideways\"" },
  { "cgroups-path-dotdot", "\"linux\": {\"cgroupsPath\": \"/a/../../b\"}",
    "config.json: linux.cgroupsPath: must not contain" },
  { "time-nanosecs", "\"linux\": {\"timeOffsets\": {\"boottime\": {\"nanosecs\": 1000000000}}}",
    "config.json: linux.timeOffsets.boottime.nanosecs: 1000000000 is out of range" },
  { "hostname-type", "\"hostname\": 5", "config.json: hostname: must be a string, not an integer" },
  { "annotation-type", "\"annotations\": {\"a\": 1}",
    "config.json: annotations.a: must be a string" },
  { "hooks-type", "\"hooks\": {\"prestart\": {}}", "config.json: hooks.prestart: must be an array" },
  { "hook-relative-path", "\"hooks\": {\"createRuntime\": [{\"path\": \"true\"}]}",
    "config.json: hooks.createRuntime[0].path: must be absolute" },
  { "hook-no-path", "\"hooks\": {\"poststop\": [{\"path\": \"/bin/true\"}, {\"args\": []}]}",
    "config.json: hooks.poststop[1].path: required" },
  { "hook-timeout-0", "\"hooks\": {\"prestart\": [{\"path\": \"/bin/true\", \"timeout\": 0}]}",
    "config.json: hooks.prestart[0].timeout: must be > 0" },
  { "nul-escape", "\"hostname\": \"a\\u0000b\"", "config.json: contains a NUL character" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr (WarrenSpec) spec = NULL;

  if (*c->json == '\0')
    json = g_strdup ("[1]");
  else
    json = g_strdup_printf ("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, %s}",
                            c->json);
  spec = spec_load_data (json, -1, "config.json", &error);
  g_assert_null (spec);
  g_assert_error (error, WARREN_ERROR, WARREN_ERROR_INVALID_CONFIG);
  if (strstr (error->message, c->expected) == NULL)
    g_error ("%s: got \"%s\", expected \"%s\"", c->name, error->message, c->expected);
}

static void
test_missing_root (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (spec_load_data ("{\"ociVersion\": \"1.2.0\"}", -1, "config.json", &error));
  g_assert_error (error, WARREN_ERROR, WARREN_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "config.json: root: required"));
}

static void
test_hooks_and_seccomp_flagged (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WarrenSpec) spec = spec_load_data (
      "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"hooks\": {\"prestart\": "
      "[{\"path\": \"/bin/true\"}], \"poststop\": [{\"path\": \"/bin/sh\", \"args\": "
      "[\"sh\", \"-c\", \"x\"], \"env\": [\"A=1\"], \"timeout\": 5}]}, "
      "\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\"}}}",
      -1, "config.json", &error);
  const SpecHook *h;

  g_assert_no_error (error);
  g_assert_cmpuint (spec->hooks.stages[SPEC_HOOK_PRESTART].n, ==, 1);
  h = &spec->hooks.stages[SPEC_HOOK_PRESTART].hooks[0];
  g_assert_cmpstr (h->path, ==, "/bin/true");
  /* No args: argv[0] is the path; no env: an empty environment. */
  g_assert_cmpstr (h->args[0], ==, "/bin/true");
  g_assert_null (h->args[1]);
  g_assert_null (h->env[0]);
  g_assert_cmpint (h->timeout, ==, 0);
  h = &spec->hooks.stages[SPEC_HOOK_POSTSTOP].hooks[0];
  g_assert_cmpstr (h->args[2], ==, "x");
  g_assert_cmpstr (h->env[0], ==, "A=1");
  g_assert_cmpint (h->timeout, ==, 5);
  g_assert_true (spec_hooks_any (&spec->hooks, SPEC_HOOK_POSTSTOP, SPEC_HOOK_POSTSTOP));
  g_assert_false (spec_hooks_any (&spec->hooks, SPEC_HOOK_CREATE_RUNTIME, SPEC_HOOK_POSTSTART));
  g_assert_nonnull (spec->hooks.node);
  g_assert_nonnull (spec->seccomp);
}

static void
test_seccomp_parsed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WarrenSpec) spec = spec_load_data (
      "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"linux\": {\"seccomp\": "
      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, "
      "\"architectures\": [\"SCMP_ARCH_X86_64\"], \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"], "
      "\"listenerPath\": \"/run/agent.sock\", \"listenerMetadata\": \"m\", \"syscalls\": ["
      "{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"}, "
      "{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1, \"args\": "
      "[{\"index\": 1, \"value\": 255, \"valueTwo\": 9, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}, "
      "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}}}",
      -1, "config.json", &error);
  const SpecSeccomp *s;

  g_assert_no_error (error);
  s = spec->seccomp;
  g_assert_nonnull (s);
  g_assert_cmpint (s->default_action, ==, SPEC_SECCOMP_ERRNO);
  g_assert_cmpuint (s->default_errno_ret, ==, 38);
  g_assert_cmpstr (s->architectures[0], ==, "SCMP_ARCH_X86_64");
  g_assert_cmpuint (s->flags, ==, 2); /* SECCOMP_FILTER_FLAG_LOG */
  g_assert_cmpstr (s->listener_path, ==, "/run/agent.sock");
  g_assert_cmpstr (s->listener_metadata, ==, "m");
  g_assert_true (s->uses_notify);
  g_assert_cmpuint (s->n_rules, ==, 3);
  g_assert_cmpstr (s->rules[0].names[1], ==, "write");
  g_assert_cmpint (s->rules[0].action, ==, SPEC_SECCOMP_ALLOW);
  g_assert_cmpuint (s->rules[1].errno_ret, ==, 1);
  g_assert_cmpuint (s->rules[1].n_args, ==, 1);
  g_assert_cmpuint (s->rules[1].args[0].index, ==, 1);
  g_assert_cmpuint (s->rules[1].args[0].value, ==, 255);
  g_assert_cmpuint (s->rules[1].args[0].value_two, ==, 9);
  g_assert_cmpint (s->rules[1].args[0].op, ==, SPEC_SECCOMP_CMP_MASKED_EQ);
  g_assert_cmpint (s->rules[2].action, ==, SPEC_SECCOMP_NOTIFY);
  g_assert_cmpuint (s->rules[2].errno_ret, ==, 1); /* EPERM when absent */
  g_assert_nonnull (s->node);
}

static void
test_raw_nul (void)
{
  static const char data[] = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\0x\"}}";
  g_autoptr (GError) error = NULL;

  g_assert_null (spec_load_data (data, sizeof data - 1, "config.json", &error));
  g_assert_nonnull (strstr (error->message, "NUL byte"));
}

static void
test_escaped_backslash_is_not_nul (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WarrenSpec) spec = spec_load_data (
      "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"hostname\": \"a\\\\u0000\"}",
      -1, "config.json", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (spec->hostname, ==, "a\\u0000");
}

/* An allow list; what Docker blocks is blocked, namespaced clone flags included. */
static void
check_default_seccomp (const SpecSeccomp *s)
{
  static const char *const must_block[] = { "mount", "umount2", "unshare", "setns", "ptrace",
                                            "keyctl", "add_key", "bpf", "init_module",
                                            "kexec_load", "open_by_handle_at", "reboot",
                                            "pivot_root", "userfaultfd", "perf_event_open",
                                            "io_uring_setup", "swapon", NULL };
  const SpecSeccompRule *allow = NULL, *blocked = NULL, *clone = NULL;

  g_assert_nonnull (s);
  g_assert_cmpint (s->default_action, ==, SPEC_SECCOMP_ERRNO);
  g_assert_cmpuint (s->default_errno_ret, ==, 38); /* ENOSYS */
  for (guint i = 0; i < s->n_rules; i++)
    {
      const SpecSeccompRule *r = &s->rules[i];
      if (r->action == SPEC_SECCOMP_ALLOW && r->n_args == 0)
        allow = r;
      else if (r->action == SPEC_SECCOMP_ERRNO && r->errno_ret == 1)
        blocked = r;
      else if (g_strv_contains ((const char *const *) r->names, "clone"))
        clone = r;
    }
  g_assert_nonnull (allow);
  g_assert_nonnull (blocked);
  g_assert_cmpuint (g_strv_length (allow->names), >, 300);
  g_assert_true (g_strv_contains ((const char *const *) allow->names, "execve"));
  for (guint i = 0; must_block[i] != NULL; i++)
    {
      g_assert_false (g_strv_contains ((const char *const *) allow->names, must_block[i]));
      g_assert_true (g_strv_contains ((const char *const *) blocked->names, must_block[i]));
    }
  g_assert_nonnull (clone);
  g_assert_cmpint (clone->action, ==, SPEC_SECCOMP_ALLOW);
  g_assert_cmpuint (clone->n_args, ==, 1);
  g_assert_cmpint (clone->args[0].op, ==, SPEC_SECCOMP_CMP_MASKED_EQ);
  g_assert_cmpuint (clone->args[0].value, ==, 0x7E020000);
  g_assert_cmpuint (clone->args[0].value_two, ==, 0);
}

static void
check_default (gboolean rootless)
{
  SpecDefaultOptions options = { .rootless = rootless };
  g_autoptr (JsonNode) node = spec_default_generate (&options);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (WarrenSpec) spec = spec_load_data (text, -1, "config.json", &error);
  gboolean sysfs = FALSE, sys_bind = FALSE;

  g_assert_no_error (error);
  /* No inheritable or ambient capabilities, ever (SECURITY-TESTS 37). */
  g_assert_null (spec->process->capabilities->inheritable);
  g_assert_null (spec->process->capabilities->ambient);
  g_assert_true (spec->process->no_new_privileges);
  g_assert_true (spec->root_readonly);
  g_assert_true (spec->namespaces[SPEC_NS_MOUNT].enabled);
  g_assert_true (spec->namespaces[SPEC_NS_PID].enabled);
  g_assert_cmpuint (g_strv_length (spec->masked_paths), >, 0);
  check_default_seccomp (spec->seccomp);
  for (guint i = 0; i < spec->n_mounts; i++)
    if (strcmp (spec->mounts[i].destination, "/sys") == 0)
      {
        sysfs = g_strcmp0 (spec->mounts[i].type, "sysfs") == 0;
        sys_bind = spec->mounts[i].bind && spec->mounts[i].recursive_bind;
      }
  g_assert_cmpint (spec->namespaces[SPEC_NS_USER].enabled, ==, rootless);
  if (rootless)
    {
      g_assert_cmpuint (spec->n_uid_mappings, ==, 1);
      g_assert_cmpuint (spec->uid_mappings[0].host_id, ==, getuid ());
      g_assert_cmpuint (spec->gid_mappings[0].host_id, ==, getgid ());
      g_assert_true (sys_bind);
      g_assert_false (spec->namespaces[SPEC_NS_NETWORK].enabled);
      g_assert_false (spec->has_resources);
    }
  else
    {
      g_assert_true (sysfs);
      g_assert_true (spec->namespaces[SPEC_NS_NETWORK].enabled);
    }
}

static void
test_default_root (void)
{
  check_default (FALSE);
}

static void
test_default_rootless (void)
{
  check_default (TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/spec/full-runc-config", test_full);
  g_test_add_func ("/spec/minimal", test_minimal);
  g_test_add_func ("/spec/intel-rdt", test_intel_rdt);
  g_test_add_func ("/spec/missing-root", test_missing_root);
  g_test_add_func ("/spec/hooks-parsed-seccomp-flagged", test_hooks_and_seccomp_flagged);
  g_test_add_func ("/spec/seccomp-parsed", test_seccomp_parsed);
  g_test_add_func ("/spec/nul/raw", test_raw_nul);
  g_test_add_func ("/spec/nul/escaped-backslash", test_escaped_backslash_is_not_nul);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/spec/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/spec-default/root", test_default_root);
  g_test_add_func ("/spec-default/rootless", test_default_rootless);
  return g_test_run ();
}
