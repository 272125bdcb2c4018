/* `profile diff A B`: the syscalls and argument cases one profile allows and
 * the other denies (or denies differently), per architecture. Both filters
 * are compiled; for every syscall number libseccomp knows, every path
 * through A is searched for a witness that B is then evaluated on, and the
 * other way round, plus the lint cases' argument conditions. */
#include "profile/lint.h"

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define MAX_NR 1024
#define X32_BASE 0x40000000

struct side {
	const char *path;
	struct hr_profile profile;
	struct hr_seccomp_program prog;
};

struct differ {
	struct side side[2];
	json_t *diffs;   /* array, in the order first seen */
	json_t *index;   /* "name|a|b" -> entry */
	const char *syscall;
	uint32_t arch;
	int from;        /* the side whose paths are being walked */
	struct hr_error *err;
};

static void note_arch(json_t *entry, const char *arch)
{
	json_t *arches = json_object_get(entry, "arches"), *a;
	size_t i;

	json_array_foreach(arches, i, a)
		if (strcmp(json_string_value(a), arch) == 0)
			return;
	json_array_append_new(arches, json_string(arch));
}

static void record(struct differ *d, const struct seccomp_data *w, const struct hr_seccomp_verdict v[2])
{
	char va[32], vb[32], key[160], example[160];
	bool allow_a = hr_seccomp_verdict_allows(&v[0]), allow_b = hr_seccomp_verdict_allows(&v[1]);
	json_t *entry;

	hr_seccomp_verdict_str(&v[0], va, sizeof(va));
	hr_seccomp_verdict_str(&v[1], vb, sizeof(vb));
	snprintf(key, sizeof(key), "%s|%s|%s", d->syscall, va, vb);
	entry = json_object_get(d->index, key);
	if (!entry) {
		hr_lint_format_args(w, d->arch, example, sizeof(example));
		entry = json_pack("{s:s, s:s, s:s, s:s, s:[], s:s}", "syscall", d->syscall, "kind",
				  allow_a != allow_b ? "allow/deny" : "deny/deny", "a", va, "b", vb, "arches",
				  "example", example);
		json_object_set_new(d->index, key, entry);
		json_array_append(d->diffs, entry);
	}
	note_arch(entry, hr_profile_arch_name(d->arch));
}

static int compare_at(const struct seccomp_data *w, const struct hr_seccomp_verdict *v, void *ud)
{
	struct differ *d = ud;
	const struct side *other = &d->side[!d->from];
	struct hr_seccomp_verdict pair[2];

	pair[d->from] = *v;
	if (hr_seccomp_eval(other->prog.filter, other->prog.n_insns, w, &pair[!d->from], d->err) < 0)
		return -1;
	if (pair[0].ret != pair[1].ret)
		record(d, w, pair);
	return 0;
}

static int walk(struct differ *d, int nr, const struct hr_seccomp_cond *conds, size_t n_conds)
{
	for (d->from = 0; d->from < 2; d->from++) {
		const struct side *s = &d->side[d->from];
		if (hr_seccomp_explore(s->prog.filter, s->prog.n_insns, d->arch, nr, conds, n_conds, compare_at,
				       d, NULL, d->err) < 0)
			return -1;
	}
	return 0;
}

static int diff_syscall(struct differ *d, int nr, const char *name)
{
	size_t n_cases;
	const struct hr_lint_case *cases = hr_lint_cases(&n_cases);

	d->syscall = name;
	if (walk(d, nr, NULL, 0) < 0)
		return -1;
	for (size_t i = 0; i < n_cases; i++)
		if (cases[i].n_conds && strcmp(cases[i].syscall, name) == 0 &&
		    walk(d, nr, cases[i].conds, cases[i].n_conds) < 0)
			return -1;
	return 0;
}

static int diff_arch(struct differ *d, uint32_t arch)
{
	int base = arch == SCMP_ARCH_X32 ? X32_BASE : 0;

	d->arch = arch;
	for (int i = 0; i < MAX_NR; i++) {
		_cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arch, base + i);
		if (name && diff_syscall(d, base + i, name) < 0)
			return -1;
	}
	return 0;
}

static int load_side(struct side *s, const char *path, const struct hr_profile_input *in,
		     struct hr_error *err)
{
	s->path = path;
	if (hr_profile_load(path, in, &s->profile, err) < 0)
		return -1;
	if (hr_seccomp_compile_for_eval(s->profile.seccomp, &s->prog, err) < 0)
		return hr_error_wrap(err, "%s", path);
	return 0;
}

static json_t *make_report(struct differ *d, uint32_t arch)
{
	size_t i, allow_deny = 0;
	json_t *e;

	json_array_foreach(d->diffs, i, e)
		if (strcmp(json_string_value(json_object_get(e, "kind")), "allow/deny") == 0)
			allow_deny++;
	return json_pack("{s:s, s:s, s:s, s:O, s:I, s:I}", "a", d->side[0].path, "b", d->side[1].path,
			 "arch", hr_profile_arch_name(arch), "differences", d->diffs, "count",
			 (json_int_t)json_array_size(d->diffs), "allow_deny", (json_int_t)allow_deny);
}

int hr_profile_diff(const char *path_a, const char *path_b, const struct hr_profile_input *in,
		    json_t **report, struct hr_error *err)
{
	struct differ d = { .diffs = json_array(), .index = json_object(), .err = err };
	uint32_t arch = in->arch ? in->arch : seccomp_arch_native(), family[4];
	size_t n = hr_profile_arch_family(arch, family);
	int rc = 0;

	*report = NULL;
	if (load_side(&d.side[0], path_a, in, err) < 0 || load_side(&d.side[1], path_b, in, err) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = diff_arch(&d, family[i]);
	if (rc == 0) {
		*report = make_report(&d, arch);
		rc = (int)json_array_size(d.diffs);
	}
	for (int k = 0; k < 2; k++) {
		hr_seccomp_program_clear(&d.side[k].prog);
		hr_profile_clear(&d.side[k].profile);
	}
	json_decref(d.diffs);
	json_decref(d.index);
	return rc;
}

static void print_entries(const json_t *report, FILE *out, bool allow_deny)
{
	json_t *e, *a;
	size_t i, j;

	json_array_foreach(json_object_get(report, "differences"), i, e) {
		const char *example = json_string_value(json_object_get(e, "example"));
		if ((strcmp(json_string_value(json_object_get(e, "kind")), "allow/deny") == 0) != allow_deny)
			continue;
		fprintf(out, "%s %s%s%s%s [", allow_deny ? "!" : "~", json_string_value(json_object_get(e, "syscall")),
			*example ? " (" : "", example, *example ? ")" : "");
		json_array_foreach(json_object_get(e, "arches"), j, a)
			fprintf(out, "%s%s", j ? " " : "", json_string_value(a));
		fprintf(out, "]: A %s, B %s\n", json_string_value(json_object_get(e, "a")),
			json_string_value(json_object_get(e, "b")));
	}
}

/* "!" lines first: one side allows what the other denies; "~" lines: both
 * deny, differently (errno, kill). */
void hr_profile_diff_print(const json_t *report, FILE *out)
{
	fprintf(out, "A = %s\nB = %s\n", json_string_value(json_object_get(report, "a")),
		json_string_value(json_object_get(report, "b")));
	print_entries(report, out, true);
	print_entries(report, out, false);
	fprintf(out, "%lld differences, %lld of them allow/deny\n",
		(long long)json_integer_value(json_object_get(report, "count")),
		(long long)json_integer_value(json_object_get(report, "allow_deny")));
}
