/* Why the container process runs on one CPU until it confines itself.
 *
 * The memory controller charges a cgroup ahead, per CPU, in batches of 64
 * pages (MEMCG_CHARGE_BATCH: 256 KiB with 4 KiB pages), and what sits in a
 * CPU's stock counts toward memory.max. A new cgroup's first charge, when
 * the limit has room for it, takes a whole batch into the stock of the CPU
 * the process runs on. If the process then runs on another CPU and needs a
 * page the counter no longer has, the kernel drains the other CPU's stock
 * only by queueing work there, retries without waiting for it, and can
 * OOM-kill before that work runs. Seen on Linux 6.1 in the VM (2 vCPUs,
 * ftrace): the container process charged 36 pages on CPU 0, was woken on
 * CPU 1, failed a pipe_write charge, queued the drain, and was OOM-killed
 * 0.4 ms before CPU 0 drained; the OOM report then showed 128 of 256 KiB
 * in use. memory.max = 256 KiB (exactly one batch) failed 5 starts in 20.
 * On one CPU every charge of the setup comes from that CPU's stock or from
 * the counter itself, so nothing is stranded elsewhere during the setup.
 * What the setup leaves in that CPU's stock, the runtime drains at READY
 * from that CPU when the limit is small (cgroup/charge_stock.c, the
 * caller of hr_cpu_pinned in launch/spawn.c): otherwise the workload,
 * free to run on any CPU, could hit the same race (the likely cause of 4
 * failed starts in 440 before the drain).
 *
 * The affinity goes back before the workload's confinement (and in every
 * hook forked meanwhile). Since Linux 6.2 a mask set with sched_setaffinity
 * also narrows the task's later cpuset changes, so a process that had every
 * CPU its cpuset allows asks for all CPUs (and keeps following the cpuset,
 * as it would have); one that inherited a narrower mask gets exactly that
 * mask back (or, when none of it is left in the cpuset, the cpuset's).
 * Which case holds is decided at the pin, before anything can change the
 * cpuset. */
#include "container/cpu_pin.h"

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"

/* The container process is single-threaded: one pin per process, copied
 * into the children it forks (hooks, the pid namespace's init). */
static struct {
	cpu_set_t *saved; /* the affinity before the pin; NULL: not pinned */
	size_t size;
	bool had_cpuset; /* it had every CPU its cpuset allows */
} pin;

/* The affinity of pid (0: ourselves), in a set large enough for the
 * kernel's CPU count. */
static cpu_set_t *get_affinity(pid_t pid, size_t *size)
{
	for (int n = 1024; n <= 1 << 18; n *= 2) {
		cpu_set_t *set = CPU_ALLOC(n);
		if (!set)
			return NULL;
		*size = CPU_ALLOC_SIZE(n);
		if (sched_getaffinity(pid, *size, set) == 0)
			return set;
		free(set);
		if (errno != EINVAL)
			return NULL;
	}
	return NULL;
}

static int set_all_cpus(size_t size)
{
	_cleanup_free_ cpu_set_t *all = malloc(size);

	if (!all)
		return -1;
	memset(all, 0xff, size);
	/* the kernel keeps only the CPUs the cpuset allows */
	return sched_setaffinity(0, size, all);
}

/* Does the process have every CPU its cpuset allows? Asking for all CPUs
 * answers it (the caller narrows the mask right after): 1 yes, 0 no, -1
 * the affinity cannot be set at all (then it is not touched). */
static int has_whole_cpuset(const cpu_set_t *saved, size_t size)
{
	size_t widest_size;
	_cleanup_free_ cpu_set_t *widest = NULL;

	if (set_all_cpus(size) < 0)
		return -1;
	widest = get_affinity(0, &widest_size);
	return widest && widest_size == size && CPU_EQUAL_S(size, widest, saved);
}

/* Pins the caller to cpu (-1: the one it runs on); true when it runs
 * there now. */
static bool pin_to(int cpu)
{
	_cleanup_free_ cpu_set_t *saved = NULL;
	_cleanup_free_ cpu_set_t *one = NULL;
	size_t size;
	int whole;

	saved = get_affinity(0, &size);
	if (!saved || CPU_COUNT_S(size, saved) <= 1)
		return false; /* unreadable, or on one CPU already */
	whole = has_whole_cpuset(saved, size);
	if (whole < 0) {
		hr_log_debugf("not pinned to one CPU: %s", strerror(errno));
		return false;
	}
	/* from here hr_cpu_unpin restores, even if the pin below fails: asking
	 * for all CPUs may have widened a narrower mask */
	pin.had_cpuset = whole == 1;
	pin.size = size;
	pin.saved = hr_steal_ptr(saved);
	if (cpu < 0)
		cpu = sched_getcpu();
	one = calloc(1, size);
	if (cpu < 0 || (size_t)cpu >= size * 8 || !one)
		return false;
	CPU_SET_S((size_t)cpu, size, one);
	if (sched_setaffinity(0, size, one) < 0) {
		hr_log_debugf("not pinned to CPU %d: %s", cpu, strerror(errno));
		return false;
	}
	/* a thread that sets its own affinity runs on that CPU on return */
	return sched_getcpu() == cpu;
}

void hr_cpu_pin(void)
{
	pin_to(-1);
}

bool hr_cpu_pin_to(int cpu)
{
	return cpu >= 0 && pin_to(cpu);
}

int hr_cpu_pinned(pid_t pid)
{
	size_t size;
	_cleanup_free_ cpu_set_t *set = get_affinity(pid, &size);

	if (!set || CPU_COUNT_S(size, set) != 1)
		return -1;
	for (size_t cpu = 0; cpu < size * 8; cpu++)
		if (CPU_ISSET_S(cpu, size, set))
			return (int)cpu;
	return -1;
}

int hr_cpu_unpin(struct hr_error *err)
{
	_cleanup_free_ cpu_set_t *saved = hr_steal_ptr(pin.saved);

	if (!saved)
		return 0;
	if (!pin.had_cpuset && sched_setaffinity(0, pin.size, saved) == 0)
		return 0;
	/* every CPU the cpuset allows: also when none of an inherited mask is
	 * left in it (EINVAL), as the kernel does when a cpuset changes */
	if (set_all_cpus(pin.size) < 0)
		return hr_error_set(err, errno, "restore the CPU affinity after setup");
	return 0;
}
