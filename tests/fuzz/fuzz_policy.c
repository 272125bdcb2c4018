/* The host policy file (/etc/hardrun/policy.json, --policy): its loader
 * (hr_policy_load_string, schema errors located at line:col), then every
 * rule applied to `hardrun spec`'s config with a host description that
 * touches nothing (no id pool, no symlink resolution, no namespace files). */
#include "fuzz_common.h"

#include <stdio.h>

#include "policy/floor.h"
#include "spec/spec.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static int fake_ns(const char *path, struct hr_policy_ns_id *out)
{
	*out = (struct hr_policy_ns_id){ .known = true, .dev = 1, .ino = strlen(path) };
	return 0;
}

static int fake_ids(const struct hr_policy_host *host, const struct hr_policy *p, uint32_t *start,
		    struct hr_error *err)
{
	(void)host, (void)err;
	*start = p->user_namespace.pool_start;
	return 0;
}

static const struct hr_policy_host host = {
	.apparmor_enabled = true, .cgroup_memory = true, .cgroup_pids = true,
	.ns = { [HR_NS_NETWORK] = { .known = true, .dev = 1, .ino = 15 } },
	.ns_identity = fake_ns, .id_range = fake_ids, .rootfs_idmap = true,
};

/* What `policy init` writes must load. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct hr_error err = { 0 };
	struct hr_policy *p = NULL;
	char *text = hr_policy_restricted_json(&host);

	(void)argc;
	(void)argv;
	if (hr_policy_load_string(text, "policy init", &p, &err) < 0) {
		fprintf(stderr, "fuzz_policy: the restricted policy: %s\n", err.msg);
		abort();
	}
	hr_policy_free(p);
	free(text);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	char *example = hr_spec_example_json(false);
	struct hr_error err = { 0 };
	struct hr_policy *p = NULL;
	struct hr_spec *spec = NULL;
	struct hr_policy_result d = { 0 };

	if (hr_policy_load_string(text, "fuzz/policy.json", &p, &err) == 0 &&
	    hr_spec_load_string(example, "hardrun spec", &spec, &err) == 0) {
		if (hr_policy_apply_spec(p, &host, spec, &d, &err) == 0) {
			for (size_t i = 0; i < d.n_decisions; i++)
				free(hr_policy_decision_json(p, &d.decisions[i]));
			(void)hr_policy_refusal_error(p, &d, &err);
		}
		hr_policy_apply_update(p, &spec->linux_.resources, &d);
	}
	hr_policy_result_clear(&d);
	hr_spec_free(spec);
	hr_policy_free(p);
	free(example);
	free(text);
	return 0;
}
