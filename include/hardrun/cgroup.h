/* cgroup v2 through cgroupfs file descriptors (never libcgroup). */
#ifndef HARDRUN_CGROUP_H
#define HARDRUN_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hardrun/error.h"
#include "hardrun/spec.h"

struct hr_cgroup {
	char *path;            /* relative to the cgroup2 root, e.g. "hardrun/ID" */
	int dirfd;             /* O_PATH|O_DIRECTORY fd of the cgroup dir, verified cgroup2 */
	int rootfd;            /* the cgroup2 mount root */
};

enum hr_cgroup_flags {
	/* Allow running without a controller a limit needs (degraded). */
	HR_CGROUP_ALLOW_MISSING_CONTROLLERS = 1 << 0,
};

/* Resolves the path (absolute: below the cgroup2 root; relative: below our
 * own cgroup; NULL: a per-container default), creates it and its ancestors,
 * enables the needed controllers, and applies resources. */
int hr_cgroup_create(const char *cgroups_path, const char *id, const struct hr_resources *res,
		     unsigned flags, struct hr_cgroup **out, struct hr_error *err);
/* Opens an existing cgroup by the path stored in state. */
int hr_cgroup_open(const char *path, struct hr_cgroup **out, struct hr_error *err);
void hr_cgroup_free(struct hr_cgroup *cg);

int hr_cgroup_apply_resources(struct hr_cgroup *cg, const struct hr_resources *res, unsigned flags,
			      struct hr_error *err);
/* Fallback when CLONE_INTO_CGROUP is unavailable. */
int hr_cgroup_enter(struct hr_cgroup *cg, pid_t pid, struct hr_error *err);
int hr_cgroup_freeze(struct hr_cgroup *cg, bool frozen, struct hr_error *err);
int hr_cgroup_is_frozen(struct hr_cgroup *cg, bool *frozen, struct hr_error *err);
int hr_cgroup_kill_all(struct hr_cgroup *cg, int sig, struct hr_error *err);
int hr_cgroup_pids(struct hr_cgroup *cg, pid_t **pids, size_t *n, struct hr_error *err);
/* Kills what is left, waits for it and removes the directory. */
int hr_cgroup_destroy(struct hr_cgroup *cg, struct hr_error *err);
/* runc-compatible "stats" JSON object (caller frees). */
int hr_cgroup_stats_json(struct hr_cgroup *cg, char **json, struct hr_error *err);

#endif
