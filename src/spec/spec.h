/* Typed form of the OCI runtime-spec config.json (Linux parts).
 * Produced by hr_spec_load*, consumed read-only by every later stage.
 * Optional scalars carry a has_* flag; absent arrays have n == 0. */
#ifndef HARDRUN_SPEC_H
#define HARDRUN_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hardrun/error.h"

struct hr_kv {
	char *key;
	char *value;
};

struct hr_mount {
	char *destination;     /* required, absolute */
	char *source;          /* may be NULL */
	char *type;            /* may be NULL (bind mounts) */
	char **options;        /* NULL-terminated, may be NULL */
	size_t n_options;
	/* uidMappings/gidMappings on a mount (idmapped mounts) */
	struct hr_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct hr_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	/* mappings the host policy injected with idmapFallback: where the
	 * filesystem cannot idmap, the bind runs without (warned) */
	bool idmap_optional;
};

struct hr_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct hr_rlimit {
	char *type;            /* "RLIMIT_NOFILE" */
	int resource;          /* resolved RLIMIT_* number */
	uint64_t soft;
	uint64_t hard;
};

struct hr_capabilities {
	/* NULL-terminated lists of names as given ("CAP_CHOWN"); validated. */
	char **bounding, **effective, **permitted, **inheritable, **ambient;
	bool present;          /* process.capabilities was in the config */
};

struct hr_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username;        /* informational */
};

struct hr_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height, console_width;
	struct hr_user user;
	char **args;           /* required, non-empty, NULL-terminated */
	char *command_line;    /* Windows only; ignored */
	char **env;            /* NULL-terminated, may be NULL */
	char *cwd;             /* required, absolute */
	struct hr_capabilities capabilities;
	struct hr_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *selinux_label;
	/* scheduler / ioPriority / execCPUAffinity are parsed-and-ignored for now */
};

struct hr_hook {
	char *path;            /* required, absolute */
	char **args;
	char **env;
	bool has_timeout;
	int timeout;           /* seconds, > 0 */
};

struct hr_hooks {
	struct hr_hook *prestart; size_t n_prestart;
	struct hr_hook *create_runtime; size_t n_create_runtime;
	struct hr_hook *create_container; size_t n_create_container;
	struct hr_hook *start_container; size_t n_start_container;
	struct hr_hook *poststart; size_t n_poststart;
	struct hr_hook *poststop; size_t n_poststop;
};

enum hr_ns_type {
	HR_NS_PID, HR_NS_NETWORK, HR_NS_MOUNT, HR_NS_IPC, HR_NS_UTS,
	HR_NS_USER, HR_NS_CGROUP, HR_NS_TIME, HR_NS_COUNT
};

struct hr_namespace {
	enum hr_ns_type type;
	char *path;            /* NULL: create a new one; else join */
};

struct hr_device {
	char *path;            /* required, absolute */
	char type;             /* 'c', 'b', 'u' or 'p' */
	int64_t major, minor;  /* required for c/b/u */
	bool has_file_mode;
	uint32_t file_mode;
	bool has_uid, has_gid;
	uint32_t uid, gid;
};

/* Cgroup device rule (linux.resources.devices). */
struct hr_device_rule {
	bool allow;
	char type;             /* 'a', 'c', 'b'; 'a' when absent */
	int64_t major, minor;  /* -1 = wildcard */
	char access[4];        /* subset of "rwm"; "rwm" when absent */
};

