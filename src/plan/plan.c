/* Building the plan: pure functions of (spec, host, options). */
#include "plan/plan.h"

#include <sched.h>
#include <string.h>

#include "base/util.h"
#include "container/namespaces.h"
#include "policy/floor.h"
#include "rootfs/rootfs.h"

static void plan_namespaces(const struct hr_spec *spec, struct hr_plan *p)
{
	p->new_ns_flags = hr_ns_new_flags(spec);
	p->new_userns = p->new_ns_flags & CLONE_NEWUSER;
	for (size_t i = 0; spec->has_linux && i < spec->linux_.n_namespaces; i++) {
		const struct hr_namespace *ns = &spec->linux_.namespaces[i];
		if (!ns->path)
			continue;
		if (!p->join_paths[ns->type])
			p->n_join_paths++;
		p->join_paths[ns->type] = ns->path;
	}
	if (p->n_join_paths) {
		/* slow path: join first, then create the rest */
		p->unshare_flags = p->new_ns_flags & ~CLONE_NEWTIME;
		p->needs_fork = (p->new_ns_flags & CLONE_NEWPID) || p->join_paths[HR_NS_PID];
	} else {
		/* the time namespace is made by the child itself, with its offsets */
		p->clone_ns_flags = p->new_ns_flags & ~CLONE_NEWTIME;
	}
	if (p->new_userns) {
		p->uid_maps = spec->linux_.uid_mappings;
		p->n_uid_maps = spec->linux_.n_uid_mappings;
		p->gid_maps = spec->linux_.gid_mappings;
		p->n_gid_maps = spec->linux_.n_gid_mappings;
	}
}

static bool seccomp_floor(const struct hr_host *host)
{
	return host->floor &&
	       (host->floor->seccomp.mode == HR_POLICY_INJECT || host->floor->seccomp.mode == HR_POLICY_REFUSE);
}

static int plan_process(const struct hr_spec *spec, const struct hr_process *process, const struct hr_host *host,
			struct hr_plan *p, struct hr_error *err)
{
	p->process = process;
	/* checked (and warned about) at the checkpoint already */
	if (hr_caps_resolve(&process->capabilities, host->cap_last, host->cap_bounding, false, &p->caps, err) < 0)
		return -1;
	/* profile learn/check: the supervised program replaces the spec's
	 * filter, unless a host policy floor demands seccomp: then the spec's
	 * (checked, or injected, by the policy) stays loaded beneath it */
	if (p->opts.seccomp_supervised && !seccomp_floor(host))
		return 0;
	if (spec->has_linux && spec->linux_.seccomp) {
		p->seccomp = spec->linux_.seccomp;
		p->seccomp_listener = p->opts.seccomp_supervised ? NULL : spec->linux_.seccomp->listener_path;
	}
	return 0;
}

static bool limits_requested(const struct hr_resources *r)
{
	return r && (r->has_memory || r->has_cpu || r->has_pids || r->has_block_io || r->n_hugepage_limits ||
		     r->n_unified);
}

bool hr_plan_tiny_memory_limit(const struct hr_resources *r)
{
	long long max = -1;

	if (!r)
		return false;
	if (r->has_memory && r->memory.has_limit)
		max = r->memory.limit;
	/* unified wins: it is written after the OCI fields */
	for (size_t i = 0; i < r->n_unified; i++)
		if (strcmp(r->unified[i].key, "memory.max") == 0 &&
		    (!r->unified[i].value || !hr_parse_i64(r->unified[i].value, &max)))
			max = -1;
	return max >= 0 && max <= HR_PLAN_TINY_MEMORY_MAX;
}

int hr_plan_create(const struct hr_spec *spec, const struct hr_host *host, const struct hr_plan_opts *o,
		   struct hr_plan *out, struct hr_error *err)
{
	memset(out, 0, sizeof(*out));
	out->opts = *o;
	plan_namespaces(spec, out);
	out->host_side_sources = host->can_clone_mounts && hr_spec_find_ns(spec, HR_NS_USER) &&
				 !hr_rootfs_shares_mount_ns(spec);
	out->mounts = spec->mounts;
	out->n_mounts = spec->n_mounts;
	out->wait_for_start = true;
	out->cgroups_path = spec->has_linux ? spec->linux_.cgroups_path : NULL;
	out->resources = spec->has_linux && spec->linux_.has_resources ? &spec->linux_.resources : NULL;
	out->limits_requested = limits_requested(out->resources);
	out->drain_charge_stock = hr_plan_tiny_memory_limit(out->resources);
	out->hooks = spec->has_hooks ? &spec->hooks : NULL;
	return plan_process(spec, &spec->process, host, out, err);
}

int hr_plan_exec(const struct hr_spec *container, const struct hr_process *process, const struct hr_host *host,
		 const struct hr_plan_opts *o, struct hr_plan *out, struct hr_error *err)
{
	memset(out, 0, sizeof(*out));
	out->exec = true;
	out->opts = *o;
	/* every namespace the container has, joined at once through its init */
	for (size_t i = 0; container->has_linux && i < container->linux_.n_namespaces; i++)
		out->join_target_flags |= hr_ns_clone_flag(container->linux_.namespaces[i].type);
	out->needs_fork = hr_spec_find_ns(container, HR_NS_PID) != NULL;
	/* also with a mount namespace joined by path: the container chroots
	 * there too, and setns would leave us at that namespace's root */
	out->enter_target_root = hr_rootfs_shares_mount_ns(container);
	return plan_process(container, process, host, out, err);
}
