/* linux.resources (LinuxResources), also read alone for `update --resources`.
 * network and rdma are shape-checked and otherwise ignored (cgroup v2 has no
 * net_cls/net_prio, and we do not manage rdma). */
#include "spec/spec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "spec/internal.h"

/* The r/w/m the kernel knows; other letters are ignored as runc does
 * ("rwa" is "rw"), with a warning. A deny rule left with nothing to deny
 * is refused: it would confine less than whoever wrote it meant. */
static int parse_access(json_t *obj, const char *path, bool allow, char access[4], struct hr_error *err)
{
	_cleanup_free_ char *a = NULL;
	char p[HR_JPATH_MAX];
	size_t n = 0;
	bool other = false;
	int r = hr_jget_string(obj, path, "access", false, &a, err);

	if (r < 0)
		return -1;
	if (r == 0) {
		strcpy(access, "rwm");
		return 0;
	}
	hr_jpath_key(p, path, "access");
	for (const char *c = "rwm"; *c; c++)
		if (strchr(a, *c))
			access[n++] = *c;
	access[n] = '\0';
	other = strspn(a, "rwm") != strlen(a);
	if (!n && !allow)
		return hr_jerr(err, p, "\"%s\" denies none of r, w, m: refusing a device rule that would deny nothing", a);
	if (other || !n)
		hr_log_warnf("%s: device access \"%s\": only r, w and m mean anything; using \"%s\"", p, a, access);
	return 0;
}

static int parse_device_rule(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_device_rule *d = (struct hr_device_rule *)items + idx;
	_cleanup_free_ char *type = NULL;
	char p[HR_JPATH_MAX];
	int r;

	if (hr_jcheck_object(obj, path, err) < 0 ||
	    hr_jget_bool(obj, path, "allow", true, &d->allow, err) < 0)
		return -1;
	r = hr_jget_string(obj, path, "type", false, &type, err);
	if (r < 0)
		return -1;
	d->type = 'a';
	if (r > 0) {
		if (strlen(type) != 1 || !strchr("acb", type[0]))
			return hr_jerr(err, hr_jpath_key(p, path, "type"),
				       "unknown device type \"%s\" (expected a, c or b)", type);
		d->type = type[0];
	}
	d->major = d->minor = -1;
	if (hr_jget_int_range(obj, path, "major", false, -1, INT64_MAX, &d->major, err) < 0 ||
	    hr_jget_int_range(obj, path, "minor", false, -1, INT64_MAX, &d->minor, err) < 0)
		return -1;
	return parse_access(obj, path, d->allow, d->access, err);
}

static int parse_device_rules(json_t *res, const char *parent, struct hr_resources *r,
			      struct hr_error *err)
{
	void *items = NULL;
	int rc = hr_jget_array_of(res, parent, "devices", sizeof(*r->devices), parse_device_rule, &items,
				  &r->n_devices, err);

	r->devices = items;
	return rc;
}

/* A getter's result (-1 error, 0 absent, 1 present) as *has. */
static int present(int r, bool *has)
{
	if (r < 0)
		return -1;
	*has = r > 0;
	return 0;
}

/* int64 limit where -1 means unlimited. */
static int get_limit(json_t *obj, const char *path, const char *key, bool *has, int64_t *out,
		     struct hr_error *err)
{
	return present(hr_jget_int_range(obj, path, key, false, -1, INT64_MAX, out, err), has);
}

static int get_flag(json_t *obj, const char *path, const char *key, bool *has, bool *out,
		    struct hr_error *err)
{
	return present(hr_jget_bool(obj, path, key, false, out, err), has);
}

static int parse_memory(json_t *res, const char *parent, struct hr_resources *r,
			struct hr_error *err)
{
	struct hr_memory *m = &r->memory;
	char path[HR_JPATH_MAX];
	json_t *obj = NULL;
	int rc = hr_jget_object(res, parent, "memory", false, &obj, err);

