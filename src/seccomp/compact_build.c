/* Building the smaller program (compact.c says why and how): the
 * architectures and number intervals P tells apart, then the code: a
 * dispatch on the architecture, a binary search over each one's
 * intervals, the residues of P that read arguments, and shared returns.
 * Code is laid out with symbolic labels and emitted backwards, so that
 * every jump is forward and a conditional jump farther than 255
 * instructions goes through a JA placed right after it. */
#include "seccomp/compact.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define MAX_ARCHES 16
#define MAX_OUT 4096 /* the kernel's BPF_MAXINSNS */
#define X32_TOKEN 0x4000003eU /* the explorer reads it as x86_64 */

struct interval {
	uint32_t lo, hi;
	bool residue;
	uint32_t ret;
	int label;
};

struct arch_plan {
	uint32_t arch;
	struct interval *iv;
	size_t n;
};

struct ir {
	struct sock_filter in;
	int jt, jf; /* labels (JA: jt) */
};

struct label {
	int at;    /* IR index, -1 while unbound */
	int alias; /* the label it stands for, -1 when none */
};

struct shared_ret {
	uint32_t k;
	int label;
};

struct builder {
	struct ir *ir;
	size_t n_ir, cap_ir;
	struct label *labels;
	size_t n_labels, cap_labels;
	struct shared_ret *rets; /* the returns of the current tree */
	size_t n_rets, cap_rets;
};

static int new_label(struct builder *b)
{
	b->labels = hr_bpf_room(b->labels, b->n_labels, &b->cap_labels, sizeof(*b->labels));
	b->labels[b->n_labels] = (struct label){ -1, -1 };
	return (int)b->n_labels++;
}

static void bind(struct builder *b, int label)
{
	b->labels[label].at = (int)b->n_ir;
}

static void alias(struct builder *b, int label, int target)
{
	b->labels[label].alias = target;
}

static void emit(struct builder *b, uint16_t code, uint32_t k, int jt, int jf)
{
	b->ir = hr_bpf_room(b->ir, b->n_ir, &b->cap_ir, sizeof(*b->ir));
	b->ir[b->n_ir++] = (struct ir){ { code, 0, 0, k }, jt, jf };
}

static int ret_label(struct builder *b, uint32_t k)
{
	for (size_t i = 0; i < b->n_rets; i++)
		if (b->rets[i].k == k)
			return b->rets[i].label;
	b->rets = hr_bpf_room(b->rets, b->n_rets, &b->cap_rets, sizeof(*b->rets));
	b->rets[b->n_rets] = (struct shared_ret){ k, new_label(b) };
	return b->rets[b->n_rets++].label;
}

static int resolve(const struct builder *b, int label)
{
	for (int hops = 0; label >= 0 && b->labels[label].alias >= 0 && hops < 1 << 20; hops++)
		label = b->labels[label].alias;
	return label >= 0 ? b->labels[label].at : -1;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The starts of the intervals the number's comparisons make. */
static size_t starts_of(const struct hr_bpf_spec *s, uint32_t **out)
{
	uint32_t *v = xmalloc((2 * s->n_nr_consts + 1) * sizeof(uint32_t));
	size_t n = 0, m = 0;

	v[n++] = 0;
	for (size_t i = 0; i < s->n_nr_consts; i++) {
		v[n++] = s->nr_consts[i];
		if (s->nr_consts[i] != UINT32_MAX)
			v[n++] = s->nr_consts[i] + 1;
	}
	qsort(v, n, sizeof(uint32_t), cmp_u32);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || v[m - 1] != v[i])
			v[m++] = v[i];
	*out = v;
	return m;
}

/* Which instructions a specialisation reaches and how it decides each
 * jump: two with the same signature leave the same residue. */
static void signature(const struct hr_bpf_spec *s, int8_t *sig)
{
	for (size_t i = 0; i < s->n; i++)
		sig[i] = (int8_t)(hr_bpf_reached(s, i) ? s->decided[i] + 2 : 0);
}

