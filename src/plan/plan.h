/* The plan: what launching a container (create) or a process in one (exec)
 * will do, built with no side effects from the checked spec, the host
 * description and the options: no fd opened, no socket connected, no file
 * written. launch/ executes it (opens the namespace paths, compiles and
 * caches seccomp, connects sockets, clones). Pointers borrow from the spec
 * and options, which outlive the plan. */
#ifndef HARDRUN_PLAN_H
#define HARDRUN_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "container/capabilities.h"
#include "hardrun/error.h"
#include "policy/policy.h"
#include "spec/spec.h"

struct hr_plan_opts {
	const char *console_socket;  /* to connect, or NULL */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	/* profile learn/check (issue 14): this program replaces the spec's
	 * filter (and its listener); the container announces its notify fd on
	 * seccomp_supervisor_sock for the caller to take (seccomp/handover.c) */
	const struct hr_seccomp_program *seccomp_supervised;
	int seccomp_supervisor_sock;
};

struct hr_plan {
	bool exec;                   /* a process in an existing container */
	const struct hr_process *process;

	/* namespaces */
	int new_ns_flags;            /* CLONE_NEW* the spec creates */
	int clone_ns_flags;          /* create: given to clone3 (nothing joined) */
	int unshare_flags;           /* created after joining (slow path) */
	const char *join_paths[HR_NS_COUNT]; /* create: joined by path, NULL if not */
	int n_join_paths;
	int join_target_flags;       /* exec: CLONE_NEW* joined through the init's pidfd */
	bool enter_target_root;      /* exec: the container is a chroot in a shared mount ns */
	bool new_userns;
	/* in a user namespace the container process may not search the
	 * directories above the bundle, rootfs or bind sources: the runtime
	 * opens them first (hr_rootfs_open_sources) */
	bool host_side_sources;
	bool needs_fork;             /* a pid namespace applies to children: fork once more */

	/* user namespace id maps, written by the runtime */
	const struct hr_id_mapping *uid_maps, *gid_maps;
	size_t n_uid_maps, n_gid_maps;

	/* filesystem (create only) */
	const struct hr_mount *mounts;
	size_t n_mounts;
	bool wait_for_start;         /* create: block on exec.fifo until `start` */

	struct hr_cap_masks caps;
	const struct hr_seccomp *seccomp; /* the profile to compile, NULL: none */
	const char *seccomp_listener;     /* to connect, NULL: none */

	const char *cgroups_path;    /* create: linux.cgroupsPath */
	const struct hr_resources *resources; /* NULL: none */
	bool limits_requested;       /* a limit is asked for: no cgroup is an error */
	/* create: memory.max is small enough for the setup's per-CPU charge
	 * stock to matter; the runtime drains it at READY (launch/spawn.c,
	 * cgroup/charge_stock.c) */
	bool drain_charge_stock;

	const struct hr_hooks *hooks; /* create: NULL without hooks */
	struct hr_plan_opts opts;
};

/* A memory.max (linux.resources.memory.limit, or unified "memory.max")
 * of at most HR_PLAN_TINY_MEMORY_MAX bytes: there a per-CPU charge batch
 * stranded by the setup (at most 256 KiB with 4 KiB pages) is over 1/64
 * of the limit. */
#define HR_PLAN_TINY_MEMORY_MAX (16LL << 20)
bool hr_plan_tiny_memory_limit(const struct hr_resources *r);

/* create/run: spec must have passed hr_policy_check_create. */
int hr_plan_create(const struct hr_spec *spec, const struct hr_host *host, const struct hr_plan_opts *o,
		   struct hr_plan *out, struct hr_error *err);
/* exec: process (already checked by hr_policy_check_exec) in the container
 * whose saved spec is container. */
int hr_plan_exec(const struct hr_spec *container, const struct hr_process *process, const struct hr_host *host,
		 const struct hr_plan_opts *o, struct hr_plan *out, struct hr_error *err);

#endif
