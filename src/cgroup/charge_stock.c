/* Draining the memory controller's per-CPU charge stock of a cgroup.
 *
 * The memory controller charges a cgroup ahead, per CPU, in batches of 64
 * pages, and a CPU's stock counts toward memory.max. Under a limit of a
 * few batches, a stock the container's setup left on one CPU strands part
 * of the limit: when the workload then needs a page on another CPU, the
 * kernel only queues the drain of that stock there and can OOM-kill the
 * workload before the drain runs (container/cpu_pin.c has the trace).
 *
 * Userspace cannot drain a stock directly. Writing memory.high below
 * memory.current makes the kernel drain every CPU's stock of the cgroup
 * before it reclaims, and the writer's own CPU synchronously
 * (memory_high_write -> drain_all_stock -> drain_local_stock, as Linux
 * has done since 3.x; seen on 6.1 in the VM, and tests/vm/memory.sh fails
 * if a kernel stops doing it). So the caller runs on the CPU that holds
 * the stock, and this writes memory.high one page below memory.current,
 * then back to what it read. The drain returns the stock to the counter;
 * the kernel stops as soon as usage is at or below the lowered value, so
 * when the stock was at least a page nothing is reclaimed, and otherwise
 * at most one page. The caller does this before the container counts as
 * created: no workload runs under the lowered value, and a create killed
 * between the two writes is removed, cgroup and all, like any other. A
 * cgroup shared with someone else's processes is never drained. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cgroup/cgroup.h"
#include "cgroup/internal.h"

int hr_cgroup_drain_charge_stock(struct hr_cgroup *cg, struct hr_error *err)
{
	_cleanup_free_ char *high = NULL;
	unsigned long long usage, page = (unsigned long long)sysconf(_SC_PAGESIZE);
	struct hr_error ignored = { 0 };
	char lowered[32];
	int rc;

	if (hr_cg_read(cg->dirfd, "memory.high", &high, err) < 0) {
		if (err->errnum != ENOENT)
			return hr_error_wrap(err, "cgroup %s: drain the memory charge stock", cg->path);
		hr_error_clear(err);
		return 0; /* no memory controller (a degraded start): no stock */
	}
	if (hr_cg_read_u64(cg->dirfd, "memory.current", &usage, err) < 0)
		return hr_error_wrap(err, "cgroup %s: drain the memory charge stock", cg->path);
	if (usage < 2 * page)
		return 0; /* nothing the setup can have left in a stock */
	snprintf(lowered, sizeof(lowered), "%llu", usage - page);
	rc = hr_cg_write(cg->dirfd, "memory.high", lowered, err);
	/* back to what it was, also when the first write failed half-way */
	high[strcspn(high, "\n")] = '\0';
	if (hr_cg_write(cg->dirfd, "memory.high", high, rc < 0 ? &ignored : err) < 0 || rc < 0)
		return hr_error_wrap(err, "cgroup %s: drain the memory charge stock", cg->path);
	return 0;
}
