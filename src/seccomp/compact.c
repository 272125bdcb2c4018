/* Smaller seccomp programs (issue 16).
 *
 * libseccomp emits one comparison per syscall and architecture: hardrun's
 * default profile is ~1,470 instructions as a binary tree. The kernel pays
 * for every instruction when it loads a filter (its JIT: ~225 µs here, in
 * every run and exec). Most syscalls get an answer that does not depend on
 * their arguments, and neighbouring numbers mostly get the same one, so
 * the same decisions fit in a few hundred instructions as ranges.
 *
 * This does not compile the profile again: it derives the smaller program
 * Q from libseccomp's program P itself.
 *  - For each architecture value P tells apart, P is run with the
 *    architecture known and the syscall number unknown (constant
 *    propagation over the forward-only program); every constant the number
 *    is compared with splits the numbers into intervals on which P cannot
 *    tell them apart.
 *  - P is specialised to each interval's first number: comparisons on known
 *    values are decided, and what remains is either one known return value
 *    or a residue of P's own instructions that reads the arguments.
 *  - Q dispatches on the architecture, then through a binary search over
 *    the intervals to a shared return or to that residue (P's instructions,
 *    with the decided jumps gone).
 * Anything P does that this reasoning does not cover (arithmetic on the
 * number or the architecture, a JSET on them, ordering comparisons on the
 * architecture, a return of a computed value) leaves P as it is. Q is then
 * checked against P with the interpreter (compact_check.c) before it is
 * used. */
#include "seccomp/compact.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "seccomp/eval_internal.h"

enum { T_NR = 1, T_ARCH = 2 };

struct aval {
	uint32_t v;
	uint8_t known, taint;
};

struct slot {
	uint32_t gen;
	struct aval a, x, mem[HR_BPF_MEMWORDS];
};

static const struct aval unknown_val = { 0, 0, 0 };

static struct aval merge(struct aval p, struct aval q)
{
	struct aval m = { 0, 0, (uint8_t)(p.taint | q.taint) };

	if (p.known && q.known && p.v == q.v) {
		m.known = 1;
		m.v = p.v;
	}
	return m;
}

static void flow_to(struct hr_bpf_spec *s, size_t j, const struct slot *st)
{
	struct slot *d;

	if (j >= s->n) {
		s->unsafe = true;
		return;
	}
	d = &s->slots[j];
	if (d->gen != s->gen) {
		*d = *st;
		d->gen = s->gen;
		return;
	}
	d->a = merge(d->a, st->a);
	d->x = merge(d->x, st->x);
	for (int i = 0; i < HR_BPF_MEMWORDS; i++)
		d->mem[i] = merge(d->mem[i], st->mem[i]);
}

void *hr_bpf_room(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 64;
	return xrealloc(v, *cap * size);
}

static void add_const(uint32_t **set, size_t *n, size_t *cap, uint32_t v)
{
	*set = hr_bpf_room(*set, *n, cap, sizeof(uint32_t));
	(*set)[(*n)++] = v;
}

static struct aval load_abs(const struct hr_bpf_spec *s, uint32_t off)
{
	if (off == 0)
		return (struct aval){ s->nr, (uint8_t)s->nr_known, T_NR };
	if (off == 4)
		return (struct aval){ s->arch, 1, T_ARCH };
	return unknown_val;
}

/* A comparison: records what the number and the architecture are compared
 * with, refuses what the interval reasoning does not cover. 1 taken, 0 not,
 * -1 undecided. */
static int compare(struct hr_bpf_spec *s, uint16_t op, struct aval a, struct aval b)
{
	uint8_t t = (uint8_t)(a.taint | b.taint);

	if ((a.taint && b.taint) || ((t & T_ARCH) && op != BPF_JEQ) || ((t & T_NR) && op == BPF_JSET))
		s->unsafe = true;
	if (a.taint & T_NR && b.known)
		add_const(&s->nr_consts, &s->n_nr_consts, &s->cap_nr_consts, b.v);
	if (a.taint & T_ARCH && b.known)
		add_const(&s->arch_consts, &s->n_arch_consts, &s->cap_arch_consts, b.v);
	if (b.taint & T_NR && a.known)
		add_const(&s->nr_consts, &s->n_nr_consts, &s->cap_nr_consts, a.v);
	if (b.taint & T_ARCH && a.known)
		add_const(&s->arch_consts, &s->n_arch_consts, &s->cap_arch_consts, a.v);
	if (!a.known || !b.known)
		return -1;
	return hr_bpf_jump_taken(op, a.v, b.v) ? 1 : 0;
}

