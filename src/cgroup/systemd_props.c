/* systemd driver: OCI linux.resources -> transient unit properties, as runc
 * translates them. Pure: no bus, no files (the /proc/devices text is passed
 * in). What has no property here (cpu.idle, cpu.max.burst, hugetlb, unified,
 * ...) is written to the scope's files afterwards by the cgroupfs code. */
#include "cgroup/systemd.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define DEFAULT_CPU_PERIOD 100000ULL
#define MAX_CPUS 8192

static struct hr_sd_prop *add(struct hr_sd_props *p, const char *name, enum hr_sd_type type)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	struct hr_sd_prop *q = &p->v[p->n++];
	memset(q, 0, sizeof(*q));
	q->name = name;
	q->type = type;
	return q;
}

static void add_u64(struct hr_sd_props *p, const char *name, uint64_t v)
{
	add(p, name, HR_SD_U64)->u64 = v;
}

static void add_pair(struct hr_sd_prop *q, char *path, uint64_t value, const char *access)
{
	q->pairs = xrealloc(q->pairs, (q->n_pairs + 1) * sizeof(*q->pairs));
	q->pairs[q->n_pairs++] = (struct hr_sd_pair){ .path = path, .value = value, .access = xstrdup(access) };
}

const struct hr_sd_prop *hr_sd_props_find(const struct hr_sd_props *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	return NULL;
}

