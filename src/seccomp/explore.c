/* Every outcome a seccomp program can give one syscall: the program is run
 * with nr and arch known and the argument words unknown. A jump on an
 * unknown word forks the path and records the comparison; at a return, a
 * value meeting the path's comparisons is searched for each word, and the
 * witness is checked with the concrete interpreter before it is reported.
 *
 * libseccomp compares 32-bit halves of arguments with JEQ/JGT/JGE, after an
 * AND for masked comparisons, so "word & mask OP k" covers what it emits.
 * Anything else (arithmetic on an argument) makes the value unknown: both
 * branches are followed and the search is marked incomplete. */
#include "seccomp/eval.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "base/util.h"
#include "seccomp/eval_internal.h"

#define N_WORDS (sizeof(struct seccomp_data) / 4)
#define FIRST_ARG_WORD (offsetof(struct seccomp_data, args) / 4)
#define MAX_CONS 48
#define MAX_PATHS 4096
#define MAX_STEPS 200000

enum { V_CONST, V_WORD, V_UNKNOWN };

struct sval {
	uint8_t kind;
	uint8_t word;   /* V_WORD: which 32-bit word of seccomp_data */
	uint32_t mask;  /* V_WORD: the value is word & mask */
	uint32_t val;   /* V_CONST */
};

/* (word & mask) op k == truth, op one of BPF_JEQ/JGT/JGE/JSET */
struct cons {
	uint8_t word, op;
	bool truth;
	uint32_t mask, k;
};

struct path {
	size_t pc;
	struct sval a, x, mem[HR_BPF_MEMWORDS];
	struct cons c[MAX_CONS];
	size_t n_cons;
};

struct search {
	const struct sock_filter *prog;
	size_t n;
	struct seccomp_data base;
	hr_seccomp_outcome_fn fn;
	void *ud;
	size_t n_paths, steps;
	bool complete, stop;
	struct hr_error *err;
};

static bool word_ok(const struct cons *c, size_t n, unsigned word, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].word == word && hr_bpf_jump_taken(c[i].op, v & c[i].mask, c[i].k) != c[i].truth)
			return false;
	return true;
}

/* Bits the equalities fix, bits a true JSET wants, bits a false JSET forbids. */
static void word_bits(const struct cons *c, size_t n, unsigned word, uint32_t *eq_mask,
		      uint32_t *eq_val, uint32_t *want, uint32_t *forbid)
{
	*eq_mask = *eq_val = *want = *forbid = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t m = c[i].mask & c[i].k;
		if (c[i].word != word)
			continue;
		if (c[i].op == BPF_JEQ && c[i].truth) {
			*eq_mask |= c[i].mask;
			*eq_val |= c[i].k & c[i].mask;
		} else if (c[i].op == BPF_JSET && c[i].truth) {
			*want |= m & -m; /* its lowest bit is enough */
		} else if (c[i].op == BPF_JSET) {
			*forbid |= m;
		}
	}
}

static bool try_value(const struct cons *c, size_t n, unsigned word, uint32_t v, uint32_t *out)
{
	uint32_t eq_mask, eq_val, want, forbid;
	uint32_t variants[3];

	word_bits(c, n, word, &eq_mask, &eq_val, &want, &forbid);
	variants[0] = v;
	variants[1] = (((v & ~eq_mask) | eq_val) | (want & ~eq_mask)) & ~(forbid & ~eq_mask);
	variants[2] = (eq_val | want) & ~forbid;
	for (size_t i = 0; i < HR_ARRAY_SIZE(variants); i++)
		if (word_ok(c, n, word, variants[i])) {
			*out = variants[i];
			return true;
		}
	return false;
}

/* A value of word meeting every comparison on it, tried from the
 * comparisons' own constants and their neighbours. */
static bool solve_word(const struct cons *c, size_t n, unsigned word, uint32_t *out)
{
	if (try_value(c, n, word, 0, out) || try_value(c, n, word, UINT32_MAX, out))
		return true;
	for (size_t i = 0; i < n; i++) {
		uint32_t k = c[i].k;
		if (c[i].word != word)
			continue;
		if (try_value(c, n, word, k, out) || try_value(c, n, word, k + 1, out) ||
		    try_value(c, n, word, k - 1, out) || try_value(c, n, word, k | ~c[i].mask, out) ||
		    try_value(c, n, word, (k + 1) | ~c[i].mask, out))
			return true;
	}
	return false;
}

/* Bounds the paths reported for one syscall. */
static bool too_many(struct search *s)
{
	if (s->n_paths < MAX_PATHS) {
		s->n_paths++;
		return false;
	}
	s->complete = false;
	s->stop = true;
	return true;
}

