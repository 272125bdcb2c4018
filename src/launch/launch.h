/* The runtime side of create and exec: the context that owns everything
 * made for a container (state dir, cgroup, fds), so a failure can undo it.
 * What the container process itself receives is container/handoff.h. */
#ifndef HARDRUN_LAUNCH_H
#define HARDRUN_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "container/handoff.h"
#include "plan/plan.h"
#include "policy/policy.h"

/* Everything create made, so a failure can undo it in reverse. */
struct hr_cgroup;
struct hr_container;
struct hr_create_opts;

struct hr_launch_ctx {
	const struct hr_create_opts *o;  /* create only: its options */
	const char *id;
	const char *pid_file;
	struct hr_host host;
	struct hr_policy_result decisions;
	struct hr_plan plan;
	struct hr_spec *spec;            /* create: owned; exec: the container's */
	char *config_text;
	char *bundle;
	char *rootfs;
	struct hr_container *c;
	struct hr_cgroup *cg;
	struct hr_launch l;
	pid_t pid;
	pid_t placeholder;               /* --systemd-cgroup: holds the scope until pid is in */
	int pidfd;
	int sync_fd;
	int console_master;
	bool seccomp_preloaded;          /* exec's lean path: l.seccomp came from the
					    BPF cache by the key create recorded */
};

/* Clones the container process (or exec process) and drives it to READY:
 * it then waits on exec.fifo (create) or is about to exec (exec). */
int hr_launch_spawn(struct hr_launch_ctx *x, struct hr_error *err);
/* A container process the OOM killer took before its workload ran dies
 * without a word: when the cgroup's memory.events counts an OOM kill, err
 * gets the limit and the kill in front of "exited during setup". */
void hr_launch_explain_oom(struct hr_cgroup *cg, struct hr_error *err);
/* Frees everything; spec, c and cg are owned by the ctx. */
void hr_launch_ctx_free(struct hr_launch_ctx *x);
/* Compiles the plan's seccomp profile, through the BPF cache. */
int hr_launch_compile_seccomp(struct hr_launch_ctx *x, struct hr_error *err);
/* The BPF cache directory (private and ours), or NULL: do not cache. */
char *hr_launch_seccomp_cache_dir(void);
/* "100m", "1.5G", "512kb", "-1" -> bytes (binary units, as runc). */
bool hr_launch_parse_size(const char *s, int64_t *out);
/* The config `hardrun sandbox` runs (sandbox_config.c; caller frees);
 * userns_size > 0: container ids 0..size-1 map onto host ids from
 * userns_start (the sandbox's range from the pool), else the generator's. */
struct hr_sandbox_opts;
int hr_launch_sandbox_config(const struct hr_sandbox_opts *o, uint32_t userns_start, uint32_t userns_size,
			     char **json, struct hr_error *err);
/* What the hardened config may use on this host (spec_example.c). */
struct hr_hardened_opts;
void hr_launch_hardened_opts(bool rootless, struct hr_hardened_opts *o);
int hr_write_pid_file(const char *path, pid_t pid, struct hr_error *err);
/* --systemd-cgroup (systemd_cgroup.c): the scope as the container's cgroup,
 * its placeholder released once the container process is in, and undone. */
int hr_launch_systemd_cgroup(struct hr_launch_ctx *x, struct hr_error *err);
int hr_launch_systemd_release(struct hr_launch_ctx *x, struct hr_error *err);
void hr_launch_systemd_rollback(struct hr_launch_ctx *x);

#endif
