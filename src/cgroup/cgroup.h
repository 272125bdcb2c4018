/* cgroup v2 through cgroupfs file descriptors (never libcgroup). */
#ifndef HARDRUN_CGROUP_H
#define HARDRUN_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hardrun/error.h"
#include "spec/spec.h"

struct hr_cgroup {
	char *path;            /* relative to the cgroup2 root, e.g. "hardrun/ID" */
	int dirfd;             /* O_RDONLY|O_DIRECTORY fd of the cgroup dir, verified cgroup2;
				  usable as clone3's CLONE_INTO_CGROUP fd */
	int rootfd;            /* the cgroup2 mount root */
	char *mountpoint;      /* where rootfd was found, for messages */
	/* it had processes before the container joined (runc 1.1 runs there
	 * too): not ours, so it is never killed as a whole, frozen or removed */
	bool shared;
};

enum hr_cgroup_flags {
	/* Allow running without a controller a limit needs (degraded). */
	HR_CGROUP_ALLOW_MISSING_CONTROLLERS = 1 << 0,
	/* Leave the device program alone (`update` changes limits only). */
	HR_CGROUP_SKIP_DEVICES = 1 << 1,
	/* An existing cgroup with processes is joined (shared) with a warning,
	 * not refused: the caller has recorded that it is not ours. */
	HR_CGROUP_ALLOW_SHARED = 1 << 2,
};

/* Path choice: an absolute cgroupsPath is below the cgroup2 root; a relative
 * one below the cgroup hardrun runs in ("0::" line of /proc/self/cgroup), as
 * runc does; none means "hardrun/<id>" below our own cgroup (runc would use
 * "<id>"; the extra level groups our containers and is removed when empty). */

/* Resolves the path (absolute: below the cgroup2 root; relative: below our
 * own cgroup; NULL: a per-container default), creates it and its ancestors,
 * enables the needed controllers, and applies resources. */
int hr_cgroup_create(const char *cgroups_path, const char *id, const struct hr_resources *res,
		     unsigned flags, struct hr_cgroup **out, struct hr_error *err);
/* The resolved path relative to the cgroup2 root, without leading "/"
 * (own_cgroup: our "0::" path, e.g. "/" or "/user.slice"). Rejects "." and
 * ".." components. Exposed for tests. */
int hr_cgroup_resolve_path(const char *cgroups_path, const char *id, const char *own_cgroup, char **out,
			   struct hr_error *err);
/* hr_cgroup_resolve_path with our own cgroup: the path hr_cgroup_create
 * will use, so it can be recorded before anything is created. */
int hr_cgroup_plan_path(const char *cgroups_path, const char *id, char **out, struct hr_error *err);
/* A path read back from state, before anything is killed or removed through
 * it: normalized into *out; refused when it has "." or ".." components or a
 * control character, names the root, or contains hardrun's own cgroup. */
int hr_cgroup_check_path(const char *path, char **out, struct hr_error *err);
/* Opens an existing cgroup by the path stored in state. */
int hr_cgroup_open(const char *path, struct hr_cgroup **out, struct hr_error *err);
void hr_cgroup_free(struct hr_cgroup *cg);

int hr_cgroup_apply_resources(struct hr_cgroup *cg, const struct hr_resources *res, unsigned flags,
			      struct hr_error *err);
/* Returns to the counter the memory charge stock the calling CPU holds
 * for the cgroup, by writing memory.high one page below memory.current
 * and back (charge_stock.c says why and what it costs). */
int hr_cgroup_drain_charge_stock(struct hr_cgroup *cg, struct hr_error *err);
/* A file of the container's cgroup ("memory.max") as text, for inspect. */
int hr_cgroup_read_file(struct hr_cgroup *cg, const char *name, char **out, struct hr_error *err);
/* A new O_DIRECTORY|O_RDONLY|O_CLOEXEC fd of the cgroup for clone3's
 * CLONE_INTO_CGROUP (caller closes). */
int hr_cgroup_clone_fd(struct hr_cgroup *cg, struct hr_error *err);
/* Fallback when CLONE_INTO_CGROUP is unavailable. */
int hr_cgroup_enter(struct hr_cgroup *cg, pid_t pid, struct hr_error *err);
int hr_cgroup_freeze(struct hr_cgroup *cg, bool frozen, struct hr_error *err);
int hr_cgroup_is_frozen(struct hr_cgroup *cg, bool *frozen, struct hr_error *err);
int hr_cgroup_kill_all(struct hr_cgroup *cg, int sig, struct hr_error *err);
int hr_cgroup_pids(struct hr_cgroup *cg, pid_t **pids, size_t *n, struct hr_error *err);
/* Kills what is left, waits for it and removes the directory. */
int hr_cgroup_destroy(struct hr_cgroup *cg, struct hr_error *err);
/* runc-compatible "stats" JSON object (caller frees). memory.raw also has
 * "oom" and "oom_kill" from memory.events. */
int hr_cgroup_stats_json(struct hr_cgroup *cg, char **json, struct hr_error *err);
/* cgroup.events "populated". */
int hr_cgroup_is_populated(struct hr_cgroup *cg, bool *populated, struct hr_error *err);

/* Conversions from v1-style OCI values (exposed for tests). */
/* cpu.shares 2..262144 -> cpu.weight 1..10000, linear, as runc and crun <= 1.22:
 * 1 + (shares - 2) * 9999 / 262142 (shares clamped to the range first). */
unsigned long long hr_cgroup_shares_to_weight(unsigned long long shares);
/* blkio.weight 10..1000 -> io.weight 1..10000: 1 + (w - 10) * 9999 / 990. */
unsigned long long hr_cgroup_blkio_to_io_weight(unsigned long long weight);
/* OCI swap is memory+swap; memory.swap.max = swap - limit. Sets *swap_max
 * (-1 = "max") and returns 1, 0 when nothing is to be written, -1 on error. */
int hr_cgroup_swap_max(bool has_limit, int64_t limit, int64_t swap, int64_t *swap_max, struct hr_error *err);

/* Device access decision of a rule list, with the OCI default devices
 * appended (what the BPF program enforces). access: subset of "rwm". */
bool hr_cgroup_device_allowed(const struct hr_device_rule *rules, size_t n, char type, int64_t major,
			      int64_t minor, const char *access);
/* Raw BPF_PROG_TYPE_CGROUP_DEVICE program for the rules (+defaults); the
 * instructions are struct bpf_insn (8 bytes each). Caller frees *insns. */
int hr_cgroup_device_program(const struct hr_device_rule *rules, size_t n, void **insns, size_t *n_insns,
			     struct hr_error *err);
/* The OCI default devices appended to every rule list (systemd's DeviceAllow
 * lists them too). */
const struct hr_device_rule *hr_cgroup_default_device_rules(size_t *n);
/* Loads the program and attaches it to the cgroup, replacing the device
 * programs attached there before. */
int hr_cgroup_apply_devices(struct hr_cgroup *cg, const struct hr_device_rule *rules, size_t n,
			    struct hr_error *err);

#endif
