/* linux.resources -> cgroup v2 interface files. Fails closed: a limit whose
 * controller is missing, or that v2 has no knob for, is an error (unless
 * HR_CGROUP_ALLOW_MISSING_CONTROLLERS), and so is a value the kernel rejects. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "base/log.h"
#include "base/util.h"

/* ---- conversions ------------------------------------------------------------- */

/* v clamped to [lo, hi], mapped linearly onto the v2 weight range 1..10000. */
static unsigned long long to_weight(unsigned long long v, unsigned long long lo, unsigned long long hi)
{
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return 1 + ((v - lo) * 9999) / (hi - lo);
}

unsigned long long hr_cgroup_shares_to_weight(unsigned long long shares)
{
	return to_weight(shares, 2, 262144);
}

unsigned long long hr_cgroup_blkio_to_io_weight(unsigned long long weight)
{
	return to_weight(weight, 10, 1000);
}

int hr_cgroup_swap_max(bool has_limit, int64_t limit, int64_t swap, int64_t *swap_max, struct hr_error *err)
{
	/* Unlimited memory and no swap given: both unlimited, as with v1. */
	if (has_limit && limit == -1 && swap == 0) {
		*swap_max = -1;
		return 1;
	}
	if (swap == 0)
		return 0;
	if (swap == -1) {
		*swap_max = -1;
		return 1;
	}
	if (swap < -1)
		return hr_error_set(err, 0, "invalid memory.swap %" PRId64, swap);
	if (!has_limit || limit <= 0)
		return hr_error_set(err, 0, "memory.swap %" PRId64 " needs a memory.limit (swap is memory+swap)",
				    swap);
	if (swap < limit)
		return hr_error_set(err, 0, "memory.swap %" PRId64 " is below memory.limit %" PRId64
				    " (OCI swap is memory+swap, so it must be >= the limit)", swap, limit);
	*swap_max = swap - limit;
	return 1;
}

/* ---- writers ---------------------------------------------------------------------- */

struct apply_ctx {
	struct hr_cgroup *cg;
	unsigned flags;
	unsigned skip;           /* controllers missing but allowed to be */
	struct hr_error *err;
};

static int put(struct apply_ctx *a, const char *file, const char *value)
{
	return hr_cg_write(a->cg->dirfd, file, value, a->err);
}

static int putf(struct apply_ctx *a, const char *file, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int putf(struct apply_ctx *a, const char *file, const char *fmt, ...)
{
	va_list ap;
	char *v = NULL;

	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) < 0)
		abort();
	va_end(ap);
	int rc = put(a, file, v);
	free(v);
	return rc;
}

/* A setting cgroup v2 cannot enforce. */
static int unsupported(struct apply_ctx *a, const char *what)
{
	if (a->flags & HR_CGROUP_ALLOW_MISSING_CONTROLLERS) {
		hr_log_warnf("cgroup: %s is not supported on cgroup v2; not enforced", what);
		return 0;
	}
	return hr_error_set(a->err, 0, "%s is not supported on cgroup v2", what);
}

static int check_before_update(struct apply_ctx *a, int64_t limit)
{
	unsigned long long usage;

	if (hr_cg_read_u64(a->cg->dirfd, "memory.current", &usage, a->err) < 0)
		return -1;
	if ((unsigned long long)limit < usage)
		return hr_error_set(a->err, 0, "memory limit %" PRId64 " is below the current usage %llu "
				    "(checkBeforeUpdate)", limit, usage);
	return 0;
}

static int apply_memory(struct apply_ctx *a, const struct hr_memory *m)
{
	int64_t swap_max = 0;
	int have_swap = 0;

	if (m->has_disable_oom_killer && m->disable_oom_killer && unsupported(a, "memory.disableOOMKiller") < 0)
		return -1;
	if (m->has_kernel && m->kernel != -1 && m->kernel != 0 && unsupported(a, "memory.kernel") < 0)
		return -1;
	if (m->has_kernel_tcp && m->kernel_tcp != -1 && m->kernel_tcp != 0 && unsupported(a, "memory.kernelTCP") < 0)
		return -1;
	if (m->has_swappiness && unsupported(a, "memory.swappiness") < 0)
		return -1;
	if (m->has_limit && m->limit < -1)
		return hr_error_set(a->err, 0, "invalid memory.limit %" PRId64, m->limit);
	if (m->has_swap && (have_swap = hr_cgroup_swap_max(m->has_limit, m->limit, m->swap, &swap_max, a->err)) < 0)
		return -1;
	if (!m->has_swap && m->has_limit && m->limit == -1)
		have_swap = hr_cgroup_swap_max(true, -1, 0, &swap_max, a->err);
	if (a->skip & (1u << HR_CG_MEMORY))
		return 0;

	if (m->has_limit && m->limit > 0 && m->has_check_before_update && m->check_before_update &&
	    check_before_update(a, m->limit) < 0)
		return -1;
	if (m->has_limit && m->limit != 0) {
		if (m->limit == -1 ? put(a, "memory.max", "max") : putf(a, "memory.max", "%" PRId64, m->limit))
			return -1;
	}
	if (m->has_reservation) {
		if (m->reservation < 0 ? put(a, "memory.low", "max")
				       : putf(a, "memory.low", "%" PRId64, m->reservation))
			return -1;
	}
	if (have_swap) {
		/* No memory.swap.max: swap accounting is off. "max" is then
		 * what we have anyway; anything else cannot be enforced. */
		if (!hr_cg_file_exists(a->cg->dirfd, "memory.swap.max")) {
			if (swap_max == -1)
				return 0;
			return unsupported(a, "memory.swap without swap accounting (no memory.swap.max)");
		}
		if (swap_max == -1 ? put(a, "memory.swap.max", "max")
				   : putf(a, "memory.swap.max", "%" PRId64, swap_max))
			return -1;
	}
	return 0;
}

