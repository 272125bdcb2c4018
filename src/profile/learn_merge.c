/* `profile learn --merge`: an existing OCI profile extended with what one
 * more run used. Done on the JSON, so rules of the base that learn would
 * not write (argument checks, other actions) stay as they are; the result
 * is compiled once to prove libseccomp takes it. */
#include "profile/learn.h"

#include <fcntl.h>
#include <string.h>

#include "base/util.h"
#include "seccomp/seccomp.h"

int hr_learn_load_profile(const char *path, json_t **out, struct hr_seccomp **cfg, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;
	struct hr_seccomp *checked = NULL;
	json_error_t jerr;

	*out = NULL;
	if (hr_read_file_at(AT_FDCWD, path, &text, NULL, err) < 0)
		return hr_error_wrap(err, "reading seccomp profile");
	/* the spec parser's errors: file:line:col, JSON paths */
	if (hr_seccomp_profile_parse(text, path, &checked, err) < 0)
		return -1;
	*out = json_loads(text, 0, &jerr);
	if (!*out) {
		hr_seccomp_profile_free(checked);
		return hr_error_set(err, 0, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
	}
	if (cfg)
		*cfg = checked;
	else
		hr_seccomp_profile_free(checked);
	return 0;
}

static bool is_allow(json_t *rule)
{
	const char *a = json_string_value(json_object_get(rule, "action"));

	return a && strcmp(a, "SCMP_ACT_ALLOW") == 0;
}

static bool unconditional(json_t *rule)
{
	json_t *args = json_object_get(rule, "args");

	return !args || json_array_size(args) == 0;
}

/* names an unconditional allow rule of rules already lets through */
static json_t *allowed_names(json_t *rules)
{
	json_t *set = json_object(), *r, *nm;
	size_t i, j;

	json_array_foreach(rules, i, r)
		if (is_allow(r) && unconditional(r))
			json_array_foreach(json_object_get(r, "names"), j, nm)
				if (json_is_string(nm))
					json_object_set_new(set, json_string_value(nm), json_true());
	return set;
}

static bool has_equal(json_t *arr, json_t *v)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
		if (json_equal(x, v))
			return true;
	return false;
}

static void merge_rules(json_t *base_rules, json_t *learned_rules)
{
	json_t *have = allowed_names(base_rules), *fresh = json_array(), *r, *nm;
	size_t i, j;

	json_array_foreach(learned_rules, i, r) {
		if (is_allow(r) && unconditional(r)) {
			json_array_foreach(json_object_get(r, "names"), j, nm)
				if (!json_object_get(have, json_string_value(nm)))
					json_array_append(fresh, nm);
		} else if (!has_equal(base_rules, r)) {
			json_array_append(base_rules, r);
		}
	}
	if (json_array_size(fresh))
		json_array_append_new(base_rules, json_pack("{sOss}", "names", fresh, "action", "SCMP_ACT_ALLOW"));
	json_decref(fresh);
	json_decref(have);
}

static void merge_meta(json_t *merged, json_t *learned)
{
	json_t *old = json_object_get(json_object_get(merged, HR_LEARN_META_KEY), "learn");
	json_t *meta = json_deep_copy(json_object_get(learned, HR_LEARN_META_KEY));
	json_t *m = json_object_get(meta, "learn");
	json_int_t runs = json_integer_value(json_object_get(old, "runs"));

	json_object_set_new(m, "runs", json_integer((runs > 0 ? runs : 1) + 1));
	if (json_is_true(json_object_get(old, "partial"))) {
		json_object_set_new(m, "partial", json_true());
		if (!json_object_get(m, "reason"))
			json_object_set(m, "reason", json_object_get(old, "reason"));
	}
	json_object_set_new(merged, HR_LEARN_META_KEY, meta);
}

static int check_compiles(json_t *profile, struct hr_error *err)
{
	_cleanup_free_ char *text = json_dumps(profile, 0);
	struct hr_seccomp *cfg = NULL;
	struct hr_seccomp_program prog;
	int rc;

	if (hr_seccomp_profile_parse(text, "merged profile", &cfg, err) < 0)
		return -1;
	rc = hr_seccomp_compile(cfg, NULL, &prog, err);
	hr_seccomp_profile_free(cfg);
	if (rc < 0)
		return hr_error_wrap(err, "the merged profile does not compile");
	hr_seccomp_program_clear(&prog);
	return 0;
}

int hr_learn_merge(json_t *base, json_t *learned, json_t **out, struct hr_error *err)
{
	json_t *merged = json_deep_copy(base), *arches, *a, *rules;
	size_t i;

	arches = json_object_get(merged, "architectures");
	if (!json_is_array(arches)) {
		arches = json_array();
		json_object_set_new(merged, "architectures", arches);
	}
	json_array_foreach(json_object_get(learned, "architectures"), i, a)
		if (!has_equal(arches, a))
			json_array_append(arches, a);
	rules = json_object_get(merged, "syscalls");
	if (!json_is_array(rules)) {
		rules = json_array();
		json_object_set_new(merged, "syscalls", rules);
	}
	merge_rules(rules, json_object_get(learned, "syscalls"));
	merge_meta(merged, learned);
	if (check_compiles(merged, err) < 0) {
		json_decref(merged);
		return -1;
	}
	*out = merged;
	return 0;
}
