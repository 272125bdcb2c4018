/* The cgroup v2 controllers hardrun manages: their names, what each is
 * asked for by (for the fail-closed message when one is missing), and which
 * of them a linux.resources section needs. The one controller table. */
#include "cgroup/cgroup.h"

#include <string.h>

#include "cgroup/internal.h"
#include "base/log.h"

static const char *const controller_names[HR_CG_N] = {
	[HR_CG_CPU] = "cpu", [HR_CG_CPUSET] = "cpuset", [HR_CG_MEMORY] = "memory",
	[HR_CG_PIDS] = "pids", [HR_CG_IO] = "io", [HR_CG_HUGETLB] = "hugetlb",
	[HR_CG_RDMA] = "rdma", [HR_CG_MISC] = "misc",
};

/* What the user asked for, for the fail-closed message. */
static const char *const controller_purpose[HR_CG_N] = {
	[HR_CG_CPU] = "cpu limit", [HR_CG_CPUSET] = "cpuset (cpus/mems)", [HR_CG_MEMORY] = "memory limit",
	[HR_CG_PIDS] = "pids limit", [HR_CG_IO] = "block IO limit", [HR_CG_HUGETLB] = "hugepage limit",
	[HR_CG_RDMA] = "rdma limit", [HR_CG_MISC] = "misc limit",
};

const char *hr_cg_controller_name(enum hr_cg_controller c)
{
	return c < HR_CG_N ? controller_names[c] : "?";
}

int hr_cg_controller_from_name(const char *name, size_t len)
{
	for (int i = 0; i < HR_CG_N; i++)
		if (strlen(controller_names[i]) == len && strncmp(controller_names[i], name, len) == 0)
			return i;
	return -1;
}

/* The one message for a controller a limit needs and the cgroup lacks. */
int hr_cg_controller_missing(enum hr_cg_controller c, const char *display, const char *avail, unsigned flags,
			     struct hr_error *err)
{
	const char *shown = *avail ? avail : "none";

	if (!(flags & HR_CGROUP_ALLOW_MISSING_CONTROLLERS))
		return hr_error_set(err, 0, "cgroup: %s requested but the \"%s\" controller is not available "
				    "in %s (available: %s)", controller_purpose[c], controller_names[c], display, shown);
	if (!(flags & HR_CG_QUIET_MISSING))
		hr_log_warnf("cgroup: %s requested but the \"%s\" controller is not available in %s "
			     "(available: %s); not enforced", controller_purpose[c], controller_names[c], display, shown);
	return 0;
}

/* ---- which controllers ----------------------------------------------------------- */

static bool memory_limited(const struct hr_resources *r)
{
	const struct hr_memory *m = &r->memory;
	return r->has_memory && (m->has_limit || m->has_reservation || m->has_swap);
}

static bool cpu_limited(const struct hr_resources *r)
{
	const struct hr_cpu *c = &r->cpu;
	return r->has_cpu && ((c->has_shares && c->shares) || c->has_quota || c->has_period || c->has_burst ||
			      c->has_idle);
}

static bool cpuset_limited(const struct hr_resources *r)
{
	return r->has_cpu && ((r->cpu.cpus && *r->cpu.cpus) || (r->cpu.mems && *r->cpu.mems));
}

static bool io_limited(const struct hr_resources *r)
{
	const struct hr_block_io *b = &r->block_io;
	return r->has_block_io && ((b->has_weight && b->weight) || b->n_weight_devices || b->n_throttle_read_bps ||
				   b->n_throttle_write_bps || b->n_throttle_read_iops || b->n_throttle_write_iops);
}

unsigned hr_cg_needed_controllers(const struct hr_resources *r)
{
	unsigned m = 0;

	if (memory_limited(r))
		m |= 1u << HR_CG_MEMORY;
	if (cpu_limited(r))
		m |= 1u << HR_CG_CPU;
	if (cpuset_limited(r))
		m |= 1u << HR_CG_CPUSET;
	/* pids.limit <= 0 is "unlimited" (podman always sends 0): nothing to enforce */
	if (r->has_pids && r->pids_limit > 0)
		m |= 1u << HR_CG_PIDS;
	if (io_limited(r))
		m |= 1u << HR_CG_IO;
	if (r->n_hugepage_limits)
		m |= 1u << HR_CG_HUGETLB;
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *k = r->unified[i].key;
		int c = hr_cg_controller_from_name(k, strcspn(k, "."));
		if (c >= 0)
			m |= 1u << c;
	}
	return m;
}
