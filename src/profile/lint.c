/* `profile lint`: what a profile lets through that a hardened one should
 * not. Every finding comes from evaluating the compiled filter (the program
 * `run` would load) on concrete syscalls, with arguments found by the
 * search in seccomp/explore.c, on the target architecture and on those its
 * kernel also runs (x86 and x32 on x86_64). */
#include "profile/lint.h"

#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Above every syscall number of every architecture libseccomp knows. */
#define UNKNOWN_NR 4000
#define FAKE_ARCH 0x0badc0deU

struct lint {
	const struct hr_profile *profile;
	struct hr_seccomp_program prog;
	uint32_t arch;
	uint32_t arches[4];   /* the family members present in the filter */
	size_t n_arches;
	json_t *findings;
	json_t *inexact;      /* cases whose argument search was not exact */
	struct hr_error *err;
};

static void add_finding(struct lint *l, enum hr_lint_severity sev, const char *syscall, const char *label,
			const char *what, json_t *arches, const char *example, const char *verdict)
{
	json_t *f = json_pack("{s:s, s:s, s:s, s:s}", "severity", sev == HR_LINT_ERROR ? "error" : "warning",
			      "syscall", syscall, "case", label ? label : "any", "what", what);
	if (arches)
		json_object_set_new(f, "arches", arches);
	if (example && *example)
		json_object_set_new(f, "example", json_string(example));
	if (verdict)
		json_object_set_new(f, "verdict", json_string(verdict));
	json_array_append_new(l->findings, f);
}

static int eval_nr(struct lint *l, uint32_t arch, int nr, struct hr_seccomp_verdict *v)
{
	struct seccomp_data d;

	hr_seccomp_data_init(&d, arch, nr, NULL);
	return hr_seccomp_eval(l->prog.filter, l->prog.n_insns, &d, v, l->err);
}

/* An architecture is missing from the filter when its syscalls get exactly
 * the answer of an architecture nobody lists. */
static int find_arches(struct lint *l)
{
	uint32_t family[4];
	size_t n = hr_profile_arch_family(l->arch, family);
	struct hr_seccomp_verdict bad, rd, hi;
	char what[256], upper[32];

	if (eval_nr(l, FAKE_ARCH, 0, &bad) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int read_nr = hr_seccomp_syscall_nr(family[i], "read");
		int base = family[i] == SCMP_ARCH_X32 ? 0x40000000 : 0;
		if (eval_nr(l, family[i], read_nr, &rd) < 0 || eval_nr(l, family[i], base + UNKNOWN_NR, &hi) < 0)
			return -1;
		if (rd.ret == bad.ret && hi.ret == bad.ret) {
			const char *name = hr_profile_arch_name(family[i]);
			for (size_t k = 0; k < sizeof(upper); k++)
				if (!(upper[k] = (char)toupper((unsigned char)name[k])))
					break;
			upper[sizeof(upper) - 1] = '\0';
			snprintf(what, sizeof(what),
				 "not in the filter: %s syscalls are killed instead of meeting the profile's rules (add SCMP_ARCH_%s)",
				 name, upper);
			add_finding(l, i == 0 ? HR_LINT_ERROR : HR_LINT_WARNING, "arch", hr_profile_arch_name(family[i]),
				    what, NULL, NULL, NULL);
			continue;
		}
		l->arches[l->n_arches++] = family[i];
	}
	return 0;
}

static bool profile_names(const struct hr_seccomp *s, const char *name)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		for (char **nm = s->syscalls[i].names; nm && *nm; nm++)
			if (strcmp(*nm, name) == 0)
				return true;
	return false;
}

/* The lowest-numbered syscall of arch the profile does not name. */
static int first_unnamed(const struct hr_seccomp *s, uint32_t arch, char *name, size_t n)
{
	for (int nr = 0; nr < 1024; nr++) {
		_cleanup_free_ char *nm = seccomp_syscall_resolve_num_arch(arch, nr);
		if (nm && !profile_names(s, nm)) {
			snprintf(name, n, "%s", nm);
			return nr;
		}
	}
	return -1;
}