	if (rc <= 0)
		return rc;
	r->has_memory = true;
	hr_jpath_key(path, parent, "memory");
	if (get_limit(obj, path, "limit", &m->has_limit, &m->limit, err) < 0 ||
	    get_limit(obj, path, "reservation", &m->has_reservation, &m->reservation, err) < 0 ||
	    get_limit(obj, path, "swap", &m->has_swap, &m->swap, err) < 0 ||
	    get_limit(obj, path, "kernel", &m->has_kernel, &m->kernel, err) < 0 ||
	    get_limit(obj, path, "kernelTCP", &m->has_kernel_tcp, &m->kernel_tcp, err) < 0)
		return -1;
	if (present(hr_jget_u64(obj, path, "swappiness", false, &m->swappiness, err), &m->has_swappiness) < 0 ||
	    get_flag(obj, path, "disableOOMKiller", &m->has_disable_oom_killer,
		     &m->disable_oom_killer, err) < 0 ||
	    get_flag(obj, path, "useHierarchy", &m->has_use_hierarchy, &m->use_hierarchy, err) < 0 ||
	    get_flag(obj, path, "checkBeforeUpdate", &m->has_check_before_update,
		     &m->check_before_update, err) < 0)
		return -1;
	return 0;
}

static int get_u64(json_t *obj, const char *path, const char *key, bool *has, uint64_t *out,
		   struct hr_error *err)
{
	return present(hr_jget_u64(obj, path, key, false, out, err), has);
}

static int get_i64(json_t *obj, const char *path, const char *key, bool *has, int64_t *out,
		   struct hr_error *err)
{
	return present(hr_jget_i64(obj, path, key, false, out, err), has);
}

static int parse_cpu(json_t *res, const char *parent, struct hr_resources *r, struct hr_error *err)
{
	struct hr_cpu *c = &r->cpu;
	char path[HR_JPATH_MAX];
	json_t *obj = NULL;
	int rc = hr_jget_object(res, parent, "cpu", false, &obj, err);

	if (rc <= 0)
		return rc;
	r->has_cpu = true;
	hr_jpath_key(path, parent, "cpu");
	if (get_u64(obj, path, "shares", &c->has_shares, &c->shares, err) < 0 ||
	    get_i64(obj, path, "quota", &c->has_quota, &c->quota, err) < 0 ||
	    get_u64(obj, path, "burst", &c->has_burst, &c->burst, err) < 0 ||
	    get_u64(obj, path, "period", &c->has_period, &c->period, err) < 0 ||
	    get_i64(obj, path, "realtimeRuntime", &c->has_realtime_runtime, &c->realtime_runtime,
		    err) < 0 ||
	    get_u64(obj, path, "realtimePeriod", &c->has_realtime_period, &c->realtime_period,
		    err) < 0 ||
	    get_i64(obj, path, "idle", &c->has_idle, &c->idle, err) < 0 ||
	    hr_jget_string(obj, path, "cpus", false, &c->cpus, err) < 0 ||
	    hr_jget_string(obj, path, "mems", false, &c->mems, err) < 0)
		return -1;
	return 0;
}

static int parse_pids(json_t *res, const char *parent, struct hr_resources *r,
		      struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	json_t *obj = NULL;
	int rc = hr_jget_object(res, parent, "pids", false, &obj, err);

	if (rc <= 0)
		return rc;
	hr_jpath_key(path, parent, "pids");
	/* runc treats 0 and below as "max"; the schema requires limit. */
	if (hr_jget_i64(obj, path, "limit", true, &r->pids_limit, err) < 0)
		return -1;
	r->has_pids = true;
	return 0;
}

static int parse_weight_device(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_weight_device *d = (struct hr_weight_device *)items + idx;
	int rc;

	if (hr_jcheck_object(obj, path, err) < 0 ||
	    hr_jget_i64(obj, path, "major", true, &d->major, err) < 0 ||
	    hr_jget_i64(obj, path, "minor", true, &d->minor, err) < 0)
		return -1;
	if ((rc = hr_jget_u16(obj, path, "weight", false, &d->weight, err)) < 0)
		return -1;
	d->has_weight = rc > 0;
	if ((rc = hr_jget_u16(obj, path, "leafWeight", false, &d->leaf_weight, err)) < 0)
		return -1;
	d->has_leaf_weight = rc > 0;
	return 0;
}