/* The intervals of one architecture, adjacent equal ones merged. */
static int plan_arch(struct hr_bpf_spec *s, uint32_t arch, struct arch_plan *p)
{
	_cleanup_free_ uint32_t *starts = NULL;
	_cleanup_free_ int8_t *sig = xcalloc(s->n, 1), *last_sig = xcalloc(s->n, 1);
	size_t n_starts;

	hr_bpf_specialize(s, arch, false, 0);
	if (s->unsafe)
		return -1;
	n_starts = starts_of(s, &starts);
	p->arch = arch;
	p->iv = xcalloc(n_starts, sizeof(*p->iv));
	for (size_t i = 0; i < n_starts; i++) {
		struct interval cur = { starts[i], i + 1 < n_starts ? starts[i + 1] - 1 : UINT32_MAX, false, 0, -1 };
		struct interval *last = p->n ? &p->iv[p->n - 1] : NULL;
		hr_bpf_specialize(s, arch, true, cur.lo);
		if (s->unsafe || s->n_rets == 0)
			return -1;
		cur.residue = s->n_open > 0 || s->n_rets != 1;
		cur.ret = s->ret;
		if (last && !cur.residue && !last->residue && last->ret == cur.ret) {
			last->hi = cur.hi;
			continue;
		}
		if (cur.residue)
			signature(s, sig);
		if (last && cur.residue && last->residue && memcmp(sig, last_sig, s->n) == 0) {
			last->hi = cur.hi;
			continue;
		}
		if (cur.residue)
			memcpy(last_sig, sig, s->n);
		p->iv[p->n++] = cur;
	}
	return 0;
}

static bool in_set(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* An architecture value P compares with nothing: it stands for all such. */
static uint32_t unused_arch(const struct sock_filter *prog, size_t n)
{
	uint32_t v = 0x7fa1c0deU;

	for (bool used = true; used;) {
		used = false;
		for (size_t i = 0; i < n && !used; i++)
			used = prog[i].k == v;
		if (used)
			v++;
	}
	return v;
}

/* Every architecture value P tells apart, plus one for all the others
 * (first); -1 when P is beyond this reasoning. */
static int plan_all(struct hr_bpf_spec *s, struct arch_plan *plans, size_t *n_plans)
{
	uint32_t arches[MAX_ARCHES];
	size_t n = 0;

	arches[n++] = unused_arch(s->prog, s->n);
	for (size_t i = 0; i < n; i++) {
		hr_bpf_specialize(s, arches[i], false, 0);
		if (s->unsafe)
			return -1;
		for (size_t j = 0; j < s->n_arch_consts; j++) {
			uint32_t a = s->arch_consts[j];
			if (in_set(arches, n, a))
				continue;
			if (n == MAX_ARCHES || a == X32_TOKEN)
				return -1;
			arches[n++] = a;
		}
	}
	for (size_t i = 0; i < n; i++) {
		*n_plans = i + 1;
		if (plan_arch(s, arches[i], &plans[i]) < 0)
			return -1;
	}
	return 0;
}

/* The returns used since the last ones, then a fresh set. */
static void emit_rets(struct builder *b)
{
	for (size_t i = 0; i < b->n_rets; i++) {
		bind(b, b->rets[i].label);
		emit(b, BPF_RET | BPF_K, b->rets[i].k, -1, -1);
	}
	b->n_rets = 0;
}

static size_t ret_uses(const struct arch_plan *p, uint32_t ret)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += !p->iv[i].residue && p->iv[i].ret == ret;
	return n;
}

/* Binds `label` to the search over iv[i..j]: JGE on the middle start; a
 * return used by one interval only sits at its leaf, the others after the
 * tree. */
