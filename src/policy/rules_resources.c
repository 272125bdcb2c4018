/* Resource floor: memory, pids and cpu limits injected where a config has
 * none, and ceilings refused, on create and on update. */
#include "policy/rules.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define CPU_PERIOD_DEFAULT 100000

struct limit_check {
	const char *name;      /* "linux.resources.memory.limit" */
	const char *unit;      /* " bytes" */
	bool present;          /* a limit is set */
	bool asked;            /* the key was given (update: unlimited when !present) */
	int64_t value;
};

/* Returns true when the caller must inject the default. */
static bool check_limit(const struct hr_policy *p, const struct hr_policy_limit *l,
			const struct limit_check *c, bool update, struct hr_policy_result *d)
{
	enum hr_policy_mode mode = p->resources.mode;
	enum hr_decision_kind a = mode == HR_POLICY_WARN ? HR_DECISION_WARN : HR_DECISION_REFUSE;
	_cleanup_free_ char *what = NULL;

	if (c->present) {
		if (l->has_max && c->value > l->max)
			hr_policy_decide(d, "resources", a, "%s %lld%s is above the ceiling %lld%s",
					 c->name, (long long)c->value, c->unit, (long long)l->max,
					 c->unit);
		return false;
	}
	if (update && c->asked && l->has_max)
		hr_policy_decide(d, "resources", a, "%s set to unlimited is above the ceiling %lld%s",
				 c->name, (long long)l->max, c->unit);
	if (update || (!l->has_default && !l->has_max))
		return false;
	what = xasprintf("%s is not set (unlimited)", c->name);
	if (mode == HR_POLICY_INJECT && l->has_default) {
		_cleanup_free_ char *fix = xasprintf("set to %lld%s", (long long)l->def, c->unit);
		hr_policy_below(d, "resources", mode, what, fix);
		return true;
	}
	hr_policy_decide(d, "resources", a, "%s", what);
	return false;
}

static int64_t cpu_millis(const struct hr_cpu *cpu)
{
	uint64_t period = cpu->has_period && cpu->period ? cpu->period : CPU_PERIOD_DEFAULT;

	return (int64_t)((__int128)cpu->quota * 1000 / (__int128)period);
}

/* The controller a limit needs is missing from the host's cgroup v2: the
 * rule degrades if the policy lets "cgroup.<name>" degrade, else refuses. */
static bool controller_unavailable(const struct hr_policy *p, bool available, const char *name,
				   const struct hr_policy_limit *l, struct hr_policy_result *d)
{
	_cleanup_free_ char *what = xasprintf("cgroup.%s", name);

	if (available || (!l->has_default && !l->has_max))
		return false;
	if (p->resources.mode == HR_POLICY_WARN)
		hr_policy_decide(d, "resources", HR_DECISION_WARN,
				 "the cgroup %s controller is not available on this host", name);
	else if (hr_policy_may_degrade(p, what))
		hr_policy_decide(d, "resources", HR_DECISION_DEGRADE,
				 "the cgroup %s controller is not available on this host: no %s limit "
				 "(the policy lets \"%s\" degrade)", name, name, what);
	else
		hr_policy_decide(d, "resources", HR_DECISION_REFUSE,
				 "the cgroup %s controller is not available on this host (the policy "
				 "requires a %s limit; \"degrade\": [\"%s\"] allows running without)",
				 name, name, what);
	return true;
}

/* Checks r (create: injecting into it; update: ceilings only). */
static void resources(const struct hr_policy *p, const struct hr_policy_host *host,
		      struct hr_resources *r, bool update, struct hr_policy_result *d)
{
	const struct hr_policy_resources_rule *rule = &p->resources;
	struct hr_memory *mem = &r->memory;
	struct hr_cpu *cpu = &r->cpu;
	struct limit_check mc = { "linux.resources.memory.limit", " bytes",
				  r->has_memory && mem->has_limit && mem->limit > 0,
				  r->has_memory && mem->has_limit, mem->limit };
	struct limit_check pc = { "linux.resources.pids.limit", "", r->has_pids && r->pids_limit > 0,
				  r->has_pids, r->pids_limit };
	struct limit_check cc = { "linux.resources.cpu (quota/period)", " millicores",
				  r->has_cpu && cpu->has_quota && cpu->quota > 0,
				  r->has_cpu && cpu->has_quota, 0 };

	if (cc.present)
		cc.value = cpu_millis(cpu);
	/* only a limit to inject needs the controller here; one asked for is
	 * judged against the ceiling (and refused by cgroup if it cannot be set) */
	if ((update || mc.present || !controller_unavailable(p, host->cgroup_memory, "memory", &rule->memory, d)) &&
	    check_limit(p, &rule->memory, &mc, update, d)) {
		r->has_memory = mem->has_limit = true;
		mem->limit = rule->memory.def;
	}
	if ((update || pc.present || !controller_unavailable(p, host->cgroup_pids, "pids", &rule->pids, d)) &&
	    check_limit(p, &rule->pids, &pc, update, d)) {
		r->has_pids = true;
		r->pids_limit = rule->pids.def;
	}
	if ((update || cc.present || !controller_unavailable(p, host->cgroup_cpu, "cpu", &rule->cpu, d)) &&
	    check_limit(p, &rule->cpu, &cc, update, d)) {
		r->has_cpu = cpu->has_quota = true;
		if (!cpu->has_period || !cpu->period) {
			cpu->has_period = true;
			cpu->period = CPU_PERIOD_DEFAULT;
		}
		cpu->quota = (int64_t)((__int128)rule->cpu.def * (__int128)cpu->period / 1000);
	}
}

void hr_policy_rule_resources(const struct hr_policy *p, const struct hr_policy_host *host,
			      struct hr_spec *spec, struct hr_policy_result *d)
{
	size_t before = d->n_decisions;

	if (p->resources.mode == HR_POLICY_OFF)
		return;
	resources(p, host, &spec->linux_.resources, false, d);
	for (size_t i = before; i < d->n_decisions; i++)
		if (d->decisions[i].kind == HR_DECISION_INJECT)
			spec->has_linux = spec->linux_.has_resources = true;
}

void hr_policy_apply_update(const struct hr_policy *p, const struct hr_resources *r,
			    struct hr_policy_result *d)
{
	struct hr_policy_host any = { .cgroup_memory = true, .cgroup_cpu = true, .cgroup_pids = true };
	struct hr_resources copy = *r;

	if (p->resources.mode == HR_POLICY_OFF)
		return;
	resources(p, &any, &copy, true, d);
}
