/* A classic-BPF interpreter with the kernel's seccomp rules: the program
 * only reads struct seccomp_data with aligned 32-bit loads, jumps only
 * forward, and ends in a RET (kernel/seccomp.c seccomp_check_filter and
 * net/core/filter.c). The answer is what the kernel would do with the call. */
#include "seccomp/eval.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "seccomp/eval_internal.h"

#define BPF_MEMWORDS_SECCOMP HR_BPF_MEMWORDS
#define AUDIT_ARCH_LE_BIT 0x40000000U
#define MAX_INSNS HR_BPF_MAX_INSNS

struct machine {
	uint32_t a, x;
	uint32_t mem[BPF_MEMWORDS_SECCOMP];
};

static int load_word(const struct seccomp_data *d, uint32_t off, uint32_t *out)
{
	if (off % 4 != 0 || off + 4 > sizeof(*d))
		return -1;
	memcpy(out, (const char *)d + off, 4);
	return 0;
}

/* ALU: division by zero ends the program with 0 (KILL), as in the kernel. */
int hr_bpf_alu(uint16_t op, uint32_t *a, uint32_t operand)
{
	switch (op) {
	case BPF_ADD: *a += operand; return 0;
	case BPF_SUB: *a -= operand; return 0;
	case BPF_MUL: *a *= operand; return 0;
	case BPF_DIV: if (!operand) return 1; *a /= operand; return 0;
	case BPF_MOD: if (!operand) return 1; *a %= operand; return 0;
	case BPF_AND: *a &= operand; return 0;
	case BPF_OR: *a |= operand; return 0;
	case BPF_XOR: *a ^= operand; return 0;
	case BPF_LSH: *a = operand >= 32 ? 0 : *a << operand; return 0;
	case BPF_RSH: *a = operand >= 32 ? 0 : *a >> operand; return 0;
	case BPF_NEG: *a = -*a; return 0;
	}
	return -1;
}

bool hr_bpf_jump_taken(uint16_t op, uint32_t a, uint32_t k)
{
	switch (op) {
	case BPF_JEQ: return a == k;
	case BPF_JGT: return a > k;
	case BPF_JGE: return a >= k;
	case BPF_JSET: return (a & k) != 0;
	}
	return false;
}

static void set_verdict(uint32_t ret, struct hr_seccomp_verdict *v)
{
	uint32_t action = ret & SECCOMP_RET_ACTION_FULL;

	v->ret = ret;
	v->data = (uint16_t)(ret & SECCOMP_RET_DATA);
	switch (action) {
	case SECCOMP_RET_KILL_PROCESS: case SECCOMP_RET_KILL_THREAD: case SECCOMP_RET_TRAP:
	case SECCOMP_RET_ERRNO: case SECCOMP_RET_USER_NOTIF: case SECCOMP_RET_TRACE:
	case SECCOMP_RET_LOG: case SECCOMP_RET_ALLOW:
		v->action = action;
		break;
	default: /* the kernel treats an action it does not know as a kill */
		v->action = SECCOMP_RET_KILL_PROCESS;
	}
}

/* One instruction. Returns 1 when the program returned (v set), 0 to go on
 * at *pc, -1 on a fault. */
static int step(const struct sock_filter *prog, size_t n, size_t *pc, struct machine *m,
		const struct seccomp_data *d, struct hr_seccomp_verdict *v)
{
	const struct sock_filter *in = &prog[*pc];
	uint16_t cls = BPF_CLASS(in->code);
	uint32_t operand = BPF_SRC(in->code) == BPF_X ? m->x : in->k;
	int rc;

	(*pc)++;
	switch (cls) {
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_W | BPF_ABS))
			return load_word(d, in->k, &m->a);
		if (in->code == (BPF_LD | BPF_W | BPF_LEN)) { m->a = sizeof(*d); return 0; }
		if (in->code == (BPF_LD | BPF_IMM)) { m->a = in->k; return 0; }
		if (in->code == (BPF_LD | BPF_MEM) && in->k < BPF_MEMWORDS_SECCOMP) { m->a = m->mem[in->k]; return 0; }
		return -1;
	case BPF_LDX:
		if (in->code == (BPF_LDX | BPF_W | BPF_LEN)) { m->x = sizeof(*d); return 0; }
		if (in->code == (BPF_LDX | BPF_IMM)) { m->x = in->k; return 0; }
		if (in->code == (BPF_LDX | BPF_MEM) && in->k < BPF_MEMWORDS_SECCOMP) { m->x = m->mem[in->k]; return 0; }
		return -1;
	case BPF_ST: case BPF_STX:
		if (in->k >= BPF_MEMWORDS_SECCOMP)
			return -1;
		m->mem[in->k] = cls == BPF_ST ? m->a : m->x;
		return 0;
	case BPF_ALU:
		rc = hr_bpf_alu(BPF_OP(in->code), &m->a, operand);
		if (rc == 1) { set_verdict(0, v); return 1; }
		return rc;
	case BPF_JMP:
		if (BPF_OP(in->code) == BPF_JA) {
			*pc += in->k;
		} else {
			if (BPF_OP(in->code) != BPF_JEQ && BPF_OP(in->code) != BPF_JGT &&
			    BPF_OP(in->code) != BPF_JGE && BPF_OP(in->code) != BPF_JSET)
				return -1;
			*pc += hr_bpf_jump_taken(BPF_OP(in->code), m->a, operand) ? in->jt : in->jf;
		}
		return *pc < n ? 0 : -1;
	case BPF_RET:
		set_verdict(BPF_RVAL(in->code) == BPF_A ? m->a : in->k, v);
		return 1;
	case BPF_MISC:
		if (BPF_MISCOP(in->code) == BPF_TAX) m->x = m->a;
		else m->a = m->x;
		return 0;
	}
	return -1;
}