static void emit_tree(struct builder *b, const struct arch_plan *p, size_t i, size_t j, int label)
{
	size_t mid;
	int hi, lo;

	if (i == j && !p->iv[i].residue && ret_uses(p, p->iv[i].ret) == 1) { /* nothing to share */
		bind(b, label);
		emit(b, BPF_RET | BPF_K, p->iv[i].ret, -1, -1);
		return;
	}
	if (i == j) {
		alias(b, label, p->iv[i].residue ? p->iv[i].label : ret_label(b, p->iv[i].ret));
		return;
	}
	mid = i + (j - i + 1) / 2;
	hi = new_label(b);
	lo = new_label(b);
	bind(b, label);
	emit(b, BPF_JMP | BPF_JGE | BPF_K, p->iv[mid].lo, hi, lo);
	emit_tree(b, p, mid, j, hi);
	emit_tree(b, p, i, mid - 1, lo);
}

/* P's instructions the specialisation reaches, decided jumps gone; every
 * other instruction is followed by a JA to its successor (dropped when it
 * is the next one). */
static void emit_residue(struct builder *b, struct hr_bpf_spec *s, int entry)
{
	_cleanup_free_ int *lab = xmalloc(s->n * sizeof(int));

	for (size_t i = 0; i < s->n; i++)
		lab[i] = new_label(b);
	alias(b, entry, lab[0]);
	for (size_t i = 0; i < s->n; i++) {
		const struct sock_filter *in = &s->prog[i];
		if (!hr_bpf_reached(s, i))
			continue;
		if (in->code == (BPF_JMP | BPF_JA)) {
			alias(b, lab[i], lab[i + 1 + in->k]);
		} else if (BPF_CLASS(in->code) == BPF_JMP && s->decided[i] >= 0) {
			alias(b, lab[i], lab[i + 1 + (s->decided[i] ? in->jt : in->jf)]);
		} else if (BPF_CLASS(in->code) == BPF_JMP) {
			bind(b, lab[i]);
			emit(b, in->code, in->k, lab[i + 1 + in->jt], lab[i + 1 + in->jf]);
		} else {
			bind(b, lab[i]);
			emit(b, in->code, in->k, -1, -1);
			if (BPF_CLASS(in->code) != BPF_RET)
				emit(b, BPF_JMP | BPF_JA, 0, lab[i + 1], -1);
		}
	}
}

static void emit_program(struct builder *b, struct hr_bpf_spec *s, struct arch_plan *plans, size_t n_plans)
{
	int *arch_label = xcalloc(n_plans, sizeof(int));

	emit(b, BPF_LD | BPF_W | BPF_ABS, 4, -1, -1);
	for (size_t i = 0; i < n_plans; i++)
		arch_label[i] = new_label(b);
	for (size_t i = 1; i < n_plans; i++) { /* plans[0] stands for every other arch */
		int next = new_label(b);
		emit(b, BPF_JMP | BPF_JEQ | BPF_K, plans[i].arch, arch_label[i], next);
		bind(b, next);
	}
	for (size_t i = 0; i < n_plans; i++) {
		int tree = new_label(b);
		bind(b, arch_label[i]);
		emit(b, BPF_LD | BPF_W | BPF_ABS, 0, -1, -1);
		emit(b, BPF_JMP | BPF_JA, 0, tree, -1);
		for (size_t j = 0; j < plans[i].n; j++)
			if (plans[i].iv[j].residue)
				plans[i].iv[j].label = new_label(b);
		emit_tree(b, &plans[i], 0, plans[i].n - 1, tree);
		emit_rets(b); /* near the tree: short jumps, no trampolines */
	}
	for (size_t i = 0; i < n_plans; i++)
		for (size_t j = 0; j < plans[i].n; j++)
			if (plans[i].iv[j].residue) {
				hr_bpf_specialize(s, plans[i].arch, true, plans[i].iv[j].lo);
				emit_residue(b, s, plans[i].iv[j].label);
			}
	emit_rets(b);
	free(arch_label);
}