void hr_sd_props_clear(struct hr_sd_props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct hr_sd_prop *q = &p->v[i];
		free(q->str);
		free(q->bytes);
		free(q->pids);
		for (size_t j = 0; j < q->n_pairs; j++) {
			free(q->pairs[j].path);
			free(q->pairs[j].access);
		}
		free(q->pairs);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* ---- memory, cpu, pids ------------------------------------------------------ */

static int memory_props(const struct hr_memory *m, struct hr_sd_props *p, struct hr_error *err)
{
	int64_t swap_max = 0;
	int have_swap = 0;

	if (m->has_limit && m->limit != 0)
		add_u64(p, "MemoryMax", m->limit < 0 ? HR_SD_INFINITY : (uint64_t)m->limit);
	if (m->has_reservation && m->reservation != 0)
		add_u64(p, "MemoryLow", m->reservation < 0 ? HR_SD_INFINITY : (uint64_t)m->reservation);
	if (m->has_swap)
		have_swap = hr_cgroup_swap_max(m->has_limit, m->limit, m->swap, &swap_max, err);
	else if (m->has_limit && m->limit == -1)
		have_swap = hr_cgroup_swap_max(true, -1, 0, &swap_max, err);
	if (have_swap < 0)
		return -1;
	if (have_swap)
		add_u64(p, "MemorySwapMax", swap_max < 0 ? HR_SD_INFINITY : (uint64_t)swap_max);
	return 0;
}

uint64_t hr_systemd_quota_per_sec(int64_t quota, uint64_t period)
{
	if (quota <= 0)
		return HR_SD_INFINITY;
	if (!period)
		period = DEFAULT_CPU_PERIOD;
	/* systemd keeps whole percents of a CPU: round up to 10 ms a second, so
	 * the cpu.max systemd writes is never below the quota asked for (the
	 * exact value is written to cpu.max afterwards) */
	uint64_t per_sec = (uint64_t)quota * 1000000ULL / period;
	if (per_sec % 10000)
		per_sec = (per_sec / 10000 + 1) * 10000;
	return per_sec;
}

int hr_systemd_cpuset_bytes(const char *list, uint8_t **bytes, size_t *n, struct hr_error *err)
{
	_cleanup_free_ uint8_t *b = NULL;
	size_t len = 0;
	const char *s = list;

	while (*s) {
		char *end;
		unsigned long lo = strtoul(s, &end, 10), hi = lo;
		if (end == s || *s == '-' || *s == '+')
			goto bad;
		if (*end == '-') {
			s = end + 1;
			hi = strtoul(s, &end, 10);
			if (end == s || *s == '-' || *s == '+' || hi < lo)
				goto bad;
		}
		if (hi >= MAX_CPUS)
			return hr_error_set(err, 0, "systemd: cpuset \"%s\": %lu is too large", list, hi);
		if (hi / 8 + 1 > len) {
			b = xrealloc(b, hi / 8 + 1);
			memset(b + len, 0, hi / 8 + 1 - len);
			len = hi / 8 + 1;
		}
		for (unsigned long c = lo; c <= hi; c++)
			b[c / 8] |= (uint8_t)(1u << (c % 8));
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			goto bad;
	}
	*bytes = hr_steal_ptr(b);
	*n = len;
	return 0;
bad:
	return hr_error_set(err, 0, "systemd: cpuset \"%s\" is not a list like \"0-3,8\"", list);
}

static int cpuset_prop(struct hr_sd_props *p, const char *name, const char *list, struct hr_error *err)
{
	struct hr_sd_prop *q;

	if (!list || !*list)
		return 0;
	q = add(p, name, HR_SD_BYTES);
	return hr_systemd_cpuset_bytes(list, &q->bytes, &q->n_bytes, err);
}

static int cpu_props(const struct hr_cpu *c, struct hr_sd_props *p, struct hr_error *err)
{
	bool quota = c->has_quota && c->quota != 0, period = c->has_period && c->period;

	if (c->has_shares && c->shares)
		add_u64(p, "CPUWeight", hr_cgroup_shares_to_weight(c->shares));
	if (period)
		add_u64(p, "CPUQuotaPeriodUSec", c->period);
	if (quota || period)
		add_u64(p, "CPUQuotaPerSecUSec", hr_systemd_quota_per_sec(quota ? c->quota : -1, period ? c->period : 0));
	if (cpuset_prop(p, "AllowedCPUs", c->cpus, err) < 0 || cpuset_prop(p, "AllowedMemoryNodes", c->mems, err) < 0)
		return -1;
	return 0;
}

/* ---- block IO ------------------------------------------------------------------ */

static void throttle_prop(struct hr_sd_props *p, const char *name, const struct hr_throttle_device *d, size_t n)
{
	if (!n)
		return;
	struct hr_sd_prop *q = add(p, name, HR_SD_PATH_U64);
	/* systemd takes a device node; /dev/block/M:m it parses without one */
	for (size_t i = 0; i < n; i++)
		add_pair(q, xasprintf("/dev/block/%" PRId64 ":%" PRId64, d[i].major, d[i].minor),
			 d[i].rate ? d[i].rate : HR_SD_INFINITY, NULL);
}

static void io_props(const struct hr_block_io *b, struct hr_sd_props *p)
{
	struct hr_sd_prop *q = NULL;

	if (b->has_weight && b->weight)
		add_u64(p, "IOWeight", hr_cgroup_blkio_to_io_weight(b->weight));
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct hr_weight_device *d = &b->weight_devices[i];
		if (!d->has_weight)
			continue;
		if (!q)
			q = add(p, "IODeviceWeight", HR_SD_PATH_U64);
		add_pair(q, xasprintf("/dev/block/%" PRId64 ":%" PRId64, d->major, d->minor),
			 hr_cgroup_blkio_to_io_weight(d->weight), NULL);
	}
	throttle_prop(p, "IOReadBandwidthMax", b->throttle_read_bps, b->n_throttle_read_bps);
	throttle_prop(p, "IOWriteBandwidthMax", b->throttle_write_bps, b->n_throttle_write_bps);
	throttle_prop(p, "IOReadIOPSMax", b->throttle_read_iops, b->n_throttle_read_iops);
	throttle_prop(p, "IOWriteIOPSMax", b->throttle_write_iops, b->n_throttle_write_iops);
}

/* ---- devices ------------------------------------------------------------------- */

/* The /proc/devices name of a major ("pts" for 136) in the section of the
 * type; NULL when there is none. */
