/* `profile check --apparmor`: the profile is loaded in complain mode under
 * a name of its own, hardrun-check-<container id> (the text is renamed:
 * a loaded profile with the name the text gives is never replaced, nor
 * unloaded), and the bundle runs confined by it. Every ALLOWED record is
 * an access enforce mode would have denied (DENIED: one complain mode
 * denied too); they are grouped by the rule that would allow them. */
#include "profile/aa_learn.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "profile/aa_run.h"
#include "profile/check_internal.h"
#include "profile/supervised_run.h"

struct aa_check {
	const char *label, *name;
	unsigned long long start_ms;
	json_t *denied;   /* [{...}], one per rule */
};

static const char *what_of(const struct hr_aa_record *r)
{
	if (r->capname)
		return r->capname;
	if (r->family)
		return r->family;
	if (r->name)
		return r->name;
	return r->peer ? r->peer : "";
}

static json_t *find_entry(json_t *denied, const char *rule)
{
	size_t i;
	json_t *e;

	json_array_foreach(denied, i, e)
		if (strcmp(json_string_value(json_object_get(e, "rule")), rule) == 0)
			return e;
	return NULL;
}

static void on_record(void *ud, const struct hr_aa_record *r)
{
	struct aa_check *c = ud;
	_cleanup_free_ char *rule = hr_aa_record_rule(r, c->label, c->name);
	json_t *e;

	if (!rule)
		return;
	e = find_entry(c->denied, rule);
	if (e) {
		json_object_set_new(e, "count", json_integer(json_integer_value(json_object_get(e, "count")) + 1));
		return;
	}
	e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:I}", "operation", r->operation ? r->operation : "",
		      "what", what_of(r), "requested", r->requested_mask ? r->requested_mask : "", "rule", rule,
		      "apparmor", r->apparmor, "pid", (json_int_t)r->pid, "comm", r->comm ? r->comm : "", "count", 1,
		      "firstSeenMs",
		      (json_int_t)(r->time_ms > c->start_ms ? r->time_ms - c->start_ms : 0));
	if (e)
		json_array_append_new(c->denied, e);
}

static void print_text(json_t *report, FILE *out)
{
	json_t *denied = json_object_get(report, "denied"), *e;
	size_t i;

	fprintf(out, "profile check --apparmor: %s (profile %s, loaded as %s): ",
		json_string_value(json_object_get(report, "profile")), json_string_value(json_object_get(report, "name")),
		json_string_value(json_object_get(report, "loadedAs")));
	if (!json_array_size(denied)) {
		fprintf(out, "enforce mode would have denied nothing\n");
		return;
	}
	fprintf(out, "enforce mode would have denied %zu kinds of access:\n", json_array_size(denied));
	json_array_foreach(denied, i, e) {
		const char *requested = json_string_value(json_object_get(e, "requested"));
		long long count = json_integer_value(json_object_get(e, "count"));
		fprintf(out, "  %s %s%s%s (%s pid %lld, %lld time%s, first at %lld ms)  rule: %s\n",
			json_string_value(json_object_get(e, "operation")), json_string_value(json_object_get(e, "what")),
			*requested ? " " : "", requested, json_string_value(json_object_get(e, "comm")),
			json_integer_value(json_object_get(e, "pid")), count, count == 1 ? "" : "s",
			json_integer_value(json_object_get(e, "firstSeenMs")), json_string_value(json_object_get(e, "rule")));
	}
}

static int renamed_text(const struct hr_check_opts *o, const char *label, char **text, char **name,
			struct hr_error *err)
{
	_cleanup_free_ char *orig = NULL, *copy = NULL, *dir = NULL, *absolute = NULL;

	if (!o->profile)
		return hr_error_set(err, 0, "profile check --apparmor: name the AppArmor profile file with --profile");
	if (hr_read_file_at(AT_FDCWD, o->profile, &orig, NULL, err) < 0)
		return hr_error_wrap(err, "profile check --apparmor: reading the profile");
	/* it is loaded from a temporary file: its relative includes must
	 * still name the files next to it */
	copy = xstrdup(o->profile);
	dir = realpath(dirname(copy), NULL);
	if (!dir)
		return hr_error_set(err, errno, "profile check --apparmor: the directory of %s", o->profile);
	absolute = hr_aa_profile_absolute_includes(orig, dir);
	if (hr_aa_profile_rename(absolute, label, text, name, err) < 0)
		return hr_error_wrap(err, "profile check --apparmor: %s", o->profile);
	return 0;
}

static json_t *report_of(const struct hr_check_opts *o, const struct aa_check *c, const struct hr_aa_run *run,
			 int status)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:I, s:i, s:I, s:b, s:O}", "profile", o->profile, "name", c->name,
			 "loadedAs", c->label, "exitStatus", status, "records", (json_int_t)run->records, "lost",
			 run->lost, "kernelLost", (json_int_t)run->kernel_lost, "complete", hr_aa_run_complete(run),
			 "denied", c->denied);
}

int hr_aa_check(const struct hr_check_opts *o, struct hr_error *err)
{
	_cleanup_free_ char *gen_id = NULL, *label = NULL, *text = NULL, *name = NULL;
	struct aa_check c = { 0 };
	struct hr_aa_run run = { .root = o->root, .policy = o->policy, .bundle = o->bundle,
				 .config_text = o->config_text, .on_record = on_record,
				 .ud = &c };
	json_t *report;
	int status, rc;

	gen_id = o->id ? NULL : hr_supervised_run_id();
	run.id = o->id ? o->id : gen_id;
	run.label = c.label = label = xasprintf("hardrun-check-%s", run.id);
	if (hr_aa_require_enabled("profile check --apparmor", err) < 0 || renamed_text(o, label, &text, &name, err) < 0)
		return -1;
	c.name = name;
	run.profile_text = text;
	c.denied = json_array();
	rc = hr_aa_run(&run, &status, err);
	if (rc == 0) {
		report = report_of(o, &c, &run, status);
		rc = hr_check_write_report(o, report, print_text, err);
		json_decref(report);
	}
	if (rc == 0)
		rc = status != 0 ? status : json_array_size(c.denied) ? 1 : 0;
	json_decref(c.denied);
	return rc;
}