static int parse_throttle(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_throttle_device *d = (struct hr_throttle_device *)items + idx;

	if (hr_jcheck_object(obj, path, err) < 0 ||
	    hr_jget_i64(obj, path, "major", true, &d->major, err) < 0 ||
	    hr_jget_i64(obj, path, "minor", true, &d->minor, err) < 0 ||
	    hr_jget_u64(obj, path, "rate", true, &d->rate, err) < 0)
		return -1;
	return 0;
}

static int parse_throttle_list(json_t *bio, const char *parent, const char *key,
			       struct hr_throttle_device **out, size_t *n, struct hr_error *err)
{
	void *items = NULL;
	int rc = hr_jget_array_of(bio, parent, key, sizeof(**out), parse_throttle, &items, n, err);

	*out = items;
	return rc;
}

static int parse_weight_devices(json_t *bio, const char *parent, struct hr_block_io *b,
				struct hr_error *err)
{
	void *items = NULL;
	int rc = hr_jget_array_of(bio, parent, "weightDevice", sizeof(*b->weight_devices), parse_weight_device,
				  &items, &b->n_weight_devices, err);

	b->weight_devices = items;
	return rc;
}

static int parse_block_io(json_t *res, const char *parent, struct hr_resources *r,
			  struct hr_error *err)
{
	struct hr_block_io *b = &r->block_io;
	char path[HR_JPATH_MAX];
	json_t *obj = NULL;
	int rc = hr_jget_object(res, parent, "blockIO", false, &obj, err);

	if (rc <= 0)
		return rc;
	r->has_block_io = true;
	hr_jpath_key(path, parent, "blockIO");
	if ((rc = hr_jget_u16(obj, path, "weight", false, &b->weight, err)) < 0)
		return -1;
	b->has_weight = rc > 0;
	if ((rc = hr_jget_u16(obj, path, "leafWeight", false, &b->leaf_weight, err)) < 0)
		return -1;
	b->has_leaf_weight = rc > 0;
	if (parse_weight_devices(obj, path, b, err) < 0 ||
	    parse_throttle_list(obj, path, "throttleReadBpsDevice", &b->throttle_read_bps,
				&b->n_throttle_read_bps, err) < 0 ||
	    parse_throttle_list(obj, path, "throttleWriteBpsDevice", &b->throttle_write_bps,
				&b->n_throttle_write_bps, err) < 0 ||
	    parse_throttle_list(obj, path, "throttleReadIOPSDevice", &b->throttle_read_iops,
				&b->n_throttle_read_iops, err) < 0 ||
	    parse_throttle_list(obj, path, "throttleWriteIOPSDevice", &b->throttle_write_iops,
				&b->n_throttle_write_iops, err) < 0)
		return -1;
	return 0;
}

/* "2MB", "64KB", "1GB": the runtime-spec's pattern ^[1-9][0-9]*[KMG]B$. */
static bool page_size_valid(const char *s)
{
	size_t n = strlen(s), digits = strspn(s, "0123456789");

	return n >= 3 && digits == n - 2 && s[0] != '0' && strchr("KMG", s[n - 2]) &&
	       s[n - 1] == 'B';
}

static int parse_hugepage(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_hugepage_limit *h = (struct hr_hugepage_limit *)items + idx;
	char p[HR_JPATH_MAX];

	if (hr_jcheck_object(obj, path, err) < 0 ||
	    hr_jget_string(obj, path, "pageSize", true, &h->page_size, err) < 0)
		return -1;
	if (!page_size_valid(h->page_size))
		return hr_jerr(err, hr_jpath_key(p, path, "pageSize"),
			       "invalid page size \"%s\" (expected e.g. \"2MB\", \"64KB\", \"1GB\")",
			       h->page_size);
	if (hr_jget_u64(obj, path, "limit", true, &h->limit, err) < 0)
		return -1;
	return 0;
}

static int parse_hugepages(json_t *res, const char *parent, struct hr_resources *r,
			   struct hr_error *err)
{
	void *items = NULL;
	int rc = hr_jget_array_of(res, parent, "hugepageLimits", sizeof(*r->hugepage_limits), parse_hugepage,
				  &items, &r->n_hugepage_limits, err);

