/* seccomp.mustDeny: syscalls (with argument conditions) that the effective
 * filter must deny on every architecture it covers, checked by running the
 * compiled filter (seccomp/eval.h), not by reading rule names: a profile
 * that allows `unshare` by a default action or an argument rule is caught
 * the same as one that names it. */
#include "policy/rules.h"

#include <ctype.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "seccomp/eval.h"

/* The architectures the filter is built for: the listed ones and the native. */
static size_t filter_arches(const struct hr_seccomp *s, uint32_t *out, size_t max)
{
	size_t n = 0;

	out[n++] = seccomp_arch_native();
	for (size_t i = 0; s->architectures && s->architectures[i] && n < max; i++) {
		/* "SCMP_ARCH_X86_64" is libseccomp's "x86_64" */
		char lower[32];
		const char *name = s->architectures[i];
		size_t k = 0;
		name += strncmp(name, "SCMP_ARCH_", 10) == 0 ? 10 : 0;
		for (; name[k] && k < sizeof(lower) - 1; k++)
			lower[k] = (char)tolower((unsigned char)name[k]);
		lower[k] = '\0';
		uint32_t a = seccomp_arch_resolve_name(lower);
		bool dup = a == 0;
		for (size_t k = 0; k < n && !dup; k++)
			dup = out[k] == a;
		if (!dup)
			out[n++] = a;
	}
	return n;
}

static const char *arch_name(uint32_t a)
{
	static const struct { uint32_t token; const char *name; } names[] = {
		{ SCMP_ARCH_X86_64, "x86_64" }, { SCMP_ARCH_X86, "x86" }, { SCMP_ARCH_X32, "x32" },
		{ SCMP_ARCH_AARCH64, "aarch64" }, { SCMP_ARCH_ARM, "arm" },
	};
	for (size_t i = 0; i < HR_ARRAY_SIZE(names); i++)
		if (names[i].token == a)
			return names[i].name;
	return "another architecture";
}

static void check_one(const struct hr_policy *p, const struct hr_seccomp_program *prog,
		      const uint32_t *arches, size_t n_arches, const struct hr_policy_deny *deny,
		      struct hr_policy_result *d, struct hr_error *err, int *rc)
{
	enum hr_decision_kind k = p->seccomp.mode == HR_POLICY_WARN ? HR_DECISION_WARN : HR_DECISION_REFUSE;

	for (size_t a = 0; a < n_arches && *rc == 0; a++) {
		struct seccomp_data w;
		bool allowed;
		if (hr_seccomp_can_allow(prog, arches[a], deny->syscall, deny->conds, deny->n_conds, true,
					 &allowed, &w, err) < 0) {
			*rc = -1;
			return;
		}
		if (allowed)
			hr_policy_decide(d, "seccomp", k, "the filter lets %s%s through on %s (e.g. "
					 "args 0x%llx, 0x%llx, 0x%llx), seccomp.mustDeny says it must not",
					 deny->syscall, deny->n_conds ? " (with its conditions)" : "",
					 arch_name(arches[a]), (unsigned long long)w.args[0],
					 (unsigned long long)w.args[1], (unsigned long long)w.args[2]);
	}
}

int hr_policy_rule_seccomp_deny(const struct hr_policy *p, const struct hr_policy_host *host,
				const struct hr_spec *spec, struct hr_policy_result *d,
				struct hr_error *err)
{
	const struct hr_seccomp *s = spec->linux_.seccomp;
	struct hr_seccomp_program prog = { 0 };
	uint32_t arches[8];
	size_t n_arches;
	int rc = 0;

	/* no filter at all is the seccomp rule's refusal (or warning) already */
	if (p->seccomp.mode == HR_POLICY_OFF || !p->seccomp.n_must_deny || !s || host->rederive)
		return 0;
	/* the program run will load: through the same BPF cache, compiled once */
	if (hr_seccomp_compile(s, host->seccomp_cache, &prog, err) < 0)
		return hr_error_wrap(err, "policy %s: seccomp.mustDeny", p->source_name);
	n_arches = filter_arches(s, arches, HR_ARRAY_SIZE(arches));
	for (size_t i = 0; i < p->seccomp.n_must_deny && rc == 0; i++)
		check_one(p, &prog, arches, n_arches, &p->seccomp.must_deny[i], d, err, &rc);
	hr_seccomp_program_clear(&prog);
	return rc < 0 ? hr_error_wrap(err, "policy %s: seccomp.mustDeny", p->source_name) : 0;
}