static int apply_cpu(struct apply_ctx *a, const struct hr_cpu *c)
{
	if ((c->has_realtime_runtime && c->realtime_runtime) || (c->has_realtime_period && c->realtime_period))
		if (unsupported(a, "cpu.realtimeRuntime/realtimePeriod") < 0)
			return -1;
	if (a->skip & (1u << HR_CG_CPU))
		return 0;
	if (c->has_shares && c->shares && putf(a, "cpu.weight", "%llu", hr_cgroup_shares_to_weight(c->shares)) < 0)
		return -1;
	if (c->has_idle && putf(a, "cpu.idle", "%" PRId64, c->idle) < 0)
		return -1;
	if ((c->has_quota && c->quota != 0) || (c->has_period && c->period)) {
		_cleanup_free_ char *quota = NULL;
		if (c->has_quota && c->quota != 0) {
			quota = c->quota < 0 ? xstrdup("max") : xasprintf("%" PRId64, c->quota);
		} else {
			/* Only the period changes: keep the current quota. */
			if (hr_cg_read(a->cg->dirfd, "cpu.max", &quota, a->err) < 0)
				return -1;
			quota[strcspn(quota, " \n")] = '\0';
		}
		if (c->has_period && c->period ? putf(a, "cpu.max", "%s %" PRIu64, quota, c->period)
					       : put(a, "cpu.max", quota))
			return -1;
	}
	if (c->has_burst && putf(a, "cpu.max.burst", "%" PRIu64, c->burst) < 0)
		return -1;
	return 0;
}

static int apply_cpuset(struct apply_ctx *a, const struct hr_cpu *c)
{
	if (a->skip & (1u << HR_CG_CPUSET))
		return 0;
	if (c->cpus && *c->cpus && put(a, "cpuset.cpus", c->cpus) < 0)
		return -1;
	if (c->mems && *c->mems && put(a, "cpuset.mems", c->mems) < 0)
		return -1;
	return 0;
}

