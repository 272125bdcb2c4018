/* The host policy floor (issue 13): a file the host owner writes
 * (/etc/hardrun/policy.json) saying "no container on this machine runs with
 * less than this". Parsed like config.json (unknown keys are errors), then
 * applied to every spec, exec process and resources update: each rule
 * raises the config to the floor (inject), refuses it, or warns. The
 * evaluation is pure over struct hr_spec plus a host description, so every
 * rule is unit-tested without root; the decisions it returns are what the
 * audit lines, the state record and `policy check` show. */
#ifndef HARDRUN_POLICY_FLOOR_H
#define HARDRUN_POLICY_FLOOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hardrun/error.h"
#include "policy/policy.h"
#include "seccomp/eval.h"
#include "spec/spec.h"

#define HR_POLICY_DEFAULT_PATH "/etc/hardrun/policy.json"

/* The user namespace id pool `policy init` writes (0x70000000 up, 4095
 * ranges of 65536 ids), and the one `sandbox` takes its range from when the
 * host policy names no pool. */
#define HR_USERNS_POOL_START 1879048192u
#define HR_USERNS_POOL_SIZE 268369920u
#define HR_USERNS_RANGE 65536u

/* What a rule does when a config falls below it. OFF = rule absent. */
enum hr_policy_mode { HR_POLICY_OFF, HR_POLICY_WARN, HR_POLICY_INJECT, HR_POLICY_REFUSE };

/* A rule with a ceiling or a required list. */
struct hr_policy_list_rule {
	enum hr_policy_mode mode;
	char **items;          /* NULL-terminated */
};

struct hr_policy_limit {
	bool has_default, has_max;
	int64_t def, max;
};

struct hr_policy_bind_rule {
	enum hr_policy_mode mode;
	char **deny_sources;   /* a path denies itself and what is below it ("/" only itself) */
	char **require_options;
};

/* A syscall the effective filter must deny, with conditions on its
 * arguments (all must hold), e.g. clone with CLONE_NEWUSER set. */
struct hr_policy_deny {
	char *syscall;
	struct hr_seccomp_cond conds[6];
	size_t n_conds;
};

struct hr_policy_seccomp_rule {
	enum hr_policy_mode mode;
	char *profile;         /* "default" (built in) or a profile file */
	struct hr_policy_deny *must_deny;
	size_t n_must_deny;
};

struct hr_policy_apparmor_rule {
	enum hr_policy_mode mode;
	char *profile;         /* injected profile name */
};

struct hr_policy_resources_rule {
	enum hr_policy_mode mode;
	struct hr_policy_limit memory;  /* bytes */
	struct hr_policy_limit pids;
	struct hr_policy_limit cpu;     /* millicores (1000 = one CPU) */
};

struct hr_policy_userns_rule {
	enum hr_policy_mode mode;
	uint32_t pool_start, pool_size;  /* host ids handed out: [start, start+size) */
	uint32_t range;                  /* ids per container */
	bool idmap_fallback;             /* run without idmapped mounts where impossible */
};

struct hr_policy {
	char *source_name;     /* file it came from, for messages */
	char *text;            /* as read: kept in the container's policy record */
	char **degrade;        /* what may degrade on this host: "apparmor", "cgroup.pids", ... */
	enum hr_policy_mode no_new_privileges;
	enum hr_policy_mode readonly_rootfs;
	struct hr_policy_list_rule capabilities;     /* items = the ceiling */
	struct hr_policy_list_rule host_namespaces;  /* items = namespace types */
	struct hr_policy_seccomp_rule seccomp;
	struct hr_policy_apparmor_rule apparmor;
	struct hr_policy_bind_rule bind_mounts;
	struct hr_policy_list_rule devices;          /* items = allowed device paths */
	struct hr_policy_list_rule sysctls;          /* items = allowed keys, "prefix.*" */
	struct hr_policy_list_rule hooks;            /* items = allowed executables */
	struct hr_policy_list_rule masked_paths;     /* items = required minimum */
	struct hr_policy_list_rule readonly_paths;
	struct hr_policy_resources_rule resources;
	struct hr_policy_userns_rule user_namespace;
};

int hr_policy_load_file(const char *path, struct hr_policy **out, struct hr_error *err);
int hr_policy_load_string(const char *json, const char *source_name, struct hr_policy **out,
			  struct hr_error *err);
void hr_policy_free(struct hr_policy *p);
const char *hr_policy_mode_name(enum hr_policy_mode m);
bool hr_policy_may_degrade(const struct hr_policy *p, const char *what);

/* The host policy: path, or the default file when path is NULL; without
 * the default file: 0 and *out NULL (no policy, today's behaviour). */
int hr_policy_load_host(const char *path, struct hr_policy **out, struct hr_error *err);
/* Whether hr_policy_load_host would load a policy: path given, or the
 * default file there (or not known to be absent). */
bool hr_policy_host_present(const char *path);

