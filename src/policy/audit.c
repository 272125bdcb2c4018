/* The policy's outputs beyond the spec: audit lines, the record kept in the
 * container's state, and the effective config derived again from it. */
#include "policy/floor.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "state/state.h"

int hr_policy_load_host(const char *path, struct hr_policy **out, struct hr_error *err)
{
	*out = NULL;
	if (!path) {
		if (access(HR_POLICY_DEFAULT_PATH, F_OK) < 0 && errno == ENOENT)
			return 0;
		path = HR_POLICY_DEFAULT_PATH;
	}
	return hr_policy_load_file(path, out, err);
}

void hr_policy_audit(const struct hr_policy *p, const struct hr_policy_decisions *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct hr_policy_decision *dec = &d->v[i];
		_cleanup_free_ char *fields = hr_policy_decision_json(p, dec);
		_cleanup_free_ char *msg = xasprintf("policy %s: %s: %s",
						     hr_policy_action_name(dec->action), dec->rule,
						     dec->detail);
		hr_log_audit(dec->action == HR_DECIDE_REFUSE ? "error" : "warning", msg, fields);
	}
}

char *hr_policy_decisions_json(const struct hr_policy *p, const struct hr_policy_decisions *d)
{
	json_error_t jerr;
	json_t *arr = json_array();
	char *out;

	for (size_t i = 0; i < d->n; i++) {
		_cleanup_free_ char *one = hr_policy_decision_json(p, &d->v[i]);
		json_array_append_new(arr, json_loads(one, 0, &jerr));
	}
	out = json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(arr);
	if (!out)
		abort();
	return out;
}

int hr_policy_save_record(struct hr_container *c, const struct hr_policy *p,
			  const struct hr_policy_decisions *d, struct hr_error *err)
{
	_cleanup_free_ char *decisions = hr_policy_decisions_json(p, d);

	return hr_container_save_policy(c, p->source_name, p->text, decisions, err);
}

int hr_policy_container_spec(struct hr_container *c, const struct hr_spec **out,
			     struct hr_error *err)
{
	struct hr_policy_record rec;
	struct hr_policy *p = NULL;
	struct hr_policy_decisions ignored = { 0 };
	struct hr_policy_host host;
	int r;

	if (hr_container_spec(c, out, err) < 0)
		return -1;
	r = hr_container_load_policy(c, &rec, err);
	if (r <= 0)
		return r;
	r = hr_policy_load_string(rec.text, rec.source, &p, err);
	if (r == 0) {
		hr_policy_host_probe(&host);
		/* the same floor again: what create injected, injected the same way */
		r = hr_policy_apply_spec(p, &host, c->spec, &ignored, err);
	}
	hr_policy_decisions_clear(&ignored);
	hr_policy_free(p);
	hr_policy_record_clear(&rec);
	return r < 0 ? hr_error_wrap(err, "container %s: policy record", c->id) : 0;
}
