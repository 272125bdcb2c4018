/* Syscalls newer than a profile get ENOSYS, not the profile's default
 * action. A profile written before a syscall existed cannot name it; with
 * a deny-by-default action the new syscall would fail with EPERM, which
 * libc takes as a real refusal, where ENOSYS makes it fall back to the old
 * call (clone3 -> clone, fchmodat2 -> fchmodat), as runc arranges.
 *
 * "Newer" means a number above the highest one the profile names, per
 * architecture. A short BPF prefix is put before libseccomp's program:
 * for each architecture, a syscall number above that highest one returns
 * ERRNO(ENOSYS); everything else falls through to the program unchanged.
 * Both answers deny: nothing becomes less confined. */
#include "seccomp/internal.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define X32_SYSCALL_BIT 0x40000000U
#define MAX_PREFIX_ARCHES 16

struct arch_max {
	uint32_t token; /* libseccomp's arch token is the AUDIT_ARCH_* value */
	uint32_t max_nr;
};

static void note_arch(struct arch_max *a, size_t *n, uint32_t token)
{
	for (size_t i = 0; i < *n; i++)
		if (a[i].token == token)
			return;
	if (*n < MAX_PREFIX_ARCHES)
		a[(*n)++] = (struct arch_max){ token, 0 };
}

/* The highest syscall number the profile names, for each architecture. */
static size_t arch_maxima(const struct hr_seccomp *cfg, struct arch_max *a)
{
	size_t n = 0;

	note_arch(a, &n, seccomp_arch_native());
	for (size_t i = 0; cfg->architectures && cfg->architectures[i]; i++) {
		uint32_t token = seccomp_arch_resolve_name(cfg->architectures[i] + strlen("SCMP_ARCH_"));
		if (token)
			note_arch(a, &n, token);
	}
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < cfg->n_syscalls; i++)
			for (char **nm = cfg->syscalls[i].names; nm && *nm; nm++) {
				int nr = seccomp_syscall_resolve_name_arch(a[k].token, *nm);
				/* negative: a pseudo-syscall libseccomp emulates on this arch */
				if (nr >= 0 && (uint32_t)nr > a[k].max_nr)
					a[k].max_nr = (uint32_t)nr;
			}
	return n;
}

static struct sock_filter stmt(uint16_t code, uint32_t k)
{
	return (struct sock_filter)BPF_STMT(code, k);
}

static struct sock_filter jump(uint16_t code, uint32_t k, size_t jt, size_t jf)
{
	return (struct sock_filter)BPF_JUMP(code, k, (uint8_t)jt, (uint8_t)jf);
}

/* One block per arch: [arch?] [load nr] [x32 bit? -> program] [nr > max?] [ENOSYS] */
static size_t build_prefix(const struct arch_max *a, size_t n, struct sock_filter *out)
{
	size_t len = 1, pos = 0;

	for (size_t k = 0; k < n; k++)
		len += a[k].token == SCMP_ARCH_X86_64 ? 5 : 4;
	out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	for (size_t k = 0; k < n; k++) {
		bool x86_64 = a[k].token == SCMP_ARCH_X86_64;
		size_t block = x86_64 ? 5 : 4;

		/* another arch: on to the next block, the arch still loaded */
		out[pos] = jump(BPF_JMP | BPF_JEQ | BPF_K, a[k].token, 0, block - 1);
		pos++;
		out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
		if (x86_64) { /* x32 numbers have their own rules in the program */
			out[pos] = jump(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, len - pos - 1, 0);
			pos++;
		}
		out[pos] = jump(BPF_JMP | BPF_JGT | BPF_K, a[k].max_nr, 0, len - pos - 1);
		pos++;
		out[pos++] = stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
	}
	return pos;
}

int hr_seccomp_prepend_enosys(const struct hr_seccomp *cfg, uint32_t def, struct hr_seccomp_program *p)
{
	struct arch_max a[MAX_PREFIX_ARCHES];
	struct sock_filter prefix[1 + 5 * MAX_PREFIX_ARCHES];
	size_t n, len;
	struct sock_filter *merged;

	/* nothing to gain where unknown syscalls are allowed or already ENOSYS */
	if (def == SCMP_ACT_ALLOW || def == SCMP_ACT_LOG || def == SCMP_ACT_ERRNO(ENOSYS))
		return 0;
	n = arch_maxima(cfg, a);
	len = build_prefix(a, n, prefix);
	merged = xcalloc(len + p->n_insns, sizeof(*merged));
	memcpy(merged, prefix, len * sizeof(*merged));
	memcpy(merged + len, p->filter, p->n_insns * sizeof(*merged));
	free(p->filter);
	p->filter = merged;
	p->n_insns += len;
	return 0;
}