static char *major_name(const char *proc_devices, char type, int64_t major)
{
	const char *want = type == 'b' ? "Block devices:" : "Character devices:";
	bool in = false;

	for (const char *line = proc_devices; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		long m;
		char name[128];
		if (len && line[len - 1] == ':')
			in = strncmp(line, want, len) == 0;
		else if (in && sscanf(line, " %ld %127s", &m, name) == 2 && m == major)
			return xstrdup(name);
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* One allow rule as DeviceAllow entries; false when systemd cannot say it
 * (a wildcard major with a fixed minor, a major with no name). */
static bool allow_entries(struct hr_sd_prop *q, const struct hr_device_rule *r, const char *proc_devices)
{
	const char *access = r->access[0] ? r->access : "rwm";
	char types[2] = { r->type == 'b' ? 'b' : 'c', 0 };

	if (!r->type || r->type == 'a')
		types[1] = 'b';
	for (size_t t = 0; t < 2 && types[t]; t++) {
		const char *kind = types[t] == 'b' ? "block" : "char";
		if (r->major == -1 && r->minor != -1)
			return false;
		if (r->major == -1) {
			add_pair(q, xasprintf("%s-*", kind), 0, access);
		} else if (r->minor == -1) {
			_cleanup_free_ char *name = proc_devices ? major_name(proc_devices, types[t], r->major) : NULL;
			if (!name)
				return false;
			add_pair(q, xasprintf("%s-%s", kind, name), 0, access);
		} else {
			add_pair(q, xasprintf("/dev/%s/%" PRId64 ":%" PRId64, kind, r->major, r->minor), 0, access);
		}
	}
	return true;
}

/* hardrun's device program denies by default and the last matching rule
 * wins; systemd's "strict" allowlist says the same exactly when no deny
 * rule follows an allow rule. Otherwise systemd is told to restrict
 * nothing ("auto", no entries) and hardrun's own program, attached to the
 * scope as always, is the one that decides. */
static void device_props(const struct hr_resources *res, const char *proc_devices, struct hr_sd_props *p)
{
	size_t n_def, n = res->n_devices;
	const struct hr_device_rule *def = hr_cgroup_default_device_rules(&n_def);
	struct hr_sd_props tmp = { 0 };
	struct hr_sd_prop *q = add(&tmp, "DeviceAllow", HR_SD_PATH_STR);
	bool seen_allow = false, exact = true;

	for (size_t i = 0; i < n + n_def && exact; i++) {
		const struct hr_device_rule *r = i < n ? &res->devices[i] : &def[i - n];
		if (!r->allow) {
			exact = !seen_allow;
			continue;
		}
		seen_allow = true;
		exact = allow_entries(q, r, proc_devices);
	}
	if (exact) {
		add(p, "DevicePolicy", HR_SD_STR)->str = xstrdup("strict");
		*add(p, "DeviceAllow", HR_SD_PATH_STR) = *q;
		q->pairs = NULL;
		q->n_pairs = 0;
	} else {
		add(p, "DevicePolicy", HR_SD_STR)->str = xstrdup("auto");
		add(p, "DeviceAllow", HR_SD_PATH_STR);
	}
	hr_sd_props_clear(&tmp);
}

int hr_systemd_resource_props(const struct hr_resources *res, const char *proc_devices, unsigned flags,
			      struct hr_sd_props *out, struct hr_error *err)
{
	struct hr_sd_props p = { 0 };

	if ((res->has_memory && memory_props(&res->memory, &p, err) < 0) ||
	    (res->has_cpu && cpu_props(&res->cpu, &p, err) < 0)) {
		hr_sd_props_clear(&p);
		return -1;
	}
	if (res->has_pids && (res->pids_limit > 0 || res->pids_limit == -1))
		add_u64(&p, "TasksMax", res->pids_limit > 0 ? (uint64_t)res->pids_limit : HR_SD_INFINITY);
	if (res->has_block_io)
		io_props(&res->block_io, &p);
	if (!(flags & HR_SD_SKIP_DEVICES))
		device_props(res, proc_devices, &p);
	*out = p;
	return 0;
}
