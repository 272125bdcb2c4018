/* `events --stats` data in runc's JSON shape (runc types.Stats), read from
 * the cgroup v2 files. Controllers the cgroup lacks are left out of the
 * numbers (zero), as runc does. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"
#include "base/util.h"

/* A single-value file; false, *out unchanged, where it cannot be read. */
static bool read_u64(int dirfd, const char *name, unsigned long long *out)
{
	struct hr_error ignored = { 0 };

	return hr_cg_read_u64(dirfd, name, out, &ignored) == 0;
}

static char *read_text(int dirfd, const char *name)
{
	char *text = NULL;
	struct hr_error ignored;
	return hr_cg_read(dirfd, name, &text, &ignored) < 0 ? NULL : text;
}

static unsigned long long keyed(const char *text, const char *key)
{
	unsigned long long v = 0;
	if (text)
		hr_cg_keyed_value(text, key, &v);
	return v;
}

static json_t *cpu_stats(int fd)
{
	_cleanup_free_ char *stat = read_text(fd, "cpu.stat");

	/* cpu.stat has microseconds; runc reports nanoseconds. */
	return json_pack("{s:{s:I,s:I,s:I},s:{s:I,s:I,s:I}}",
			 "usage", "total", (json_int_t)(keyed(stat, "usage_usec") * 1000),
			 "kernel", (json_int_t)(keyed(stat, "system_usec") * 1000),
			 "user", (json_int_t)(keyed(stat, "user_usec") * 1000),
			 "throttling", "periods", (json_int_t)keyed(stat, "nr_periods"),
			 "throttledPeriods", (json_int_t)keyed(stat, "nr_throttled"),
			 "throttledTime", (json_int_t)(keyed(stat, "throttled_usec") * 1000));
}

/* JSON has no unsigned 64-bit integers; "unlimited" is reported as the
 * largest value jansson can carry exactly when it does not fit. */
static json_t *u64_json(unsigned long long v)
{
	return json_integer(v > (unsigned long long)INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v);
}

static json_t *raw_from(const char *stat, const char *events)
{
	json_t *raw = json_object();
	_cleanup_free_ char *copy = xstrdup(stat ? stat : "");
	char *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		unsigned long long v;
		if (!sp)
			continue;
		*sp = '\0';
		if (hr_parse_u64(sp + 1, &v))
			json_object_set_new(raw, line, u64_json(v));
	}
	if (events) {
		json_object_set_new(raw, "oom", u64_json(keyed(events, "oom")));
		json_object_set_new(raw, "oom_kill", u64_json(keyed(events, "oom_kill")));
	}
	return raw;
}

static json_t *memory_stats(int fd)
{
	_cleanup_free_ char *stat = read_text(fd, "memory.stat");
	_cleanup_free_ char *events = read_text(fd, "memory.events");
	unsigned long long usage = 0, limit = UINT64_MAX, peak = 0, swap = 0, swap_limit = UINT64_MAX;
	_cleanup_free_ char *swap_events = read_text(fd, "memory.swap.events");

	read_u64(fd, "memory.current", &usage);
	read_u64(fd, "memory.max", &limit);
	read_u64(fd, "memory.peak", &peak);
	read_u64(fd, "memory.swap.current", &swap);
	read_u64(fd, "memory.swap.max", &swap_limit);

	/* As runc: swap usage/limit are memory+swap, like the v1 memsw files;
	 * failcnt counts hits of memory.max ("max" in memory.events). */
	unsigned long long sw_usage = usage + swap;
	unsigned long long sw_limit = (limit == UINT64_MAX || swap_limit == UINT64_MAX) ? UINT64_MAX
											: limit + swap_limit;
	json_t *mem = json_object();
	json_object_set_new(mem, "cache", u64_json(keyed(stat, "file")));
	json_object_set_new(mem, "usage", json_pack("{s:o,s:o,s:o,s:o}", "usage", u64_json(usage), "limit",
						    u64_json(limit), "max", u64_json(peak), "failcnt",
						    u64_json(keyed(events, "max"))));
	json_object_set_new(mem, "swap", json_pack("{s:o,s:o,s:o,s:o}", "usage", u64_json(sw_usage), "limit",
						   u64_json(sw_limit), "max", u64_json(0), "failcnt",
						   u64_json(keyed(swap_events, "max"))));
	json_object_set_new(mem, "raw", raw_from(stat, events));
	return mem;
}

static json_t *pids_stats(int fd)
{
	unsigned long long cur = 0, max = 0;

	read_u64(fd, "pids.current", &cur);
	/* runc reports 0 for "max" */
	if (read_u64(fd, "pids.max", &max) && max == UINT64_MAX)
		max = 0;
	return json_pack("{s:o,s:o}", "current", u64_json(cur), "limit", u64_json(max));
}

int hr_cgroup_stats_json(struct hr_cgroup *cg, char **out, struct hr_error *err)
{
	if (!hr_cg_file_exists(cg->dirfd, "cgroup.procs"))
		return hr_error_set(err, ENOENT, "cgroup: stats of %s/%s", cg->mountpoint, cg->path);
	json_t *root = json_pack("{s:o,s:{},s:{}}", "cpu", cpu_stats(cg->dirfd), "blkio", "hugetlb");
	if (!root)
		return hr_error_set(err, 0, "cgroup: building stats JSON");
	/* a controller the cgroup does not have is left out, not reported as 0 */
	if (hr_cg_file_exists(cg->dirfd, "memory.current"))
		json_object_set_new(root, "memory", memory_stats(cg->dirfd));
	if (hr_cg_file_exists(cg->dirfd, "pids.current"))
		json_object_set_new(root, "pids", pids_stats(cg->dirfd));
	*out = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!*out)
		return hr_error_set(err, 0, "cgroup: encoding stats JSON");
	return 0;
}