/* The IR as instructions, last first (see the top). */
static int lay_out(const struct builder *b, struct sock_filter **out, size_t *out_n)
{
	_cleanup_free_ size_t *e = xmalloc(b->n_ir * sizeof(size_t));
	struct sock_filter *rev = xmalloc(MAX_OUT * sizeof(*rev));
	size_t len = 0;

	for (size_t idx = b->n_ir; idx-- > 0;) {
		const struct ir *r = &b->ir[idx];
		bool jump = BPF_CLASS(r->in.code) == BPF_JMP, ja = r->in.code == (BPF_JMP | BPF_JA);
		int t = jump ? resolve(b, r->jt) : -1, f = jump && !ja ? resolve(b, r->jf) : -1;
		size_t et, ef;

		if ((jump && (t <= (int)idx || (!ja && f <= (int)idx))) || len + 3 > MAX_OUT) {
			free(rev);
			return -1;
		}
		et = jump ? e[t] : 0;
		ef = f >= 0 ? e[f] : 0;
		if (ja && len - et - 1 == 0) { /* falls through to its target */
			e[idx] = et;
			continue;
		}
		/* a trampoline for one target moves the other one a step away */
		while (!ja && jump && (len - et - 1 > 255 || len - ef - 1 > 255)) {
			size_t *far = len - et - 1 > 255 ? &et : &ef;
			rev[len] = (struct sock_filter){ BPF_JMP | BPF_JA, 0, 0, (uint32_t)(len - *far - 1) };
			*far = len++;
		}
		rev[len] = r->in;
		if (ja)
			rev[len].k = (uint32_t)(len - et - 1);
		else if (jump) {
			rev[len].jt = (uint8_t)(len - et - 1);
			rev[len].jf = (uint8_t)(len - ef - 1);
		}
		e[idx] = len++;
	}
	*out = xmalloc(len * sizeof(**out));
	for (size_t i = 0; i < len; i++)
		(*out)[i] = rev[len - 1 - i];
	*out_n = len;
	free(rev);
	return 0;
}

static size_t plan_cases(const struct arch_plan *plans, size_t n_plans, struct hr_compact_case **cases)
{
	size_t n = 0;

	for (size_t i = 0; i < n_plans; i++)
		n += plans[i].n;
	*cases = xcalloc(n, sizeof(**cases));
	n = 0;
	for (size_t i = 0; i < n_plans; i++)
		for (size_t j = 0; j < plans[i].n; j++)
			(*cases)[n++] = (struct hr_compact_case){ plans[i].arch, plans[i].iv[j].lo, plans[i].iv[j].hi,
								 plans[i].iv[j].residue };
	return n;
}

static void builder_free(struct builder *b)
{
	free(b->ir);
	free(b->labels);
	free(b->rets);
}

int hr_seccomp_compact(const struct sock_filter *prog, size_t n, struct sock_filter **out, size_t *out_n)
{
	struct hr_bpf_spec s;
	struct arch_plan plans[MAX_ARCHES] = { 0 };
	struct builder b = { 0 };
	_cleanup_free_ struct hr_compact_case *cases = NULL;
	size_t n_plans = 0, n_cases;
	int rc = 0;

	*out = NULL;
	hr_bpf_spec_init(&s, prog, n);
	if (plan_all(&s, plans, &n_plans) == 0) {
		emit_program(&b, &s, plans, n_plans);
		if (lay_out(&b, out, out_n) == 0 && *out_n < n) {
			n_cases = plan_cases(plans, n_plans, &cases);
			rc = hr_seccomp_compact_same(prog, n, *out, *out_n, cases, n_cases, plans[0].arch) ? 1 : 0;
		}
	}
	if (rc != 1) {
		free(*out);
		*out = NULL;
	}
	for (size_t i = 0; i < n_plans; i++)
		free(plans[i].iv);
	builder_free(&b);
	hr_bpf_spec_free(&s);
	return rc;
}
