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
	[HR_DECISION_INJECT] = "inject", [HR_DECISION_REFUSE] = "refuse",
	[HR_DECISION_WARN] = "warn", [HR_DECISION_DEGRADE] = "degrade",
};

const char *hr_policy_action_name(enum hr_decision_kind a)
{
	return action_names[a];
}

void hr_policy_decide(struct hr_policy_result *d, const char *rule, enum hr_decision_kind a,
		      const char *fmt, ...)
{
	va_list ap;
	_cleanup_free_ char *detail = NULL;

	va_start(ap, fmt);
	if (vasprintf(&detail, fmt, ap) < 0)
		abort();
	va_end(ap);
	hr_policy_record(d, a, rule, detail);
}

/* Here rather than in policy.c: every rule file records, and policy.c runs
 * the rules (a file-level cycle otherwise). */
void hr_policy_record(struct hr_policy_result *r, enum hr_decision_kind kind, const char *rule, const char *detail)
{
	r->decisions = xrealloc(r->decisions, (r->n_decisions + 1) * sizeof(*r->decisions));
	r->decisions[r->n_decisions++] = (struct hr_decision){ kind, xstrdup(rule), xstrdup(detail ? detail : "") };
}

size_t hr_policy_refusals(const struct hr_policy_result *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n_decisions; i++)
		n += d->decisions[i].kind == HR_DECISION_REFUSE;
	return n;
}

void hr_policy_result_clear(struct hr_policy_result *r)
{
	for (size_t i = 0; i < r->n_decisions; i++) {
		free(r->decisions[i].rule);
		free(r->decisions[i].detail);
	}
	free(r->decisions);
	r->decisions = NULL;
	r->n_decisions = 0;
}

char *hr_policy_decision_json(const struct hr_policy *p, const struct hr_decision *dec)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "policy", p->source_name, "rule", dec->rule,
			      "action", action_names[dec->kind], "detail", dec->detail);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(o);
	if (!s)
		abort();
	return s;
}

int hr_policy_refusal_error(const struct hr_policy *p, const struct hr_policy_result *d,
			    struct hr_error *err)
{
	size_t n = hr_policy_refusals(d);

	for (size_t i = 0; i < d->n_decisions; i++) {
		if (d->decisions[i].kind != HR_DECISION_REFUSE)
			continue;
		if (n > 1)
			return hr_error_set(err, 0, "refused by policy %s: %s: %s (and %zu more refusals)",
					    p->source_name, d->decisions[i].rule, d->decisions[i].detail, n - 1);
		return hr_error_set(err, 0, "refused by policy %s: %s: %s", p->source_name,
				    d->decisions[i].rule, d->decisions[i].detail);
	}
	return 0;
}

void hr_policy_below(struct hr_policy_result *d, const char *rule, enum hr_policy_mode mode,
		     const char *shortfall, const char *fix)
{
	if (mode == HR_POLICY_INJECT)
		hr_policy_decide(d, rule, HR_DECISION_INJECT, "%s: %s", shortfall, fix);
	else if (mode == HR_POLICY_REFUSE)
		hr_policy_decide(d, rule, HR_DECISION_REFUSE, "%s", shortfall);
	else if (mode == HR_POLICY_WARN)
		hr_policy_decide(d, rule, HR_DECISION_WARN, "%s", shortfall);
}

void hr_policy_strv_append(char ***v, const char *s)
{
	size_t n = hr_strv_len(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}