static int check_default(struct lint *l)
{
	struct hr_seccomp_verdict hi, old;
	char name[64] = "", vs[32], what[512];
	int base = l->arch == SCMP_ARCH_X32 ? 0x40000000 : 0, nr;

	if (eval_nr(l, l->arch, base + UNKNOWN_NR, &hi) < 0)
		return -1;
	if (hr_seccomp_verdict_allows(&hi)) {
		snprintf(what, sizeof(what), "syscalls the profile does not name are allowed (syscall %d: %s): default-allow profiles let every new kernel syscall through",
			 UNKNOWN_NR, hr_seccomp_verdict_str(&hi, vs, sizeof(vs)));
		add_finding(l, HR_LINT_ERROR, "default", "unnamed syscalls", what, NULL, NULL, vs);
		return 0;
	}
	nr = first_unnamed(l->profile->seccomp, l->arch, name, sizeof(name));
	if (nr >= 0 && eval_nr(l, l->arch, nr, &old) < 0)
		return -1;
	if (nr >= 0 && old.action == SECCOMP_RET_ERRNO && old.data == EPERM) {
		snprintf(what, sizeof(what),
			 "syscalls the profile does not name fail with EPERM, not ENOSYS: programs take it for a refusal instead of falling back to an older call%s",
			 hi.action == SECCOMP_RET_ERRNO && hi.data == ENOSYS
			       ? "; hardrun (like runc) answers ENOSYS only for syscalls newer than every one the profile names" : "");
		add_finding(l, HR_LINT_WARNING, "default", "unnamed syscalls", what, NULL, name, "errno EPERM");
	}
	return 0;
}

static void check_unknown_names(struct lint *l)
{
	const struct scmp_version *sv = seccomp_version();
	char what[256];

	for (char **nm = l->profile->unknown_names; nm && *nm; nm++) {
		snprintf(what, sizeof(what), "unknown to libseccomp %u.%u.%u: the rule is skipped for this name",
			 sv->major, sv->minor, sv->micro);
		add_finding(l, HR_LINT_WARNING, *nm, NULL, what, NULL, NULL, NULL);
	}
}

struct case_outcome {
	bool allowed, delegated;
	struct seccomp_data witness;
	struct hr_seccomp_verdict v;
};

static int note_outcome(const struct seccomp_data *w, const struct hr_seccomp_verdict *v, void *ud)
{
	struct case_outcome *o = ud;
	bool delegated = v->action == SECCOMP_RET_TRACE || v->action == SECCOMP_RET_USER_NOTIF;

	if (hr_seccomp_verdict_allows(v) && !o->allowed) {
		o->allowed = true;
		o->witness = *w;
		o->v = *v;
		return 1;
	}
	if (delegated && !o->allowed && !o->delegated) {
		o->delegated = true;
		o->witness = *w;
		o->v = *v;
	}
	return 0;
}

/* One case on every present architecture: allowed (or left to a tracer or
 * agent) on which, with an example. */
static int check_case(struct lint *l, const struct hr_lint_case *c)
{
	json_t *allowed = json_array(), *delegated = json_array();
	struct case_outcome first = { 0 };
	char example[160] = "", vs[32] = "", what[512];

	for (size_t i = 0; i < l->n_arches; i++) {
		struct case_outcome o = { 0 };
		int nr = hr_seccomp_syscall_nr(l->arches[i], c->syscall);
		bool complete = true;
		if (nr < 0)
			continue;
		if (hr_seccomp_explore(l->prog.filter, l->prog.n_insns, l->arches[i], nr, c->conds, c->n_conds,
				       note_outcome, &o, &complete, l->err) < 0) {
			json_decref(allowed);
			json_decref(delegated);
			return -1;
		}
		/* a search stopped at the first allow is complete enough */
		if (!complete && !o.allowed)
			json_array_append_new(l->inexact, json_sprintf("%s/%s on %s", c->syscall, c->label ? c->label : "any",
								       hr_profile_arch_name(l->arches[i])));
		if (o.allowed || o.delegated)
			json_array_append_new(o.allowed ? allowed : delegated,
					      json_string(hr_profile_arch_name(l->arches[i])));
		if ((o.allowed && !first.allowed) || (o.delegated && !first.allowed && !first.delegated)) {
			first = o;
			hr_lint_format_args(&o.witness, l->arches[i], example, sizeof(example));
		}
	}
	if (first.allowed || first.delegated)
		hr_seccomp_verdict_str(&first.v, vs, sizeof(vs));
	if (json_array_size(allowed)) {
		snprintf(what, sizeof(what), "allowed: %s", c->why);
		add_finding(l, c->severity, c->syscall, c->label, what, json_incref(allowed), example, vs);
	} else if (json_array_size(delegated)) {
		snprintf(what, sizeof(what), "left to %s, which may allow it: %s",
			 first.v.action == SECCOMP_RET_TRACE ? "a ptrace tracer" : "a seccomp agent", c->why);
		add_finding(l, HR_LINT_WARNING, c->syscall, c->label, what, json_incref(delegated), example, vs);
	}
	json_decref(allowed);
	json_decref(delegated);
	return 0;
}

