/* Decisions of the policy floor, their audit form, the host probe, and the
 * order in which the rules are applied to a spec. */
#include "policy/floor.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apparmor/apparmor.h"
#include "base/util.h"
#include "policy/rules.h"

static const char *const action_names[] = {
	[HR_DECIDE_INJECT] = "inject", [HR_DECIDE_REFUSE] = "refuse",
	[HR_DECIDE_WARN] = "warn", [HR_DECIDE_DEGRADE] = "degrade",
};

const char *hr_policy_action_name(enum hr_policy_action a)
{
	return action_names[a];
}

void hr_policy_decide(struct hr_policy_decisions *d, const char *rule, enum hr_policy_action a,
		      const char *fmt, ...)
{
	va_list ap;
	char *detail;

	va_start(ap, fmt);
	if (vasprintf(&detail, fmt, ap) < 0)
		abort();
	va_end(ap);
	d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
	d->v[d->n++] = (struct hr_policy_decision){ .rule = rule, .action = a, .detail = detail };
}

size_t hr_policy_refusals(const struct hr_policy_decisions *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += d->v[i].action == HR_DECIDE_REFUSE;
	return n;
}

void hr_policy_decisions_clear(struct hr_policy_decisions *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].detail);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

char *hr_policy_decision_json(const struct hr_policy *p, const struct hr_policy_decision *dec)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "policy", p->source_name, "rule", dec->rule,
			      "action", action_names[dec->action], "detail", dec->detail);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(o);
	if (!s)
		abort();
	return s;
}

int hr_policy_refusal_error(const struct hr_policy *p, const struct hr_policy_decisions *d,
			    struct hr_error *err)
{
	size_t n = hr_policy_refusals(d);

	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].action != HR_DECIDE_REFUSE)
			continue;
		if (n > 1)
			return hr_error_set(err, 0, "refused by policy %s: %s: %s (and %zu more refusals)",
					    p->source_name, d->v[i].rule, d->v[i].detail, n - 1);
		return hr_error_set(err, 0, "refused by policy %s: %s: %s", p->source_name,
				    d->v[i].rule, d->v[i].detail);
	}
	return 0;
}

static int stat_ns(const char *path, struct hr_policy_ns_id *out)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	*out = (struct hr_policy_ns_id){ .known = true, .dev = st.st_dev, .ino = st.st_ino };
	return 0;
}

static bool cgroup_has_pids(void)
{
	_cleanup_free_ char *list = NULL;
	struct hr_error ignored;

	if (hr_read_file_at(-1, "/sys/fs/cgroup/cgroup.controllers", &list, NULL, &ignored) < 0)
		return false;
	for (char *tok = strtok(list, " \n"); tok; tok = strtok(NULL, " \n"))
		if (strcmp(tok, "pids") == 0)
			return true;
	return false;
}

void hr_policy_host_probe(struct hr_policy_host *host)
{
	*host = (struct hr_policy_host){ .apparmor_enabled = hr_apparmor_enabled(),
					 .cgroup_pids = cgroup_has_pids(),
					 .resolve_symlinks = true };
	for (int t = 0; t < HR_NS_COUNT; t++) {
		_cleanup_free_ char *path = xasprintf("/proc/self/ns/%s", hr_ns_proc_name(t));
		if (stat_ns(path, &host->ns[t]) < 0)
			host->ns[t].known = false;
	}
}

int hr_policy_ns_identity(const struct hr_policy_host *host, const char *path,
			  struct hr_policy_ns_id *out)
{
	return host->ns_identity ? host->ns_identity(path, out) : stat_ns(path, out);
}

void hr_policy_below(struct hr_policy_decisions *d, const char *rule, enum hr_policy_mode mode,
		     const char *shortfall, const char *fix)
{
	if (mode == HR_POLICY_INJECT)
		hr_policy_decide(d, rule, HR_DECIDE_INJECT, "%s: %s", shortfall, fix);
	else if (mode == HR_POLICY_REFUSE)
		hr_policy_decide(d, rule, HR_DECIDE_REFUSE, "%s", shortfall);
	else if (mode == HR_POLICY_WARN)
		hr_policy_decide(d, rule, HR_DECIDE_WARN, "%s", shortfall);
}

int hr_policy_apply_process(const struct hr_policy *p, const struct hr_policy_host *host,
			    struct hr_process *proc, const char *path,
			    struct hr_policy_decisions *d, struct hr_error *err)
{
	(void)err;
	hr_policy_rule_nnp(p, proc, path, d);
	hr_policy_rule_caps(p, proc, path, d);
	hr_policy_rule_apparmor(p, host, proc, path, d);
	return 0;
}

int hr_policy_apply_spec(const struct hr_policy *p, const struct hr_policy_host *host,
			 struct hr_spec *spec, struct hr_policy_decisions *d, struct hr_error *err)
{
	if (spec->has_process &&
	    hr_policy_apply_process(p, host, &spec->process, "process", d, err) < 0)
		return -1;
	hr_policy_rule_readonly_rootfs(p, spec, d);
	hr_policy_rule_host_namespaces(p, host, spec, d);
	if (hr_policy_rule_seccomp(p, spec, d, err) < 0)
		return -1;
	hr_policy_rule_bind_mounts(p, host, spec, d);
	hr_policy_rule_devices(p, spec, d);
	hr_policy_rule_sysctls(p, spec, d);
	hr_policy_rule_hooks(p, spec, d);
	hr_policy_rule_path_minimum(p, spec, d);
	hr_policy_rule_resources(p, host, spec, d);
	return hr_policy_rule_userns(p, host, spec, d, err);
}
