/* Shared by the src/cgroup files only. Within the folder imports point down
 * too: cgroupfs.c and controllers.c are leaves; path.c, tree.c, devices.c
 * and stats.c use only them; freezer.c and resources.c add tree.c/devices.c;
 * cgroup.c (create/open/destroy) is on top. */
#ifndef HARDRUN_CGROUP_INTERNAL_H
#define HARDRUN_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroup/cgroup.h"
#include "hardrun/error.h"

/* Internal flag: hr_cgroup_create already warned about missing controllers. */
#define HR_CG_QUIET_MISSING (1u << 30)

/* ---- controllers.c: the controller table ---- */

enum hr_cg_controller {
	HR_CG_CPU, HR_CG_CPUSET, HR_CG_MEMORY, HR_CG_PIDS, HR_CG_IO, HR_CG_HUGETLB,
	HR_CG_RDMA, HR_CG_MISC, HR_CG_N
};

const char *hr_cg_controller_name(enum hr_cg_controller c);
/* Controller index for "memory" etc.; -1 if unknown. */
int hr_cg_controller_from_name(const char *name, size_t len);
/* Bit set (1 << enum) of the controllers the resources need. */
unsigned hr_cg_needed_controllers(const struct hr_resources *res);
/* Controller c, needed by a limit, is not in avail (cgroup.controllers of
 * the cgroup shown as display): an error naming the limit, or with
 * HR_CGROUP_ALLOW_MISSING_CONTROLLERS a warning (none when flags has
 * HR_CG_QUIET_MISSING) and 0, the limit not enforced. */
int hr_cg_controller_missing(enum hr_cg_controller c, const char *display, const char *avail, unsigned flags,
			     struct hr_error *err);

/* ---- cgroupfs.c: file I/O and the handle ---- */

/* File I/O relative to a cgroup dir fd; never follows symlinks. */
int hr_cg_read(int dirfd, const char *name, char **out, struct hr_error *err);
int hr_cg_write(int dirfd, const char *name, const char *value, struct hr_error *err);
/* A single-value file as a number; "max" reads UINT64_MAX (runc's
 * "unlimited"). */
int hr_cg_read_u64(int dirfd, const char *name, unsigned long long *out, struct hr_error *err);
bool hr_cg_file_exists(int dirfd, const char *name);
/* "key value" lines (cgroup.events, memory.stat, cpu.stat): value of key. */
bool hr_cg_keyed_value(const char *text, const char *key, unsigned long long *out);
/* Whether the space-separated list (cgroup.controllers) has word. */
bool hr_cg_list_has(const char *list, const char *word);
/* Opens name below dirfd as a directory (O_RDONLY, no symlinks), verified to
 * be on cgroup2. */
int hr_cg_open_dir(int dirfd, const char *name, struct hr_error *err);
/* Opens path (relative to rootfd, "" = root) one component at a time, so no
 * component can be a symlink. */
int hr_cg_open_path(int rootfd, const char *path, struct hr_error *err);
/* Display form "<mountpoint>/<path>" (caller frees). */
char *hr_cg_display(const struct hr_cgroup *cg, const char *path);
/* An empty handle (fds -1). */
struct hr_cgroup *hr_cg_new(void);
/* Sets cg->rootfd and cg->mountpoint to the cgroup2 mount. */
int hr_cg_open_root(struct hr_cgroup *cg, struct hr_error *err);
/* A 0/1 key of cgroup.events ("populated", "frozen") as *out. */
int hr_cg_event_flag(struct hr_cgroup *cg, const char *key, bool *out, struct hr_error *err);
/* Waits (bounded, timeout_ms) until cgroup.events has key == want. */
int hr_cg_wait_event(struct hr_cgroup *cg, const char *key, unsigned long long want, int timeout_ms,
		     struct hr_error *err);

/* ---- path.c ---- */

/* Our own cgroup v2 path (the "0::" line of /proc/self/cgroup). */
int hr_cg_own_path(char **out, struct hr_error *err);
/* Appends the components of p to *buf (joined by "/"), rejecting . and .. */
int hr_cg_append_components(char **buf, const char *p, const char *what, struct hr_error *err);

/* ---- tree.c: the subtree below a cgroup ---- */

/* rmdir, retried briefly while the kernel still says EBUSY. */
int hr_cg_rmdir_retry(int parentfd, const char *name, struct hr_error *err);
/* Removes the child cgroups below dirfd, deepest first. */
int hr_cg_remove_children(int dirfd, struct hr_error *err);

#endif