static void do_alu(struct hr_bpf_spec *s, struct slot *st, uint16_t op, struct aval b)
{
	uint32_t v = st->a.v;

	if (st->a.taint || b.taint) { /* arithmetic on the number or the arch */
		s->unsafe = true;
		return;
	}
	if (st->a.known && b.known && hr_bpf_alu(op, &v, b.v) == 0) {
		st->a.v = v;
		return;
	}
	if (st->a.known && b.known) /* a division by zero, or not an ALU op */
		s->unsafe = true;
	st->a = unknown_val;
}

static void do_ret(struct hr_bpf_spec *s, const struct sock_filter *in, const struct slot *st)
{
	bool from_a = BPF_RVAL(in->code) == BPF_A;

	if (from_a && (st->a.taint || !st->a.known)) {
		s->unsafe = true;
		return;
	}
	s->n_rets++;
	s->ret = from_a ? st->a.v : in->k;
}

static void do_load(struct hr_bpf_spec *s, struct slot *st, const struct sock_filter *in)
{
	bool to_x = BPF_CLASS(in->code) == BPF_LDX;
	struct aval v = unknown_val;

	switch (BPF_MODE(in->code)) {
	case BPF_ABS: v = load_abs(s, in->k); break;
	case BPF_LEN: v = (struct aval){ 64, 1, 0 }; break;
	case BPF_IMM: v = (struct aval){ in->k, 1, 0 }; break;
	case BPF_MEM: v = in->k < HR_BPF_MEMWORDS ? st->mem[in->k] : unknown_val; break;
	default: s->unsafe = true;
	}
	if (to_x)
		st->x = v;
	else
		st->a = v;
}

static void do_jump(struct hr_bpf_spec *s, size_t i, const struct sock_filter *in, const struct slot *st)
{
	struct aval b = BPF_SRC(in->code) == BPF_X ? st->x : (struct aval){ in->k, 1, 0 };
	int taken;

	if (BPF_OP(in->code) == BPF_JA) {
		flow_to(s, i + 1 + in->k, st);
		return;
	}
	taken = compare(s, BPF_OP(in->code), st->a, b);
	s->decided[i] = (int8_t)taken;
	if (taken != 0)
		flow_to(s, i + 1 + in->jt, st);
	if (taken != 1)
		flow_to(s, i + 1 + in->jf, st);
	if (taken < 0)
		s->n_open++;
}

/* One instruction reached with state *st. */
static void step(struct hr_bpf_spec *s, size_t i)
{
	const struct sock_filter *in = &s->prog[i];
	struct slot st = s->slots[i];

	switch (BPF_CLASS(in->code)) {
	case BPF_LD: case BPF_LDX: do_load(s, &st, in); break;
	case BPF_ST: case BPF_STX:
		if (in->k >= HR_BPF_MEMWORDS) { s->unsafe = true; return; }
		st.mem[in->k] = BPF_CLASS(in->code) == BPF_ST ? st.a : st.x;
		break;
	case BPF_ALU: do_alu(s, &st, BPF_OP(in->code), BPF_SRC(in->code) == BPF_X ? st.x : (struct aval){ in->k, 1, 0 }); break;
	case BPF_MISC:
		if (BPF_MISCOP(in->code) == BPF_TAX) st.x = st.a; else st.a = st.x;
		break;
	case BPF_JMP: do_jump(s, i, in, &st); return;
	case BPF_RET: do_ret(s, in, &st); return;
	default: s->unsafe = true; return;
	}
	flow_to(s, i + 1, &st);
}

void hr_bpf_specialize(struct hr_bpf_spec *s, uint32_t arch, bool nr_known, uint32_t nr)
{
	struct slot start = { 0 };

	s->gen++;
	s->arch = arch;
	s->nr_known = nr_known;
	s->nr = nr;
	s->n_rets = s->n_open = 0;
	s->n_nr_consts = s->n_arch_consts = 0;
	start.a = start.x = (struct aval){ 0, 1, 0 }; /* the kernel starts A and X at 0 */
	for (int i = 0; i < HR_BPF_MEMWORDS; i++)
		start.mem[i] = unknown_val;
	flow_to(s, 0, &start);
	for (size_t i = 0; i < s->n && !s->unsafe; i++) {
		s->decided[i] = -1;
		if (s->slots[i].gen == s->gen)
			step(s, i);
	}
}

bool hr_bpf_reached(const struct hr_bpf_spec *s, size_t i)
{
	return s->slots[i].gen == s->gen;
}

void hr_bpf_spec_init(struct hr_bpf_spec *s, const struct sock_filter *prog, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->prog = prog;
	s->n = n;
	s->slots = xcalloc(n, sizeof(*s->slots));
	s->decided = xcalloc(n, sizeof(*s->decided));
}

void hr_bpf_spec_free(struct hr_bpf_spec *s)
{
	free(s->slots);
	free(s->decided);
	free(s->nr_consts);
	free(s->arch_consts);
	memset(s, 0, sizeof(*s));
}
