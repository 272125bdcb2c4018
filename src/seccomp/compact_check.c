/* The smaller program is used only when it answers as libseccomp's does
 * (compact.c): on every interval of every architecture the two are run at
 * its ends and middle; where arguments matter, every path of each program
 * is explored and its witness run through the other; a few architecture
 * values neither names are tried too. The construction is meant to be
 * exact: this catches a mistake in it before a filter does. */
#include "seccomp/compact.h"

#include <stdbool.h>
#include <string.h>

#include "seccomp/eval.h"

struct other_prog {
	const struct sock_filter *prog;
	size_t n;
	bool differ;
};

static bool same_on(const struct sock_filter *p, size_t pn, const struct sock_filter *q, size_t qn,
		    const struct seccomp_data *d)
{
	struct hr_seccomp_verdict vp, vq;
	struct hr_error err = { 0 };

	return hr_seccomp_eval(p, pn, d, &vp, &err) == 0 && hr_seccomp_eval(q, qn, d, &vq, &err) == 0 &&
	       vp.ret == vq.ret;
}

static bool same_any_args(const struct sock_filter *p, size_t pn, const struct sock_filter *q, size_t qn,
			  uint32_t arch, uint32_t nr)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.arch = arch;
	d.nr = (int)nr;
	if (!same_on(p, pn, q, qn, &d))
		return false;
	memset(d.args, 0xff, sizeof(d.args));
	return same_on(p, pn, q, qn, &d);
}

static int witness_in_other(const struct seccomp_data *w, const struct hr_seccomp_verdict *v, void *ud)
{
	struct other_prog *o = ud;
	struct hr_seccomp_verdict ov;
	struct hr_error err = { 0 };

	if (hr_seccomp_eval(o->prog, o->n, w, &ov, &err) < 0 || ov.ret != v->ret)
		o->differ = true;
	return o->differ;
}

/* Every path of `from` (arguments unknown), run through `to`. */
static bool paths_agree(const struct sock_filter *from, size_t fn, const struct sock_filter *to, size_t tn,
			uint32_t arch, uint32_t nr)
{
	struct other_prog o = { to, tn, false };
	struct hr_error err = { 0 };
	bool complete = false;

	if (hr_seccomp_explore(from, fn, arch, (int)nr, NULL, 0, witness_in_other, &o, &complete, &err) < 0)
		return false;
	return complete && !o.differ;
}

static bool case_holds(const struct sock_filter *p, size_t pn, const struct sock_filter *q, size_t qn,
		       const struct hr_compact_case *c)
{
	uint32_t nrs[3] = { c->lo, c->hi, c->lo + (c->hi - c->lo) / 2 };

	for (int i = 0; i < 3; i++) {
		if (!same_any_args(p, pn, q, qn, c->arch, nrs[i]))
			return false;
		if (c->residue && (!paths_agree(p, pn, q, qn, c->arch, nrs[i]) ||
				   !paths_agree(q, qn, p, pn, c->arch, nrs[i])))
			return false;
	}
	return true;
}

bool hr_seccomp_compact_same(const struct sock_filter *p, size_t pn, const struct sock_filter *q, size_t qn,
			     const struct hr_compact_case *cases, size_t n_cases, uint32_t other_arch)
{
	const uint32_t arches[] = { other_arch, other_arch + 1, 0, UINT32_MAX };
	const uint32_t nrs[] = { 0, 1, 59, 0x40000000U, UINT32_MAX };

	for (size_t i = 0; i < n_cases; i++)
		if (!case_holds(p, pn, q, qn, &cases[i]))
			return false;
	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++)
		for (size_t n = 0; n < sizeof(nrs) / sizeof(nrs[0]); n++)
			if (!same_any_args(p, pn, q, qn, arches[a], nrs[n]))
				return false;
	return true;
}