int hr_seccomp_eval(const struct sock_filter *prog, size_t n_insns, const struct seccomp_data *d,
		    struct hr_seccomp_verdict *v, struct hr_error *err)
{
	struct machine m = { 0 };
	size_t pc = 0;

	memset(v, 0, sizeof(*v));
	if (!prog || n_insns == 0 || n_insns > MAX_INSNS)
		return hr_error_set(err, EINVAL, "seccomp eval: a program of %zu instructions", n_insns);
	while (pc < n_insns) {
		size_t at = pc;
		int rc = step(prog, n_insns, &pc, &m, d, v);
		if (rc == 1)
			return 0;
		if (rc < 0)
			return hr_error_set(err, EINVAL, "seccomp eval: instruction %zu (code 0x%04x, k 0x%x) is not valid in a seccomp filter",
					    at, prog[at].code, prog[at].k);
	}
	return hr_error_set(err, EINVAL, "seccomp eval: the program ends without a return");
}

bool hr_seccomp_verdict_allows(const struct hr_seccomp_verdict *v)
{
	return v->action == SECCOMP_RET_ALLOW || v->action == SECCOMP_RET_LOG;
}

const char *hr_seccomp_verdict_str(const struct hr_seccomp_verdict *v, char *buf, size_t n)
{
	const char *name = "kill-process";

	switch (v->action) {
	case SECCOMP_RET_ALLOW: name = "allow"; break;
	case SECCOMP_RET_LOG: name = "log"; break;
	case SECCOMP_RET_KILL_THREAD: name = "kill-thread"; break;
	case SECCOMP_RET_TRAP: name = "trap"; break;
	case SECCOMP_RET_USER_NOTIF: name = "notify"; break;
	case SECCOMP_RET_TRACE: snprintf(buf, n, "trace %u", v->data); return buf;
	case SECCOMP_RET_ERRNO: {
		const char *e = strerrorname_np(v->data);
		if (e)
			snprintf(buf, n, "errno %s", e);
		else
			snprintf(buf, n, "errno %u", v->data);
		return buf;
	}
	}
	snprintf(buf, n, "%s", name);
	return buf;
}

uint32_t hr_seccomp_audit_arch(uint32_t arch_token)
{
	return arch_token == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch_token;
}

int hr_seccomp_syscall_nr(uint32_t arch_token, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(arch_token, name);

	if (nr >= 0 || nr == __NR_SCMP_ERROR)
		return nr < 0 ? -1 : nr;
	/* a pseudo number: libseccomp filters both the multiplexer (socketcall,
	 * ipc) and the direct syscall where it exists (x86's socket is 359) */
	for (int n = 0; n < 1024; n++) {
		char *direct = seccomp_syscall_resolve_num_arch(arch_token, n);
		bool same = direct && strcmp(direct, name) == 0;
		free(direct);
		if (same)
			return n;
	}
	return -1;
}

static uint64_t swap_halves(uint64_t v)
{
	return v << 32 | v >> 32;
}

void hr_seccomp_data_init(struct seccomp_data *d, uint32_t arch_token, int nr, const uint64_t args[6])
{
	bool big_endian = !(arch_token & AUDIT_ARCH_LE_BIT);

	memset(d, 0, sizeof(*d));
	d->nr = nr;
	d->arch = hr_seccomp_audit_arch(arch_token);
	/* the program reads 32-bit words: on a big-endian target the high half
	 * of a 64-bit field comes first */
	for (int i = 0; i < 6; i++)
		d->args[i] = args ? (big_endian ? swap_halves(args[i]) : args[i]) : 0;
}


int hr_seccomp_eval_syscall(const struct hr_seccomp_program *p, uint32_t arch_token, const char *name,
			    const uint64_t args[6], struct hr_seccomp_verdict *v, struct hr_error *err)
{
	struct seccomp_data d;
	int nr = hr_seccomp_syscall_nr(arch_token, name);

	if (nr < 0)
		return hr_error_set(err, ENOENT, "seccomp eval: no syscall \"%s\" on architecture 0x%08x",
				    name, arch_token);
	hr_seccomp_data_init(&d, arch_token, nr, args);
	return hr_seccomp_eval(p->filter, p->n_insns, &d, v, err);
}
