/* Decisions of the policy floor: what each rule did, in order, and their
 * audit form. A leaf of the policy folder: every rule file records here. */
#include "policy/rules.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

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

void hr_policy_strv_append(char ***v, const char *s)
{
	size_t n = hr_strv_len(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}
