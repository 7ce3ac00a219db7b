/* spec: config.json read once into typed structs and validated, every error naming the JSON
 * path. Nothing after spec_load() touches JSON. What the fields do is left to the modules that
 * apply them (rootfs.c, userns.c, process.c, ...). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>
#include <sys/types.h>

#include "wr-json.h"

typedef enum
{
  SPEC_NS_PID,
  SPEC_NS_NETWORK,
  SPEC_NS_MOUNT,
  SPEC_NS_IPC,
  SPEC_NS_UTS,
  SPEC_NS_USER,
  SPEC_NS_CGROUP,
  SPEC_NS_TIME,
  SPEC_NS_COUNT,
} SpecNamespaceType;

/* linux.intelRdt: a resctrl group (resctrl.c). */
typedef struct
{
  char *clos_id;          /* NULL: the container id */
  char *l3_cache_schema;  /* "L3:0=7f0;1=1f", NULL when absent */
  char *mem_bw_schema;    /* "MB:0=20;1=70", NULL when absent */
  char *schemata;         /* whole lines, written last; NULL when absent */
  gboolean enable_cmt, enable_mbm;
} SpecIntelRdt;

typedef struct
{
  gboolean enabled; /* listed in linux.namespaces */
  char *path;       /* join this one instead of creating a new one; NULL to create */
} SpecNamespace;

typedef struct
{
  guint32 container_id;
  guint32 host_id;
  guint32 size;
} SpecIdMapping;

typedef struct
{
  char *destination;
  char *type;    /* NULL when absent: bind mounts often omit it */
  char *source;  /* NULL when absent */
  char **options; /* NULL-terminated, never NULL after parsing */
  /* Derived from options by spec.c: */
  unsigned long flags;         /* MS_* flags to set */
  unsigned long clear_flags;   /* MS_* flags the options clear (rw, suid, ...) */
  unsigned long propagation;   /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (| MS_REC) */
  gboolean bind;               /* "bind" or "rbind" option, or type "bind" */
  gboolean recursive_bind;     /* "rbind" */
  char *data;                  /* the options that are not flags, comma-joined; may be NULL */
} SpecMount;

typedef struct
{
  int type;        /* RLIMIT_* */
  char *name;      /* "RLIMIT_NOFILE" */
  guint64 soft;
  guint64 hard;
} SpecRlimit;

typedef struct
{
  char *path;
  char type;       /* 'c', 'b', 'u' or 'p' */
  gint64 major;
  gint64 minor;
  gboolean has_mode;
  guint32 file_mode;
  gboolean has_uid;
  guint32 uid;
  gboolean has_gid;
  guint32 gid;
} SpecDevice;

typedef struct
{
  /* Each is a NULL-terminated list of names as written ("CAP_CHOWN"), NULL when absent. */
  char **bounding;
  char **effective;
  char **permitted;
  char **inheritable;
  char **ambient;
} SpecCapabilities;

typedef struct
{
  guint32 policy;     /* SCHED_* */
  gint32 nice;
  guint32 priority;
  guint64 flags;      /* SCHED_FLAG_* */
  guint64 runtime;    /* SCHED_DEADLINE, nanoseconds */
  guint64 deadline;
  guint64 period;
} SpecScheduler;

typedef struct
{
  gboolean terminal;
  guint32 console_width;   /* consoleSize.width, 0 when absent */
  guint32 console_height;
  guint32 uid;
  guint32 gid;
  gboolean has_umask;
  guint32 umask;
  guint32 *additional_gids;
  guint n_additional_gids;
  char **args;             /* at least one element */
  char **env;              /* NULL-terminated, never NULL after parsing */
  char *cwd;               /* absolute */
  SpecCapabilities *capabilities; /* NULL when absent */
  SpecRlimit *rlimits;
  guint n_rlimits;
  gboolean no_new_privileges;
  gboolean has_oom_score_adj;
  int oom_score_adj;
  char *apparmor_profile;  /* NULL when absent */
  char *selinux_label;     /* NULL when absent */
  SpecScheduler *scheduler; /* NULL when absent */
  gboolean has_io_priority;
  int io_priority;         /* IOPRIO_PRIO_VALUE (class, priority) */
} SpecProcess;

typedef enum
{
  SPEC_HOOK_PRESTART,
  SPEC_HOOK_CREATE_RUNTIME,
  SPEC_HOOK_CREATE_CONTAINER,
  SPEC_HOOK_START_CONTAINER,
  SPEC_HOOK_POSTSTART,
  SPEC_HOOK_POSTSTOP,
  SPEC_HOOK_STAGE_COUNT,
} SpecHookStage;

typedef struct
{
  char *path;    /* absolute */
  char **args;   /* NULL-terminated; never NULL after parsing ({path} when absent) */
  char **env;    /* NULL-terminated; never NULL after parsing (empty when absent) */
  int timeout;   /* seconds; 0 when absent (no timeout) */
} SpecHook;

typedef struct
{
  SpecHook *hooks;
  guint n;
} SpecHookList;

typedef struct
{
  SpecHookList stages[SPEC_HOOK_STAGE_COUNT];
  JsonNode *node; /* the "hooks" object as written, saved in state.json for start/delete */
} SpecHooks;

typedef enum
{
  SPEC_SECCOMP_KILL_THREAD, /* SCMP_ACT_KILL and SCMP_ACT_KILL_THREAD */
  SPEC_SECCOMP_KILL_PROCESS,
  SPEC_SECCOMP_TRAP,
  SPEC_SECCOMP_ERRNO,
  SPEC_SECCOMP_TRACE,
  SPEC_SECCOMP_ALLOW,
  SPEC_SECCOMP_LOG,
  SPEC_SECCOMP_NOTIFY,
} SpecSeccompAction;

