/* The systemd cgroup driver (--systemd-cgroup): the container's cgroup is a
 * transient scope unit that systemd creates over D-Bus (libsystemd's sd-bus),
 * with Delegate=yes and the OCI resources as unit properties. What systemd
 * cannot express is still written to the scope's cgroupfs files, as runc
 * does, and the device program is always hardrun's own.
 *
 * Never a silent fallback: when systemd or its bus cannot be reached, the
 * error says so by name. */
#ifndef HARDRUN_CGROUP_SYSTEMD_H
#define HARDRUN_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "hardrun/error.h"
#include "spec/spec.h"

/* Where a container's scope goes, from cgroupsPath "slice:prefix:name" as
 * runc reads it: empty slice -> "system.slice" ("user.slice" for the user
 * manager), "-.slice" is the root slice; empty prefix -> "name.scope";
 * an empty cgroupsPath is ":hardrun:<id>". */
struct hr_systemd_unit {
	char *slice;   /* "system.slice", "kubepods-burstable-pod1.slice" */
	char *unit;    /* "hardrun-ID.scope", "cri-containerd-ID.scope" */
	bool user;     /* the user's manager (systemdUser), not the system's */
};

int hr_systemd_parse_path(const char *cgroups_path, const char *id, bool user, struct hr_systemd_unit *out,
			  struct hr_error *err);
void hr_systemd_unit_clear(struct hr_systemd_unit *u);
/* "a-b-c.slice" -> "a.slice/a-b.slice/a-b-c.slice", "-.slice" -> "" (the
 * root), as systemd nests slices; names that systemd refuses are errors. */
int hr_systemd_expand_slice(const char *slice, char **out, struct hr_error *err);
/* The cgroup path (relative to the cgroup2 root, no leading "/") the unit
 * will have: manager_cgroup (the manager's own ControlGroup, "/" for the
 * system manager) + expanded slice + unit. */
int hr_systemd_unit_cgroup(const struct hr_systemd_unit *u, const char *manager_cgroup, char **out,
			   struct hr_error *err);

/* ---- unit properties from OCI resources (pure; exposed for tests) ---------- */

enum hr_sd_type {
	HR_SD_U64,      /* t */
	HR_SD_BOOL,     /* b */
	HR_SD_STR,      /* s */
	HR_SD_BYTES,    /* ay */
	HR_SD_PATH_U64, /* a(st): IO device limits and weights */
	HR_SD_PATH_STR, /* a(ss): DeviceAllow */
	HR_SD_PIDS,     /* au */
};

struct hr_sd_pair {
	char *path;
	uint64_t value;   /* PATH_U64 */
	char *access;     /* PATH_STR */
};

struct hr_sd_prop {
	const char *name;
	enum hr_sd_type type;
	uint64_t u64;                       /* U64, BOOL */
	char *str;                          /* STR */
	uint8_t *bytes; size_t n_bytes;     /* BYTES */
	struct hr_sd_pair *pairs; size_t n_pairs; /* PATH_* */
	uint32_t *pids; size_t n_pids;      /* PIDS */
};

struct hr_sd_props {
	struct hr_sd_prop *v;
	size_t n;
};

#define HR_SD_INFINITY UINT64_MAX

enum hr_sd_props_flags {
	/* update: limits only, never the device policy */
	HR_SD_SKIP_DEVICES = 1 << 0,
};

/* MemoryMax, MemoryLow, MemorySwapMax, CPUWeight, CPUQuotaPerSecUSec,
 * CPUQuotaPeriodUSec, AllowedCPUs, AllowedMemoryNodes, TasksMax, IOWeight,
 * IODeviceWeight, IO{Read,Write}{Bandwidth,IOPS}Max, DevicePolicy and
 * DeviceAllow. proc_devices: the text of /proc/devices (names for rules with
 * a wildcard minor); NULL reads nothing and such rules leave the policy to
 * hardrun's own device program. */
int hr_systemd_resource_props(const struct hr_resources *res, const char *proc_devices, unsigned flags,
			      struct hr_sd_props *out, struct hr_error *err);
/* runc's CPUQuotaPerSecUSec: quota per second, rounded up to 10 ms (1%);
 * HR_SD_INFINITY for no quota. */
uint64_t hr_systemd_quota_per_sec(int64_t quota, uint64_t period);
/* cpuset list "0-3,8" -> systemd's bitmask bytes (byte i bit j = CPU 8i+j). */
int hr_systemd_cpuset_bytes(const char *list, uint8_t **bytes, size_t *n, struct hr_error *err);
const struct hr_sd_prop *hr_sd_props_find(const struct hr_sd_props *p, const char *name);
void hr_sd_props_clear(struct hr_sd_props *p);

/* ---- the driver ---------------------------------------------------------- */

/* The user's manager rather than the system's: not root, or root only in a
 * user namespace (rootless podman runs the runtime so). */
bool hr_systemd_want_user(void);
/* Whether this host's manager can be reached (features; no error). */
bool hr_systemd_available(bool user);

/* Creates the scope for the container: a placeholder process is started in
 * it (systemd wants a pid for a scope), the resources go in as properties
 * and then into the files, and the scope's cgroup is opened for clone3's
 * CLONE_INTO_CGROUP. The placeholder stays until the caller releases it. The path of
 * the scope's cgroup must equal planned (recorded before). */
int hr_systemd_create(const struct hr_systemd_unit *u, const char *planned, const struct hr_resources *res,
		      struct hr_cgroup **out, pid_t *placeholder, struct hr_error *err);
/* Kills and reaps the placeholder (once the container process is in the
 * scope, or on failure); pid <= 0 is no placeholder. */
void hr_systemd_release_placeholder(pid_t pid);
/* The cgroup path the unit will have (asks the manager for its own). */
int hr_systemd_plan_path(const struct hr_systemd_unit *u, char **out, struct hr_error *err);
/* update: SetUnitProperties (runtime) with the limits, then the files. */
int hr_systemd_update(const char *unit, bool user, struct hr_cgroup *cg, const struct hr_resources *res,
		      struct hr_error *err);
/* delete: StopUnit, wait for the job, ResetFailedUnit, and wait until the
 * unit is gone. A unit systemd no longer knows is not an error. */
int hr_systemd_stop(const char *unit, bool user, struct hr_error *err);
/* Reads a unit property of type t (tests, diagnostics). */
int hr_systemd_unit_u64(const char *unit, bool user, const char *iface, const char *prop, uint64_t *out,
			struct hr_error *err);

#endif
