/* The host policy a container was created under, kept beside its state:
 * <root>/<id>/policy-record.json = {"policy": FILE, "text": "...",
 * "decisions": [...]}. The text lets exec and inspect derive the same
 * effective config again; the decisions are what `inspect` shows. A
 * container without the file was created without a policy (or before this
 * record existed): nothing else changes for it. */
#include "state/state.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define POLICY_RECORD "policy-record.json"

int hr_container_save_policy(struct hr_container *c, const char *source, const char *text,
			     const char *decisions_json, struct hr_error *err)
{
	json_error_t jerr;
	json_t *decisions = json_loads(decisions_json, 0, &jerr);
	json_t *o;
	char *out;
	int rc;

	if (!decisions || !json_is_array(decisions)) {
		json_decref(decisions);
		return hr_error_set(err, 0, "policy record of container %s: decisions are not a JSON array",
				    c->id);
	}
	o = json_pack("{s:s, s:s, s:o}", "policy", source, "text", text, "decisions", decisions);
	out = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!out)
		abort();
	rc = hr_write_file_atomic_at(c->dirfd, POLICY_RECORD, out, strlen(out), err);
	free(out);
	return rc < 0 ? hr_error_wrap(err, "save policy record of container %s", c->id) : 0;
}

static int record_error(struct hr_container *c, const char *what, struct hr_error *err)
{
	return hr_error_set(err, 0, "policy record of container %s: %s", c->id, what);
}

int hr_container_load_policy(struct hr_container *c, struct hr_policy_record *out,
			     struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;
	json_error_t jerr;
	json_t *o, *src, *txt, *dec;
	struct hr_error read_err;

	*out = (struct hr_policy_record){ 0 };
	if (hr_read_file_at(c->dirfd, POLICY_RECORD, &text, NULL, &read_err) < 0) {
		if (read_err.errnum == ENOENT)
			return 0;
		*err = read_err;
		return hr_error_wrap(err, "policy record of container %s", c->id);
	}
	o = json_loads(text, 0, &jerr);
	src = json_object_get(o, "policy");
	txt = json_object_get(o, "text");
	dec = json_object_get(o, "decisions");
	if (!json_is_string(src) || !json_is_string(txt) || !json_is_array(dec)) {
		json_decref(o);
		return record_error(c, "malformed", err);
	}
	out->source = xstrdup(json_string_value(src));
	out->text = xstrdup(json_string_value(txt));
	out->decisions_json = json_dumps(dec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!out->decisions_json)
		abort();
	return 1;
}

void hr_policy_record_clear(struct hr_policy_record *r)
{
	free(r->source);
	free(r->text);
	free(r->decisions_json);
	*r = (struct hr_policy_record){ 0 };
}
