/* Rules on the process (create's and exec's): no_new_privs, the capability
 * ceiling, AppArmor; and the container's seccomp filter. */
#include "policy/rules.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "container/capabilities.h"
#include "seccomp/seccomp.h"

void hr_policy_rule_nnp(const struct hr_policy *p, struct hr_process *proc, const char *path,
			struct hr_policy_result *d)
{
	_cleanup_free_ char *what = NULL;

	if (proc->no_new_privileges || p->no_new_privileges == HR_POLICY_OFF)
		return;
	what = xasprintf("%s.noNewPrivileges is false", path);
	hr_policy_below(d, "noNewPrivileges", p->no_new_privileges, what, "set to true");
	if (p->no_new_privileges == HR_POLICY_INJECT)
		proc->no_new_privileges = true;
}

static bool cap_allowed(char *const *ceiling, const char *name)
{
	int cap = hr_cap_from_name(name);

	for (size_t i = 0; ceiling && ceiling[i]; i++)
		if (hr_cap_from_name(ceiling[i]) == cap)
			return true;
	return false;
}

/* One capability set: caps above the ceiling dropped (inject) or reported. */
static void caps_set(const struct hr_policy *p, char **set, const char *path, const char *name,
		     struct hr_policy_result *d)
{
	size_t out = 0;

	for (size_t i = 0; set && set[i]; i++) {
		_cleanup_free_ char *what = NULL;
		if (cap_allowed(p->capabilities.items, set[i])) {
			set[out++] = set[i];
			continue;
		}
		what = xasprintf("%s in %s.capabilities.%s is above the ceiling", set[i], path, name);
		hr_policy_below(d, "capabilities", p->capabilities.mode, what, "dropped");
		if (p->capabilities.mode == HR_POLICY_INJECT)
			free(set[i]);
		else
			set[out++] = set[i];
	}
	if (set)
		set[out] = NULL;
}

void hr_policy_rule_caps(const struct hr_policy *p, struct hr_process *proc, const char *path,
			 struct hr_policy_result *d)
{
	struct hr_capabilities *c = &proc->capabilities;

	if (p->capabilities.mode == HR_POLICY_OFF)
		return;
	caps_set(p, c->bounding, path, "bounding", d);
	caps_set(p, c->effective, path, "effective", d);
	caps_set(p, c->permitted, path, "permitted", d);
	caps_set(p, c->inheritable, path, "inheritable", d);
	caps_set(p, c->ambient, path, "ambient", d);
}

/* AppArmor absent from the host: degrade if the policy says it may. */
static void apparmor_missing(const struct hr_policy *p, struct hr_policy_result *d)
{
	if (p->apparmor.mode == HR_POLICY_WARN)
		hr_policy_decide(d, "apparmor", HR_DECISION_WARN, "AppArmor is not enabled on this host");
	else if (hr_policy_may_degrade(p, "apparmor"))
		hr_policy_decide(d, "apparmor", HR_DECISION_DEGRADE,
				 "AppArmor is not enabled on this host: running without a profile "
				 "(the policy lets \"apparmor\" degrade)");
	else
		hr_policy_decide(d, "apparmor", HR_DECISION_REFUSE,
				 "AppArmor is not enabled on this host (the policy requires it; "
				 "\"degrade\": [\"apparmor\"] allows running without)");
}

void hr_policy_rule_apparmor(const struct hr_policy *p, const struct hr_policy_host *host,
			     struct hr_process *proc, const char *path,
			     struct hr_policy_result *d)
{
	_cleanup_free_ char *what = NULL;
	const char *cur = proc->apparmor_profile;
	enum hr_policy_mode mode = p->apparmor.mode;

	if (mode == HR_POLICY_OFF)
		return;
	if (!host->apparmor_enabled) {
		apparmor_missing(p, d);
		return;
	}
	if (cur && strcmp(cur, "unconfined") == 0) {
		what = xasprintf("%s.apparmorProfile is \"unconfined\"", path);
		hr_policy_decide(d, "apparmor", mode == HR_POLICY_WARN ? HR_DECISION_WARN : HR_DECISION_REFUSE,
				 "%s", what);
		return;
	}
	if (cur && *cur)
		return;
	what = xasprintf("%s.apparmorProfile is not set", path);
	hr_policy_below(d, "apparmor", mode, what, p->apparmor.profile);
	if (mode == HR_POLICY_INJECT) {
		free(proc->apparmor_profile);
		proc->apparmor_profile = xstrdup(p->apparmor.profile);
	}
}

/* A filter that allows everything it does not name, and names nothing. */
static bool seccomp_unconfined(const struct hr_seccomp *s)
{
	return s->n_syscalls == 0 && (strcmp(s->default_action, "SCMP_ACT_ALLOW") == 0 ||
				      strcmp(s->default_action, "SCMP_ACT_LOG") == 0);
}

static int seccomp_inject(const struct hr_policy *p, struct hr_spec *spec, struct hr_error *err)
{
	struct hr_seccomp *s = NULL;
	int r;

	if (strcmp(p->seccomp.profile, "default") == 0)
		r = hr_seccomp_profile_parse(hr_seccomp_default_profile_json(), "default seccomp profile",
					     &s, err);
	else
		r = hr_seccomp_profile_load_file(p->seccomp.profile, &s, err);
	if (r < 0)
		return hr_error_wrap(err, "policy %s: seccomp.profile", p->source_name);
	spec->has_linux = true;
	spec->linux_.seccomp = s;
	return 0;
}

int hr_policy_rule_seccomp(const struct hr_policy *p, struct hr_spec *spec,
			   struct hr_policy_result *d, struct hr_error *err)
{
	enum hr_policy_mode mode = p->seccomp.mode;
	const struct hr_seccomp *s = spec->linux_.seccomp;

	if (mode == HR_POLICY_OFF)
		return 0;
	if (s && seccomp_unconfined(s)) {
		hr_policy_decide(d, "seccomp", mode == HR_POLICY_WARN ? HR_DECISION_WARN : HR_DECISION_REFUSE,
				 "linux.seccomp is unconfined (defaultAction %s and no rules)",
				 s->default_action);
		return 0;
	}
	if (s)
		return 0;
	hr_policy_below(d, "seccomp", mode, "linux.seccomp is not set",
			strcmp(p->seccomp.profile, "default") == 0 ? "the default profile"
								  : p->seccomp.profile);
	return mode == HR_POLICY_INJECT ? seccomp_inject(p, spec, err) : 0;
}
