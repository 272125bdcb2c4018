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

bool hr_policy_host_present(const char *path)
{
	return path || access(HR_POLICY_DEFAULT_PATH, F_OK) == 0 || errno != ENOENT;
}

int hr_policy_load_host(const char *path, struct hr_policy **out, struct hr_error *err)
{
	*out = NULL;
	if (!hr_policy_host_present(path))
		return 0;
	return hr_policy_load_file(path ? path : HR_POLICY_DEFAULT_PATH, out, err);
}

void hr_policy_audit(const struct hr_policy *p, const struct hr_policy_result *d)
{
	for (size_t i = 0; i < d->n_decisions; i++) {
		const struct hr_decision *dec = &d->decisions[i];
		_cleanup_free_ char *fields = hr_policy_decision_json(p, dec);
		_cleanup_free_ char *msg = xasprintf("policy %s: %s: %s",
						     hr_policy_action_name(dec->kind), dec->rule,
						     dec->detail);
		hr_log_audit(dec->kind == HR_DECISION_REFUSE ? "error" : "warning", msg, fields);
	}
}

char *hr_policy_decisions_json(const struct hr_policy *p, const struct hr_policy_result *d)
{
	json_error_t jerr;
	json_t *arr = json_array();
	char *out;

	for (size_t i = 0; i < d->n_decisions; i++) {
		_cleanup_free_ char *one = hr_policy_decision_json(p, &d->decisions[i]);
		json_array_append_new(arr, json_loads(one, 0, &jerr));
	}
	out = json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(arr);
	if (!out)
		abort();
	return out;
}

int hr_policy_save_record(struct hr_container *c, const struct hr_policy *p,
			  const struct hr_policy_result *d, struct hr_error *err)
{
	_cleanup_free_ char *decisions = hr_policy_decisions_json(p, d);

	return hr_container_save_policy(c, p->source_name, p->text, decisions, err);
}

/* The policy container c was created under (0 and NULL: none), with the
 * host description that looks its id range up rather than taking one. */
static int recorded_policy(struct hr_container *c, struct hr_policy **p,
			   struct hr_policy_host *host, struct hr_error *err)
{
	struct hr_policy_record rec;
	int r = hr_container_load_policy(c, &rec, err);

	*p = NULL;
	if (r > 0)
		r = hr_policy_load_string(rec.text, rec.source, p, err);
	hr_policy_record_clear(&rec);
	if (r < 0)
		return hr_error_wrap(err, "container %s: policy record", c->id);
	if (!*p) /* no policy: nothing judges, nothing to probe */
		return 0;
	hr_policy_host_probe(host);
	host->state_root = c->root;
	host->container_id = c->id;
	host->id_range = hr_policy_ids_lookup;
	host->rederive = true; /* create judged it; only what it injected matters here */
	return 0;
}

int hr_policy_container_spec(struct hr_container *c, const struct hr_spec **out,
			     struct hr_error *err)
{
	struct hr_policy *p = NULL;
	struct hr_policy_result ignored = { 0 };
	struct hr_policy_host host;
	int r;

	if (hr_container_spec(c, out, err) < 0 || recorded_policy(c, &p, &host, err) < 0)
		return -1;
	/* the same floor again: what create injected, injected the same way */
	r = p ? hr_policy_apply_spec(p, &host, c->spec, &ignored, err) : 0;
	hr_policy_result_clear(&ignored);
	hr_policy_free(p);
	return r < 0 ? hr_error_wrap(err, "container %s: policy record", c->id) : 0;
}

int hr_policy_container_process(struct hr_container *c, struct hr_process *proc,
				struct hr_error *err)
{
	struct hr_policy *p = NULL;
	struct hr_policy_result ignored = { 0 };
	struct hr_policy_host host;
	int r;

	/* the container's own floor: its decisions on this process are audited */
	if (recorded_policy(c, &p, &host, err) < 0)
		return -1;
	r = p ? hr_policy_apply_process(p, &host, proc, "exec process", &ignored, err) : 0;
	if (r == 0 && p) {
		hr_policy_audit(p, &ignored);
		r = hr_policy_refusal_error(p, &ignored, err);
	}
	hr_policy_result_clear(&ignored);
	hr_policy_free(p);
	return r;
}

int hr_policy_container_update(struct hr_container *c, const struct hr_resources *res,
			       struct hr_error *err)
{
	struct hr_policy *p = NULL;
	struct hr_policy_result d = { 0 };
	struct hr_policy_host host;
	int r;

	if (recorded_policy(c, &p, &host, err) < 0)
		return -1;
	if (!p)
		return 0;
	hr_policy_apply_update(p, res, &d);
	hr_policy_audit(p, &d);
	r = hr_policy_refusal_error(p, &d, err);
	hr_policy_result_clear(&d);
	hr_policy_free(p);
	return r;
}