	r->hugepage_limits = items;
	return rc;
}

static int parse_unified(json_t *res, const char *parent, struct hr_resources *r,
			 struct hr_error *err)
{
	char path[HR_JPATH_MAX], p[HR_JPATH_MAX];
	int rc = hr_jget_kv(res, parent, "unified", &r->unified, &r->n_unified, err);

	if (rc <= 0)
		return rc;
	hr_jpath_key(path, parent, "unified");
	/* Keys become file names in the container's cgroup directory. */
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *k = r->unified[i].key;
		if (!*k || k[0] == '.' || strchr(k, '/'))
			return hr_jerr(err, hr_jpath_key(p, path, k),
				       "must be a cgroup file name (no \"/\", not starting with \".\")");
	}
	return 0;
}

/* Shape checks only; the values are not applied. */
static int check_network_rdma(json_t *res, const char *parent, struct hr_error *err)
{
	char path[HR_JPATH_MAX], ppath[HR_JPATH_MAX], epath[HR_JPATH_MAX];
	json_t *obj = NULL, *arr = NULL, *e;
	const char *k;
	uint32_t u;
	size_t i;
	int rc;

	if ((rc = hr_jget_object(res, parent, "network", false, &obj, err)) < 0)
		return -1;
	hr_jpath_key(path, parent, "network");
	if (rc > 0 && (hr_jget_u32(obj, path, "classID", false, &u, err) < 0 ||
		       hr_jget_array(obj, path, "priorities", false, &arr, err) < 0))
		return -1;
	hr_jpath_key(ppath, path, "priorities");
	json_array_foreach(arr, i, e) {
		_cleanup_free_ char *name = NULL;
		hr_jpath_idx(epath, ppath, i);
		if (hr_jcheck_object(e, epath, err) < 0 ||
		    hr_jget_string(e, epath, "name", true, &name, err) < 0 ||
		    hr_jget_u32(e, epath, "priority", true, &u, err) < 0)
			return -1;
	}
	obj = NULL;
	if (hr_jget_object(res, parent, "rdma", false, &obj, err) < 0)
		return -1;
	hr_jpath_key(path, parent, "rdma");
	json_object_foreach(obj, k, e) {
		hr_jpath_key(epath, path, k);
		if (hr_jcheck_object(e, epath, err) < 0 ||
		    hr_jget_u32(e, epath, "hcaHandles", false, &u, err) < 0 ||
		    hr_jget_u32(e, epath, "hcaObjects", false, &u, err) < 0)
			return -1;
	}
	return 0;
}

int hr_spec_parse_resources(json_t *obj, const char *path, struct hr_resources *r,
			    struct hr_error *err)
{
	if (parse_device_rules(obj, path, r, err) < 0 || parse_memory(obj, path, r, err) < 0 ||
	    parse_cpu(obj, path, r, err) < 0 || parse_pids(obj, path, r, err) < 0 ||
	    parse_block_io(obj, path, r, err) < 0 || parse_hugepages(obj, path, r, err) < 0 ||
	    parse_unified(obj, path, r, err) < 0 || check_network_rdma(obj, path, err) < 0)
		return -1;
	return 0;
}

void hr_resources_clear(struct hr_resources *r)
{
	if (!r)
		return;
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->block_io.weight_devices);
	free(r->block_io.throttle_read_bps);
	free(r->block_io.throttle_write_bps);
	free(r->block_io.throttle_read_iops);
	free(r->block_io.throttle_write_iops);
	for (size_t i = 0; i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	hr_kv_free(r->unified, r->n_unified);
	memset(r, 0, sizeof(*r));
}

int hr_resources_load_string(const char *json, const char *source_name, struct hr_resources *out,
			     struct hr_error *err)
{
	json_t *top;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!source_name)
		source_name = "resources";
	top = hr_json_parse(json, source_name, err);
	if (!top)
		return -1;
	rc = hr_spec_parse_resources(top, "", out, err);
	json_decref(top);
	if (rc < 0) {
		hr_resources_clear(out);
		return hr_error_wrap(err, "%s", source_name);
	}
	return 0;
}