struct hr_weight_device {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct hr_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

struct hr_hugepage_limit {
	char *page_size;       /* "2MB" */
	uint64_t limit;
};

struct hr_memory {
	bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
	int64_t limit, reservation, swap, kernel, kernel_tcp; /* -1 = unlimited */
	uint64_t swappiness;
	bool has_disable_oom_killer, disable_oom_killer;
	bool has_use_hierarchy, use_hierarchy;
	bool has_check_before_update, check_before_update;
};

struct hr_cpu {
	bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
	     has_realtime_period, has_idle;
	uint64_t shares;
	int64_t quota;         /* -1 = max */
	uint64_t burst;
	uint64_t period;
	int64_t realtime_runtime;
	uint64_t realtime_period;
	int64_t idle;
	char *cpus;            /* cpuset list, may be NULL */
	char *mems;
};

struct hr_block_io {
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
	struct hr_weight_device *weight_devices; size_t n_weight_devices;
	struct hr_throttle_device *throttle_read_bps; size_t n_throttle_read_bps;
	struct hr_throttle_device *throttle_write_bps; size_t n_throttle_write_bps;
	struct hr_throttle_device *throttle_read_iops; size_t n_throttle_read_iops;
	struct hr_throttle_device *throttle_write_iops; size_t n_throttle_write_iops;
};

struct hr_resources {
	struct hr_device_rule *devices; size_t n_devices;
	bool has_memory; struct hr_memory memory;
	bool has_cpu; struct hr_cpu cpu;
	bool has_pids; int64_t pids_limit;   /* <= 0 or -1 = max */
	bool has_block_io; struct hr_block_io block_io;
	struct hr_hugepage_limit *hugepage_limits; size_t n_hugepage_limits;
	struct hr_kv *unified; size_t n_unified;
	/* network, rdma: parsed-and-ignored on cgroup v2 */
};

enum hr_seccomp_op {
	HR_SCMP_CMP_NE, HR_SCMP_CMP_LT, HR_SCMP_CMP_LE, HR_SCMP_CMP_EQ,
	HR_SCMP_CMP_GE, HR_SCMP_CMP_GT, HR_SCMP_CMP_MASKED_EQ
};

struct hr_seccomp_arg {
	uint32_t index;
	uint64_t value;
	uint64_t value_two;
	enum hr_seccomp_op op;
};

struct hr_seccomp_rule {
	char **names;          /* NULL-terminated, non-empty */
	char *action;          /* "SCMP_ACT_ERRNO", validated */
	bool has_errno_ret;
	uint32_t errno_ret;
	struct hr_seccomp_arg *args; size_t n_args;
};

struct hr_seccomp {
	char *default_action;  /* validated action name */
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	char **architectures;  /* "SCMP_ARCH_X86_64", ... */
	char **flags;          /* "SECCOMP_FILTER_FLAG_LOG", ... */
	char *listener_path;
	char *listener_metadata;
	struct hr_seccomp_rule *syscalls; size_t n_syscalls;
	bool syscalls_elided;  /* exec's lean read: the rules were not read (the
				  compiled program comes from the BPF cache) */
};

struct hr_sysctl {
	char *key;
	char *value;
};

struct hr_personality {
	char *domain;          /* "LINUX" | "LINUX32" */
	char **flags;
};

struct hr_linux {
	struct hr_namespace *namespaces; size_t n_namespaces;
	struct hr_id_mapping *uid_mappings; size_t n_uid_mappings;
	struct hr_id_mapping *gid_mappings; size_t n_gid_mappings;
	struct hr_device *devices; size_t n_devices;
	char *cgroups_path;
	bool has_resources; struct hr_resources resources;
	struct hr_sysctl *sysctl; size_t n_sysctl;
	struct hr_seccomp *seccomp;   /* NULL: no filter */
	char *rootfs_propagation;     /* NULL or "private"/"shared"/... */
	char **masked_paths;
	char **readonly_paths;
	char *mount_label;
	bool has_personality; struct hr_personality personality;
	/* timeOffsets for the time namespace */
	bool has_time_offsets;
	int64_t monotonic_secs, boottime_secs;
	uint32_t monotonic_nanosecs, boottime_nanosecs;
	/* netDevices: key = host interface, value = name inside (NULL: same). */
	struct hr_kv *net_devices; size_t n_net_devices;
};

struct hr_spec {
	char *oci_version;
	char *root_path;       /* required */
	bool root_readonly;
	struct hr_mount *mounts; size_t n_mounts;
	bool has_process; struct hr_process process;
	char *hostname;
	char *domainname;
	bool has_hooks; struct hr_hooks hooks;
	struct hr_kv *annotations; size_t n_annotations;
	bool has_linux; struct hr_linux linux_;
	char *source_name;     /* file the spec came from, for messages */
	/* Set by the host policy, or by the annotation HR_ROOTFS_IDMAP_ANNOTATION
	 * ("auto", as `hardrun spec` and `hardrun sandbox` write it): the rootfs
	 * is idmapped with linux.uidMappings/gidMappings (optional: where the
	 * filesystem cannot, it runs without; auto: not when the rootfs is
	 * already owned by the mapped range, i.e. was chowned for it). */
	bool root_idmap, root_idmap_optional, root_idmap_auto;
	/* HR_ROOTFS_READONLY_ANNOTATION "recursive" (`sandbox --host`): the
	 * rootfs and every mount already under it read-only, before the
	 * container's own mounts go on top */
	bool root_readonly_recursive;
};

/* hardrun's own annotation: idmap the rootfs with the user namespace's
 * mapping so an unmodified (host-root-owned) rootfs needs no chown. */
#define HR_ROOTFS_IDMAP_ANNOTATION "run.hardrun.rootfs.idmap"
#define HR_ROOTFS_READONLY_ANNOTATION "run.hardrun.rootfs.readonly"


/* Loads and validates config.json. Errors name the file, and line/column for
 * JSON syntax errors or the JSON path for schema errors, e.g.
 * "config.json: process.args: must be a non-empty array of strings". */
int hr_spec_load_file(const char *path, struct hr_spec **out, struct hr_error *err);
/* The config text with the value of linux.seccomp.syscalls replaced by []
 * (json_elide.c), or NULL when it cannot tell that value exactly. */
char *hr_json_elide_seccomp_rules(const char *text);
int hr_spec_load_string(const char *json, const char *source_name, struct hr_spec **out,
			struct hr_error *err);
void hr_spec_free(struct hr_spec *spec);

/* A process.json for `exec --process` (the "process" object alone). */
int hr_process_load_file(const char *path, struct hr_process *out, struct hr_error *err);
/* The same from text; source_name (NULL: "process.json") prefixes errors. */
int hr_process_load_string(const char *json, const char *source_name, struct hr_process *out,
			   struct hr_error *err);
void hr_process_clear(struct hr_process *p);
/* A deep copy of src into dst (freed with hr_process_clear): exec changes
 * its copy of the container's process without parsing the config again. */
void hr_process_copy(struct hr_process *dst, const struct hr_process *src);

/* A LinuxResources JSON for `update --resources` (file or "-" for stdin). */
int hr_resources_load_string(const char *json, const char *source_name, struct hr_resources *out,
			     struct hr_error *err);
void hr_resources_clear(struct hr_resources *r);

/* Namespace helpers. */
const char *hr_ns_type_name(enum hr_ns_type t);     /* "pid", "network", ... */
const char *hr_ns_proc_name(enum hr_ns_type t);     /* "pid", "net", ... (/proc/PID/ns/) */
int hr_ns_clone_flag(enum hr_ns_type t);            /* CLONE_NEWPID ... */
const struct hr_namespace *hr_spec_find_ns(const struct hr_spec *spec, enum hr_ns_type t);
/* The config makes namespace t new (listed without a path to join). */
bool hr_spec_has_new_ns(const struct hr_spec *spec, enum hr_ns_type t);

/* Looks up an env var ("PATH") in a NULL-terminated env list; NULL if absent. */
const char *hr_env_get(char *const *env, const char *name);

/* JSON text of a default config (as `hardrun spec` writes). rootless adds a
 * user namespace with a self-mapping and drops the network namespace. */
char *hr_spec_example_json(bool rootless);

/* `hardrun spec`: the hardened default config. What the host offers is the
 * caller's to probe (the spec layer does not look at the host). */
struct hr_hardened_opts {
	bool rootless;             /* the caller's ids, no cgroup limits, no device rules */
	bool apparmor;             /* AppArmor is enabled: the hardrun-default profile */
	bool memory, cpu, pids;    /* the cgroup controller exists: its limit is set */
};
#define HR_HARDENED_USERNS_START 100000u
#define HR_HARDENED_USERNS_SIZE 65536u
#define HR_HARDENED_MEMORY (512ll * 1024 * 1024)
#define HR_HARDENED_PIDS 512
#define HR_HARDENED_CPU_QUOTA 100000       /* of a 100000 us period: one CPU */
#define HR_HARDENED_APPARMOR "hardrun-default"
char *hr_spec_hardened_json(const struct hr_hardened_opts *o);
/* A seccomp profile file's text (just the linux.seccomp object), checked like
 * the "seccomp" member of a config; errors are prefixed with source_name. */
int hr_spec_parse_seccomp_text(const char *json, const char *source_name, struct hr_seccomp **out,
			       struct hr_error *err);
void hr_seccomp_free(struct hr_seccomp *s);
/* profiles/seccomp/default.json as built into the binary (NUL-terminated);
 * seccomp.h's hr_seccomp_default_profile_json is the same text. */
const char *hr_spec_default_seccomp_json(void);

#endif