static int apply_pids(struct apply_ctx *a, int64_t limit)
{
	if (a->skip & (1u << HR_CG_PIDS))
		return 0;
	if (limit <= 0) {
		/* unlimited: reset a previous limit where the controller is on */
		if (faccessat(a->cg->dirfd, "pids.max", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			return 0;
		return put(a, "pids.max", "max");
	}
	return putf(a, "pids.max", "%" PRId64, limit);
}

static int write_throttle(struct apply_ctx *a, const struct hr_throttle_device *d, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++) {
		int rc = d[i].rate ? putf(a, "io.max", "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d[i].major, d[i].minor,
					  key, d[i].rate)
				   : putf(a, "io.max", "%" PRId64 ":%" PRId64 " %s=max", d[i].major, d[i].minor, key);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int apply_io(struct apply_ctx *a, const struct hr_block_io *b)
{
	if (((b->has_leaf_weight && b->leaf_weight) ||
	     (b->n_weight_devices && b->weight_devices[0].has_leaf_weight)) &&
	    unsupported(a, "blockIO.leafWeight") < 0)
		return -1;
	if (a->skip & (1u << HR_CG_IO))
		return 0;
	/* BFQ takes the v1 range 10..1000 as is; io.weight (iocost) needs the
	 * 1..10000 conversion. */
	bool bfq = hr_cg_file_exists(a->cg->dirfd, "io.bfq.weight");
	if ((b->has_weight && b->weight) || b->n_weight_devices) {
		if (!bfq && !hr_cg_file_exists(a->cg->dirfd, "io.weight") &&
		    unsupported(a, "blockIO.weight without io.weight or io.bfq.weight") < 0)
			return -1;
	}
	if (b->has_weight && b->weight) {
		if (bfq ? putf(a, "io.bfq.weight", "%u", b->weight)
			: putf(a, "io.weight", "%llu", hr_cgroup_blkio_to_io_weight(b->weight)))
			return -1;
	}
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct hr_weight_device *d = &b->weight_devices[i];
		if (!d->has_weight)
			continue;
		if (bfq ? putf(a, "io.bfq.weight", "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight)
			: putf(a, "io.weight", "%" PRId64 ":%" PRId64 " %llu", d->major, d->minor,
			       hr_cgroup_blkio_to_io_weight(d->weight)))
			return -1;
	}
	if (write_throttle(a, b->throttle_read_bps, b->n_throttle_read_bps, "rbps") < 0 ||
	    write_throttle(a, b->throttle_write_bps, b->n_throttle_write_bps, "wbps") < 0 ||
	    write_throttle(a, b->throttle_read_iops, b->n_throttle_read_iops, "riops") < 0 ||
	    write_throttle(a, b->throttle_write_iops, b->n_throttle_write_iops, "wiops") < 0)
		return -1;
	return 0;
}

static int apply_hugetlb(struct apply_ctx *a, const struct hr_resources *r)
{
	if (a->skip & (1u << HR_CG_HUGETLB))
		return 0;
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct hr_hugepage_limit *h = &r->hugepage_limits[i];
		if (!h->page_size || !*h->page_size || strchr(h->page_size, '/'))
			return hr_error_set(a->err, 0, "invalid hugepage pageSize \"%s\"",
					    h->page_size ? h->page_size : "");
		_cleanup_free_ char *file = xasprintf("hugetlb.%s.max", h->page_size);
		_cleanup_free_ char *rsvd = xasprintf("hugetlb.%s.rsvd.max", h->page_size);
		if (!hr_cg_file_exists(a->cg->dirfd, file))
			return hr_error_set(a->err, 0, "hugepage size \"%s\" is not supported here (no %s)",
					    h->page_size, file);
		if (putf(a, file, "%" PRIu64, h->limit) < 0)
			return -1;
		if (hr_cg_file_exists(a->cg->dirfd, rsvd) && putf(a, rsvd, "%" PRIu64, h->limit) < 0)
			return -1;
	}
	return 0;
}

/* Files a unified entry must not touch: membership and lifecycle are ours. */
static bool unified_forbidden(const char *key)
{
	static const char *const forbidden[] = { "cgroup.procs", "cgroup.threads", "cgroup.kill", "cgroup.freeze" };
	for (size_t i = 0; i < HR_ARRAY_SIZE(forbidden); i++)
		if (strcmp(key, forbidden[i]) == 0)
			return true;
	return false;
}

static int apply_unified(struct apply_ctx *a, const struct hr_resources *r)
{
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *k = r->unified[i].key, *v = r->unified[i].value ? r->unified[i].value : "";
		if (!*k || strchr(k, '/') || strcmp(k, ".") == 0 || strcmp(k, "..") == 0)
			return hr_error_set(a->err, 0, "unified key \"%s\" is not a cgroup file name", k);
		if (unified_forbidden(k))
			return hr_error_set(a->err, 0, "unified key \"%s\" may not be set by the config", k);
		int c = hr_cg_controller_from_name(k, strcspn(k, "."));
		if (c >= 0 && (a->skip & (1u << c)))
			continue;
		if (!hr_cg_file_exists(a->cg->dirfd, k))
			return hr_error_set(a->err, 0, "unified key \"%s\" does not name a file of this cgroup", k);
		if (put(a, k, v) < 0)
			return -1;
	}
	return 0;
}

/* Fails closed for controllers the cgroup does not have (cgroup.controllers,
 * i.e. what its parent enables for it); with ALLOW_MISSING they are skipped. */
static int check_available(struct apply_ctx *a, unsigned want)
{
	_cleanup_free_ char *avail = NULL, *display = hr_cg_display(a->cg, a->cg->path);

	if (!want)
		return 0;
	if (hr_cg_read(a->cg->dirfd, "cgroup.controllers", &avail, a->err) < 0)
		return -1;
	avail[strcspn(avail, "\n")] = '\0';
	for (int c = 0; c < HR_CG_N; c++) {
		const char *name = hr_cg_controller_name(c);
		if (!(want & (1u << c)) || hr_cg_list_has(avail, name))
			continue;
		if (hr_cg_controller_missing(c, display, avail, a->flags, a->err) < 0)
			return -1;
		a->skip |= 1u << c;
	}
	return 0;
}

int hr_cgroup_apply_resources(struct hr_cgroup *cg, const struct hr_resources *res, unsigned flags,
			      struct hr_error *err)
{
	struct apply_ctx a = { .cg = cg, .flags = flags, .err = err };
	_cleanup_free_ char *display = hr_cg_display(cg, cg->path);

	if (check_available(&a, hr_cg_needed_controllers(res)) < 0)
		return -1;  /* already names the cgroup */
	if ((res->has_memory && apply_memory(&a, &res->memory) < 0) ||
	    (res->has_cpu && (apply_cpu(&a, &res->cpu) < 0 || apply_cpuset(&a, &res->cpu) < 0)) ||
	    (res->has_pids && apply_pids(&a, res->pids_limit) < 0) ||
	    (res->has_block_io && apply_io(&a, &res->block_io) < 0) ||
	    apply_hugetlb(&a, res) < 0 || apply_unified(&a, res) < 0)
		return hr_error_wrap(err, "cgroup: %s", display);
	if (!(flags & HR_CGROUP_SKIP_DEVICES) && hr_cgroup_apply_devices(cg, res->devices, res->n_devices, err) < 0)
		return -1;
	return 0;
}
