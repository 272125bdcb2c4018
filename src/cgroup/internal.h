/* Shared by the cgroup_*.c files only. */
#ifndef HARDRUN_CGROUP_INTERNAL_H
#define HARDRUN_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroup/cgroup.h"
#include "hardrun/error.h"

/* Internal flag: hr_cgroup_create already warned about missing controllers. */
#define HR_CG_QUIET_MISSING (1u << 30)

enum hr_cg_controller {
	HR_CG_CPU, HR_CG_CPUSET, HR_CG_MEMORY, HR_CG_PIDS, HR_CG_IO, HR_CG_HUGETLB,
	HR_CG_RDMA, HR_CG_MISC, HR_CG_N
};

const char *hr_cg_controller_name(enum hr_cg_controller c);
/* Controller index for "memory" etc.; -1 if unknown. */
int hr_cg_controller_from_name(const char *name, size_t len);
/* Bit set (1 << enum) of the controllers the resources need. */
unsigned hr_cg_needed_controllers(const struct hr_resources *res);

/* File I/O relative to a cgroup dir fd; never follows symlinks. */
int hr_cg_read(int dirfd, const char *name, char **out, struct hr_error *err);
int hr_cg_write(int dirfd, const char *name, const char *value, struct hr_error *err);
bool hr_cg_file_exists(int dirfd, const char *name);
/* "key value" lines (cgroup.events, memory.stat, cpu.stat): value of key. */
bool hr_cg_keyed_value(const char *text, const char *key, unsigned long long *out);
/* Whether the space-separated list (cgroup.controllers) has word. */
bool hr_cg_list_has(const char *list, const char *word);

/* Our own cgroup v2 path (the "0::" line of /proc/self/cgroup). */
int hr_cg_own_path(char **out, struct hr_error *err);
/* Appends the components of p to *buf (joined by "/"), rejecting . and .. */
int hr_cg_append_components(char **buf, const char *p, const char *what, struct hr_error *err);

/* Opens name below dirfd as a directory (O_RDONLY, no symlinks), verified to
 * be on cgroup2. */
int hr_cg_open_dir(int dirfd, const char *name, struct hr_error *err);
/* Display form "<mountpoint>/<path>" (caller frees). */
char *hr_cg_display(const struct hr_cgroup *cg, const char *path);

/* Waits (bounded, timeout_ms) until cgroup.events has key == want. */
int hr_cg_wait_event(struct hr_cgroup *cg, const char *key, unsigned long long want, int timeout_ms,
		     struct hr_error *err);

#endif
