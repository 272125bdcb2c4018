/* The complain-mode filter of `profile check`: the profile with every
 * denying action turned into SCMP_ACT_NOTIFY, so the allowed syscalls never
 * leave the kernel and the others come to the supervisor, which lets them
 * through. Two things stay enforced, because they steer the workload to
 * the path it takes under enforcement rather than refuse it: rules that
 * answer ERRNO(ENOSYS) (clone3 -> clone) and hardrun's ENOSYS for syscalls
 * newer than the profile. execve and execveat are always notified (a few
 * calls per run) so the supervisor knows where the workload begins. */
#include "profile/check.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "profile/check_internal.h"

static char notify_action[] = "SCMP_ACT_NOTIFY";

static bool keeps_action(const char *action, bool has_errno, uint32_t errno_ret)
{
	return strcmp(action, "SCMP_ACT_ALLOW") == 0 || strcmp(action, "SCMP_ACT_LOG") == 0 ||
	       (strcmp(action, "SCMP_ACT_ERRNO") == 0 && has_errno && errno_ret == ENOSYS);
}

static struct sock_filter stmt(uint16_t code, uint32_t k)
{
	return (struct sock_filter)BPF_STMT(code, k);
}

static struct sock_filter jump(uint16_t code, uint32_t k, size_t jt, size_t jf)
{
	return (struct sock_filter)BPF_JUMP(code, k, (uint8_t)jt, (uint8_t)jf);
}

/* [ld arch], per arch [jeq arch?] [ld nr] [jeq execve] [jeq execveat]
 * [ld arch], then [ja over] [ret notify] and the program, which loads what
 * it needs itself. */
static void prepend_exec_notify(const uint32_t *arches, size_t n, struct hr_seccomp_program *p)
{
	size_t len = 3 + 5 * n, pos = 0, notify_at = len - 1;
	struct sock_filter *out = xcalloc(len + p->n_insns, sizeof(*out));

	out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	for (size_t k = 0; k < n; k++) {
		int ex = seccomp_syscall_resolve_name_arch(arches[k], "execve");
		int exat = seccomp_syscall_resolve_name_arch(arches[k], "execveat");

		/* another arch: over this block, the arch still loaded */
		out[pos] = jump(BPF_JMP | BPF_JEQ | BPF_K, arches[k], 0, 4);
		pos++;
		out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
		out[pos] = jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)ex, notify_at - pos - 1, 0);
		pos++;
		out[pos] = jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)exat, notify_at - pos - 1, 0);
		pos++;
		out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	}
	out[pos++] = stmt(BPF_JMP | BPF_JA, 1);
	out[pos++] = stmt(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	memcpy(out + pos, p->filter, p->n_insns * sizeof(*out));
	free(p->filter);
	p->filter = out;
	p->n_insns += pos;
}

static size_t profile_arches(const struct hr_seccomp *cfg, uint32_t *out, size_t max)
{
	size_t n = 0;

	out[n++] = seccomp_arch_native();
	for (size_t i = 0; cfg->architectures && cfg->architectures[i] && n < max; i++) {
		uint32_t token = seccomp_arch_resolve_name(cfg->architectures[i] + strlen("SCMP_ARCH_"));
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= out[k] == token;
		if (token && !dup)
			out[n++] = token;
	}
	return n;
}

int hr_check_complain_program(const struct hr_seccomp *cfg, struct hr_seccomp_program *out, struct hr_error *err)
{
	struct hr_seccomp c = *cfg;
	_cleanup_free_ struct hr_seccomp_rule *rules = xcalloc(cfg->n_syscalls + 1, sizeof(*rules));
	uint32_t arches[16];
	int rc;

	if (!keeps_action(cfg->default_action, cfg->has_default_errno_ret, cfg->default_errno_ret)) {
		c.default_action = notify_action;
		c.has_default_errno_ret = false;
	}
	for (size_t i = 0; i < cfg->n_syscalls; i++) {
		rules[i] = cfg->syscalls[i];
		if (!keeps_action(rules[i].action, rules[i].has_errno_ret, rules[i].errno_ret)) {
			rules[i].action = notify_action;
			rules[i].has_errno_ret = false;
		}
	}
	c.syscalls = rules;
	/* TSYNC and a listener exclude each other; the container process is
	 * single-threaded when it loads the filter anyway */
	c.flags = NULL;
	c.listener_path = c.listener_metadata = NULL;
	rc = hr_seccomp_compile(&c, NULL, out, err);
	if (rc < 0)
		return hr_error_wrap(err, "compiling the complain-mode filter");
	prepend_exec_notify(arches, profile_arches(cfg, arches, HR_ARRAY_SIZE(arches)), out);
	out->wants_notify = true;
	return 0;
}