static void finish_path(struct search *s, const struct path *p)
{
	struct seccomp_data d = s->base;
	struct hr_seccomp_verdict v;
	uint32_t words[N_WORDS];

	memcpy(words, &d, sizeof(words));
	for (unsigned w = FIRST_ARG_WORD; w < N_WORDS; w++) {
		uint32_t val = 0;
		if (!solve_word(p->c, p->n_cons, w, &val))
			return; /* no witness: an infeasible path (or one the search cannot reach) */
		words[w] = val;
	}
	memcpy(&d, words, sizeof(d));
	if (hr_seccomp_eval(s->prog, s->n, &d, &v, s->err) < 0) {
		s->stop = true;
		return;
	}
	if (!too_many(s) && s->fn(&d, &v, s->ud) != 0)
		s->stop = true;
}

static void explore_from(struct search *s, struct path *p);

/* A jump on an unknown word: follow the branches whose comparisons can hold. */
static void fork_jump(struct search *s, struct path *p, const struct sock_filter *in, struct sval a,
		      uint32_t k)
{
	size_t next = p->pc;

	for (int taken = 1; taken >= 0 && !s->stop; taken--) {
		struct path q = *p;
		uint32_t dummy;

		q.pc = next + (taken ? in->jt : in->jf);
		if (a.kind == V_WORD) {
			if (q.n_cons == MAX_CONS) {
				s->complete = false;
				return;
			}
			q.c[q.n_cons++] = (struct cons){ a.word, (uint8_t)BPF_OP(in->code), taken != 0, a.mask, k };
			if (!solve_word(q.c, q.n_cons, a.word, &dummy))
				continue;
		}
		explore_from(s, &q);
	}
}

static int load_abs(struct search *s, uint32_t off, struct sval *out)
{
	unsigned w = off / 4;

	if (off % 4 != 0 || off + 4 > sizeof(struct seccomp_data))
		return -1;
	if (w < FIRST_ARG_WORD) {
		uint32_t words[N_WORDS];
		memcpy(words, &s->base, sizeof(words));
		*out = (struct sval){ .kind = V_CONST, .val = words[w] };
	} else {
		*out = (struct sval){ .kind = V_WORD, .word = (uint8_t)w, .mask = UINT32_MAX };
	}
	return 0;
}

static int do_alu(struct path *p, const struct sock_filter *in, struct sval operand)
{
	uint16_t op = BPF_OP(in->code);

	if (p->a.kind == V_CONST && operand.kind == V_CONST)
		return hr_bpf_alu(op, &p->a.val, operand.val);
	if (p->a.kind == V_WORD && op == BPF_AND && operand.kind == V_CONST)
		p->a.mask &= operand.val;
	else
		p->a.kind = V_UNKNOWN;
	return 0;
}

/* Runs one path until it returns or forks. Returns -1 on a bad instruction. */
static int run_path(struct search *s, struct path *p)
{
	while (p->pc < s->n && !s->stop) {
		const struct sock_filter *in = &s->prog[p->pc++];
		struct sval k = { .kind = V_CONST, .val = in->k };
		struct sval operand = BPF_SRC(in->code) == BPF_X ? p->x : k;
		uint16_t cls = BPF_CLASS(in->code);
		int rc = 0;

		if (++s->steps > MAX_STEPS) {
			s->complete = false;
			return 0;
		}
		if (in->code == (BPF_LD | BPF_W | BPF_ABS)) rc = load_abs(s, in->k, &p->a);
		else if (in->code == (BPF_LD | BPF_W | BPF_LEN)) p->a = (struct sval){ .val = sizeof(struct seccomp_data) };
		else if (in->code == (BPF_LDX | BPF_W | BPF_LEN)) p->x = (struct sval){ .val = sizeof(struct seccomp_data) };
		else if (in->code == (BPF_LD | BPF_IMM)) p->a = k;
		else if (in->code == (BPF_LDX | BPF_IMM)) p->x = k;
		else if ((cls == BPF_LD || cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX) &&
			 in->k >= HR_BPF_MEMWORDS) rc = -1;
		else if (in->code == (BPF_LD | BPF_MEM)) p->a = p->mem[in->k];
		else if (in->code == (BPF_LDX | BPF_MEM)) p->x = p->mem[in->k];
		else if (cls == BPF_ST) p->mem[in->k] = p->a;
		else if (cls == BPF_STX) p->mem[in->k] = p->x;
		else if (cls == BPF_MISC) { if (BPF_MISCOP(in->code) == BPF_TAX) p->x = p->a; else p->a = p->x; }
		else if (cls == BPF_ALU) rc = do_alu(p, in, operand);
		else if (cls == BPF_RET || cls == BPF_JMP) return 1;
		else rc = -1;
		if (rc == 1) /* division by zero: the program returns 0 */
			return 2;
		if (rc < 0)
			return hr_error_set(s->err, EINVAL, "seccomp explore: instruction %zu (code 0x%04x) is not valid in a seccomp filter",
					    p->pc - 1, in->code);
	}
	return 0;
}