static json_t *report_new(const char *path, const struct lint *l)
{
	return json_pack("{s:s, s:s, s:s}", "profile", path, "format", l->profile->format, "arch",
			 hr_profile_arch_name(l->arch));
}

static void count(json_t *report, json_t *findings)
{
	size_t i, errors = 0, warnings = 0;
	json_t *f;

	json_array_foreach(findings, i, f) {
		if (strcmp(json_string_value(json_object_get(f, "severity")), "error") == 0)
			errors++;
		else
			warnings++;
	}
	json_object_set_new(report, "errors", json_integer((json_int_t)errors));
	json_object_set_new(report, "warnings", json_integer((json_int_t)warnings));
}

static int run_checks(struct lint *l)
{
	size_t n_cases;
	const struct hr_lint_case *cases = hr_lint_cases(&n_cases);

	if (find_arches(l) < 0 || check_default(l) < 0)
		return -1;
	for (size_t i = 0; i < n_cases; i++)
		if (check_case(l, &cases[i]) < 0)
			return -1;
	check_unknown_names(l);
	return 0;
}

int hr_profile_lint(const char *path, const struct hr_profile_input *in, json_t **report,
		    struct hr_error *err)
{
	struct hr_profile profile;
	struct lint l = { .profile = &profile, .err = err };
	int rc;

	*report = NULL;
	l.arch = in->arch ? in->arch : seccomp_arch_native();
	if (hr_profile_load(path, in, &profile, err) < 0)
		return -1;
	if (hr_seccomp_compile_for_eval(profile.seccomp, &l.prog, err) < 0) {
		hr_profile_clear(&profile);
		return hr_error_wrap(err, "%s", path);
	}
	l.findings = json_array();
	l.inexact = json_array();
	rc = run_checks(&l);
	if (rc == 0) {
		*report = report_new(path, &l);
		json_object_set_new(*report, "findings", json_incref(l.findings));
		json_object_set_new(*report, "inexact", json_incref(l.inexact));
		count(*report, l.findings);
		rc = (int)json_array_size(l.findings);
	}
	json_decref(l.findings);
	json_decref(l.inexact);
	hr_seccomp_program_clear(&l.prog);
	hr_profile_clear(&profile);
	return rc;
}

void hr_profile_lint_print(const json_t *report, FILE *out)
{
	json_t *findings = json_object_get(report, "findings"), *f;
	size_t i;

	json_array_foreach(findings, i, f) {
		json_t *arches = json_object_get(f, "arches"), *a;
		const char *example = json_string_value(json_object_get(f, "example"));
		size_t j;

		fprintf(out, "%s: %s/%s: %s", json_string_value(json_object_get(f, "severity")),
			json_string_value(json_object_get(f, "syscall")), json_string_value(json_object_get(f, "case")),
			json_string_value(json_object_get(f, "what")));
		if (json_array_size(arches)) {
			fprintf(out, " [");
			json_array_foreach(arches, j, a)
				fprintf(out, "%s%s", j ? " " : "", json_string_value(a));
			fprintf(out, "]");
		}
		if (example && *example)
			fprintf(out, " (e.g. %s)", example);
		fputc('\n', out);
	}
	json_array_foreach(json_object_get(report, "inexact"), i, f)
		fprintf(out, "note: %s: the argument search was not exact (arithmetic on arguments, or too many paths)\n",
			json_string_value(f));
	fprintf(out, "%s (%s, %s): %lld errors, %lld warnings\n",
		json_string_value(json_object_get(report, "profile")),
		json_string_value(json_object_get(report, "format")),
		json_string_value(json_object_get(report, "arch")),
		(long long)json_integer_value(json_object_get(report, "errors")),
		(long long)json_integer_value(json_object_get(report, "warnings")));
}