/* What the host offers, probed once by the checkpoint (tests fill it in). */
struct hr_policy_ns_id {
	bool known;
	dev_t dev;
	ino_t ino;
};

struct hr_policy_host {
	bool apparmor_enabled;
	/* the cgroup v2 controllers limits need are available */
	bool cgroup_memory, cgroup_cpu, cgroup_pids;
	struct hr_policy_ns_id ns[HR_NS_COUNT]; /* the runtime's own (host) namespaces */
	bool resolve_symlinks;                  /* bind sources also checked after realpath(3) */
	/* Identity of a namespace file named in a config; NULL: stat(2). */
	int (*ns_identity)(const char *path, struct hr_policy_ns_id *out);
	/* userNamespace: the container's host id range (create allocates it
	 * from the pool, exec/inspect look it up); NULL: cannot inject. */
	int (*id_range)(const struct hr_policy_host *host, const struct hr_policy *p,
			uint32_t *start, struct hr_error *err);
	bool dry_run;                           /* `policy check`: no id range is taken */
	char *seccomp_cache;                    /* BPF cache for mustDeny's compile, or NULL; owned */
	bool rederive;                          /* the record's config again: skip pure checks */
	bool rootfs_idmap;                      /* launch can idmap the rootfs itself */
	const char *state_root;                 /* for id_range */
	const char *container_id;
};

/* id_range for create (a new range from the pool; "already exists" if the
 * id holds one) and for a created container (its recorded range). */
int hr_policy_ids_allocate(const struct hr_policy_host *host, const struct hr_policy *p,
			   uint32_t *start, struct hr_error *err);
int hr_policy_ids_lookup(const struct hr_policy_host *host, const struct hr_policy *p,
			 uint32_t *start, struct hr_error *err);

/* Fills host from /proc/self/ns, AppArmor and the cgroup v2 controllers. */
void hr_policy_host_probe(struct hr_policy_host *host);

/* The "restricted" starting policy `hardrun policy init` writes; its
 * "degrade" list names what this host lacks. Caller frees. */
char *hr_policy_restricted_json(const struct hr_policy_host *host);

/* Decisions go into the checkpoint's struct hr_policy_result (policy.h);
 * rule = the policy key ("capabilities"), detail = what and where. */
const char *hr_policy_action_name(enum hr_decision_kind a);
void hr_policy_decide(struct hr_policy_result *d, const char *rule, enum hr_decision_kind a,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
size_t hr_policy_refusals(const struct hr_policy_result *d);
/* One audit JSON object (no newline): {"policy":FILE,"rule","action","detail"}. */
char *hr_policy_decision_json(const struct hr_policy *p, const struct hr_decision *dec);
/* The first refusal as an error naming the policy file and rule. Returns -1
 * if there is one (err set), else 0. */
int hr_policy_refusal_error(const struct hr_policy *p, const struct hr_policy_result *d,
			    struct hr_error *err);

/* Audit: one JSON line per decision, in the log and on stderr. */
void hr_policy_audit(const struct hr_policy *p, const struct hr_policy_result *d);
/* The decisions as a JSON array of audit objects (caller frees). */
char *hr_policy_decisions_json(const struct hr_policy *p, const struct hr_policy_result *d);
struct hr_container;
/* Keeps the policy and its decisions in the container's state. */
int hr_policy_save_record(struct hr_container *c, const struct hr_policy *p,
			  const struct hr_policy_result *d, struct hr_error *err);
/* The container's effective config: the saved config.json raised again by
 * the policy it was created under (exec and inspect see what create ran). */
int hr_policy_container_spec(struct hr_container *c, const struct hr_spec **out,
			     struct hr_error *err);
/* exec: the container's process raised as create raised it (the same caps
 * dropped, no_new_privs set) before the current host policy judges it. */
int hr_policy_container_process(struct hr_container *c, struct hr_process *proc,
				struct hr_error *err);
/* update: the ceilings of the policy the container was created under. */
int hr_policy_container_update(struct hr_container *c, const struct hr_resources *res,
			       struct hr_error *err);

/* Applies the policy to a spec (create/run), raising it in place where a
 * rule injects. Decisions are appended to d; a refusal does not stop the
 * evaluation (so `policy check` lists every one). Returns -1 only for a
 * failure to evaluate (err set), not for a refusal. */
int hr_policy_apply_spec(const struct hr_policy *p, const struct hr_policy_host *host,
			 struct hr_spec *spec, struct hr_policy_result *d, struct hr_error *err);
/* exec: the process (its capabilities, no_new_privs, AppArmor label). */
int hr_policy_apply_process(const struct hr_policy *p, const struct hr_policy_host *host,
			    struct hr_process *proc, const char *path,
			    struct hr_policy_result *d, struct hr_error *err);
/* update: resource ceilings (defaults are not injected on update). */
void hr_policy_apply_update(const struct hr_policy *p, const struct hr_resources *r,
			    struct hr_policy_result *d);

#endif