typedef enum
{
  SPEC_SECCOMP_CMP_NE = 1, /* the values of libseccomp's enum scmp_compare */
  SPEC_SECCOMP_CMP_LT,
  SPEC_SECCOMP_CMP_LE,
  SPEC_SECCOMP_CMP_EQ,
  SPEC_SECCOMP_CMP_GE,
  SPEC_SECCOMP_CMP_GT,
  SPEC_SECCOMP_CMP_MASKED_EQ,
} SpecSeccompCompare;

typedef struct
{
  guint index;    /* 0..5 */
  guint64 value;  /* the mask for MASKED_EQ */
  guint64 value_two;
  SpecSeccompCompare op;
} SpecSeccompArg;

typedef struct
{
  char **names;   /* at least one */
  SpecSeccompAction action;
  guint32 errno_ret; /* errnoRet, or EPERM when absent (ERRNO and TRACE) */
  gboolean has_errno_ret;
  SpecSeccompArg *args;
  guint n_args;
} SpecSeccompRule;

typedef struct
{
  SpecSeccompAction default_action;
  guint32 default_errno_ret; /* defaultErrnoRet, or EPERM */
  char **architectures;      /* "SCMP_ARCH_X86_64", ...; NULL-terminated, never NULL */
  guint flags;               /* SECCOMP_FILTER_FLAG_* */
  char *listener_path;       /* NULL when absent */
  char *listener_metadata;   /* NULL when absent */
  SpecSeccompRule *rules;
  guint n_rules;
  gboolean uses_notify;      /* some action is SCMP_ACT_NOTIFY */
  JsonNode *node;            /* linux.seccomp as written, saved in state.json for exec */
} SpecSeccomp;

typedef struct
{
  char *oci_version;
  char *root_path;         /* as written; relative to the bundle when not absolute */
  gboolean root_readonly;
  char *hostname;          /* NULL when absent */
  char *domainname;        /* NULL when absent */
  SpecProcess *process;    /* NULL when absent (allowed by the spec for create only) */
  SpecMount *mounts;
  guint n_mounts;
  GHashTable *annotations; /* string → string, never NULL after parsing */

  /* linux */
  SpecNamespace namespaces[SPEC_NS_COUNT];
  SpecIdMapping *uid_mappings;
  guint n_uid_mappings;
  SpecIdMapping *gid_mappings;
  guint n_gid_mappings;
  SpecDevice *devices;
  guint n_devices;
  char **masked_paths;     /* NULL-terminated, never NULL after parsing */
  char **readonly_paths;   /* NULL-terminated, never NULL after parsing */
  GHashTable *sysctl;      /* string → string, never NULL after parsing */
  char *rootfs_propagation; /* NULL when absent */
  unsigned long rootfs_propagation_flags; /* MS_* derived from it; 0 when absent */
  char *cgroups_path;      /* NULL when absent */
  gboolean has_resources;  /* linux.resources present */
  char *mount_label;       /* NULL when absent */
  /* linux.timeOffsets */
  gboolean has_time_offsets;
  gint64 monotonic_secs;
  guint32 monotonic_nanosecs;
  gint64 boottime_secs;
  guint32 boottime_nanosecs;

  SpecSeccomp *seccomp;    /* NULL when absent */
  gboolean has_personality;
  unsigned long personality; /* PER_LINUX or PER_LINUX32 */
  SpecIntelRdt *intel_rdt; /* linux.intelRdt; NULL when absent */

  SpecHooks hooks;
} WarrenSpec;

/* Load and validate bundle_dir/config.json. `file` names it in messages ("config.json"). */
WarrenSpec *spec_load_file (const char *path, const char *file, GError **error);
/* Parse and validate from memory (used by the unit tests). */
WarrenSpec *spec_load_data (const char *data, gssize length, const char *file, GError **error);

void spec_free (WarrenSpec *spec);
/* A process.json on its own (exec --process), validated as config.json's process is. */
SpecProcess *spec_process_load_file (const char *path, const char *file, GError **error);
void spec_process_free (SpecProcess *process);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpecProcess, spec_process_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WarrenSpec, spec_free)

const char *spec_namespace_name (SpecNamespaceType type); /* "pid", "network", ... */
const char *spec_hook_stage_name (SpecHookStage stage);  /* "createRuntime", ... */
/* Parse a "hooks" object on its own (the copy kept in state.json); `file` names it. */
gboolean spec_hooks_parse_node (JsonNode *node, const char *file, SpecHooks *out,
                                GError **error);
void spec_hooks_clear (SpecHooks *hooks);
gboolean spec_hooks_any (const SpecHooks *hooks, SpecHookStage first, SpecHookStage last);
/* process.scheduler and process.ioPriority (spec-sched.c), from the process object. */
gboolean spec_sched_parse (const WrJsonCursor *process, SpecProcess *p, GError **error);

/* linux.seccomp (spec-seccomp.c), from its cursor; or from a saved copy, `file` naming it. */
gboolean spec_seccomp_parse (const WrJsonCursor *seccomp, SpecSeccomp **out, GError **error);
SpecSeccomp *spec_seccomp_parse_node (JsonNode *node, const char *file, GError **error);
void spec_seccomp_free (SpecSeccomp *seccomp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpecSeccomp, spec_seccomp_free)
/* "SCMP_ACT_ERRNO", ... */
const char *spec_seccomp_action_name (SpecSeccompAction action);

/* The CLONE_NEW* flag of a namespace type. */
int spec_namespace_clone_flag (SpecNamespaceType type);