/* Follows one path; jumps that depend on known values are taken in place,
 * a jump on an argument word forks. */
static void explore_from(struct search *s, struct path *p)
{
	for (;;) {
		const struct sock_filter *in;
		struct sval operand;
		int rc = run_path(s, p);

		if (rc < 0) {
			s->stop = true;
			return;
		}
		if (rc == 2)
			finish_path(s, p);
		if (rc != 1 || s->stop)
			return;
		in = &s->prog[p->pc - 1];
		if (BPF_CLASS(in->code) == BPF_RET) {
			finish_path(s, p);
			return;
		}
		if (BPF_OP(in->code) == BPF_JA) {
			p->pc += in->k;
			continue;
		}
		operand = BPF_SRC(in->code) == BPF_X ? p->x : (struct sval){ .val = in->k };
		if (p->a.kind == V_CONST && operand.kind == V_CONST) {
			p->pc += hr_bpf_jump_taken(BPF_OP(in->code), p->a.val, operand.val) ? in->jt : in->jf;
			continue;
		}
		if (p->a.kind != V_WORD || operand.kind != V_CONST) {
			s->complete = false;
			p->a.kind = V_UNKNOWN;
		}
		fork_jump(s, p, in, p->a, operand.val);
		return;
	}
}

static unsigned lo_word(uint32_t arch_token, unsigned arg)
{
	bool big_endian = !(hr_seccomp_audit_arch(arch_token) & 0x40000000U);

	return (unsigned)FIRST_ARG_WORD + 2 * arg + (big_endian ? 1 : 0);
}

static int add_conds(struct path *p, uint32_t arch_token, const struct hr_seccomp_cond *conds,
		     size_t n, struct hr_error *err)
{
	for (size_t i = 0; i < n; i++) {
		struct cons c = { .mask = UINT32_MAX, .k = conds[i].value };
		if (conds[i].arg > 5 || p->n_cons == MAX_CONS)
			return hr_error_set(err, EINVAL, "seccomp explore: bad argument condition %zu", i);
		c.word = (uint8_t)lo_word(arch_token, conds[i].arg);
		c.op = conds[i].op == HR_COND_ANY_SET ? BPF_JSET : BPF_JEQ;
		c.truth = conds[i].op != HR_COND_NE;
		p->c[p->n_cons++] = c;
	}
	return 0;
}

int hr_seccomp_explore(const struct sock_filter *prog, size_t n_insns, uint32_t arch_token, int nr,
		       const struct hr_seccomp_cond *conds, size_t n_conds, hr_seccomp_outcome_fn fn,
		       void *ud, bool *complete, struct hr_error *err)
{
	struct search s = { .prog = prog, .n = n_insns, .fn = fn, .ud = ud, .complete = true, .err = err };
	struct path start;
	struct path *p = &start;

	if (!prog || n_insns == 0 || n_insns > HR_BPF_MAX_INSNS)
		return hr_error_set(err, EINVAL, "seccomp explore: a program of %zu instructions", n_insns);
	memset(p, 0, sizeof(*p));
	hr_seccomp_data_init(&s.base, arch_token, nr, NULL);
	if (add_conds(p, arch_token, conds, n_conds, err) < 0)
		return -1;
	err->errnum = 0;
	err->msg[0] = '\0';
	explore_from(&s, p);
	if (complete)
		*complete = s.complete;
	if (s.stop && err->msg[0])
		return -1;
	return 0;
}

struct allow_search {
	bool delegated_counts, found;
	struct seccomp_data witness;
};

static int first_allow(const struct seccomp_data *w, const struct hr_seccomp_verdict *v, void *ud)
{
	struct allow_search *a = ud;

	if (hr_seccomp_verdict_allows(v) ||
	    (a->delegated_counts && (v->action == SECCOMP_RET_TRACE || v->action == SECCOMP_RET_USER_NOTIF))) {
		a->found = true;
		a->witness = *w;
		return 1;
	}
	return 0;
}

int hr_seccomp_can_allow(const struct hr_seccomp_program *p, uint32_t arch_token, const char *name,
			 const struct hr_seccomp_cond *conds, size_t n_conds, bool allow_delegated,
			 bool *allowed, struct seccomp_data *witness, struct hr_error *err)
{
	struct allow_search a = { .delegated_counts = allow_delegated };
	int nr = hr_seccomp_syscall_nr(arch_token, name);

	*allowed = false;
	if (nr < 0)
		return 0;
	if (hr_seccomp_explore(p->filter, p->n_insns, arch_token, nr, conds, n_conds, first_allow, &a, NULL,
			       err) < 0)
		return -1;
	*allowed = a.found;
	if (a.found && witness)
		*witness = a.witness;
	return 0;
}
