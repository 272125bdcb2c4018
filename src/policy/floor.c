/* The order in which the rules of the floor are applied: to a process
 * (create's and exec's) and to a whole spec. */
#include "policy/floor.h"

#include "policy/rules.h"

int hr_policy_apply_process(const struct hr_policy *p, const struct hr_policy_host *host,
			    struct hr_process *proc, const char *path,
			    struct hr_policy_result *d, struct hr_error *err)
{
	(void)err;
	hr_policy_rule_nnp(p, proc, path, d);
	hr_policy_rule_caps(p, proc, path, d);
	hr_policy_rule_apparmor(p, host, proc, path, d);
	return 0;
}

int hr_policy_apply_spec(const struct hr_policy *p, const struct hr_policy_host *host,
			 struct hr_spec *spec, struct hr_policy_result *d, struct hr_error *err)
{
	if (spec->has_process &&
	    hr_policy_apply_process(p, host, &spec->process, "process", d, err) < 0)
		return -1;
	hr_policy_rule_readonly_rootfs(p, spec, d);
	hr_policy_rule_host_namespaces(p, host, spec, d);
	if (hr_policy_rule_seccomp(p, spec, d, err) < 0 || hr_policy_rule_seccomp_deny(p, host, spec, d, err) < 0)
		return -1;
	hr_policy_rule_bind_mounts(p, host, spec, d);
	hr_policy_rule_devices(p, spec, d);
	hr_policy_rule_sysctls(p, spec, d);
	hr_policy_rule_hooks(p, spec, d);
	hr_policy_rule_path_minimum(p, spec, d);
	hr_policy_rule_resources(p, host, spec, d);
	return hr_policy_rule_userns(p, host, spec, d, err);
}
