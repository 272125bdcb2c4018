/* The report of `profile check`: one item per (syscall, argument case) the
 * profile would have denied, with its count, what enforcement would have
 * answered and the first process that made it. */
#include "profile/check_internal.h"

#include <fcntl.h>
#include <string.h>

#include "base/util.h"
#include "profile/learn.h"
#include "seccomp/eval.h"

static json_t *arg_case(const struct hr_rec_entry *e)
{
	switch (e->kind) {
	case HR_REC_CLONE:
	case HR_REC_CLONE3:
		return e->a == HR_REC_UNKNOWN ? json_pack("{ss}", "namespaceFlags", "unreadable")
					      : json_pack("{sI}", "namespaceFlags", (json_int_t)e->a);
	case HR_REC_UNSHARE: return json_pack("{sI}", "flags", (json_int_t)e->a);
	case HR_REC_SOCKET: return json_pack("{sIsI}", "family", (json_int_t)e->a, "type", (json_int_t)e->b);
	case HR_REC_PERSONALITY: return json_pack("{sI}", "persona", (json_int_t)e->a);
	case HR_REC_PRCTL: return json_pack("{sI}", "option", (json_int_t)e->a);
	case HR_REC_IOCTL: return json_pack("{sI}", "request", (json_int_t)e->a);
	default: return NULL;
	}
}

/* What enforcement answers for the entry's first call; false if it allows. */
static bool verdict_of(const struct hr_check_result *r, const struct hr_rec_entry *e, char *buf, size_t n)
{
	struct seccomp_data d;
	struct hr_seccomp_verdict v;
	struct hr_error ignored = { 0 };

	hr_seccomp_data_init(&d, e->arch, e->nr, e->first_args);
	if (hr_seccomp_eval(r->enforcing->filter, r->enforcing->n_insns, &d, &v, &ignored) < 0) {
		snprintf(buf, n, "unknown (%.40s)", ignored.msg);
		return true;
	}
	hr_seccomp_verdict_str(&v, buf, n);
	return !hr_seccomp_verdict_allows(&v);
}

static json_t *item(const struct hr_check_result *r, const struct hr_rec_entry *e, const char *verdict)
{
	const char *arch = hr_learn_arch_name(e->arch);
	json_t *args = json_array(), *c = arg_case(e);
	json_t *it;

	for (int i = 0; i < 6; i++)
		json_array_append_new(args, json_integer((json_int_t)e->first_args[i]));
	it = json_pack("{sssssIsssIsIsssssO}", "syscall", e->name, "arch", arch ? arch : "unknown", "count",
		       (json_int_t)e->count, "wouldGet", verdict, "firstSeenMs", (json_int_t)e->first_ms, "pid",
		       (json_int_t)e->first_pid, "comm", e->first_comm, "exe", e->first_exe ? e->first_exe : "",
		       "args", args);
	json_decref(args);
	(void)r;
	if (c)
		json_object_set_new(it, "case", c);
	return it;
}

json_t *hr_check_report_json(const struct hr_check_result *r)
{
	json_t *denied = json_array(), *runtime = json_array();
	char verdict[64];

	for (size_t i = 0; i < r->n_entries; i++) {
		const struct hr_rec_entry *e = &r->entries[i];
		if (!verdict_of(r, e, verdict, sizeof(verdict)))
			continue; /* the execs that mark the workload's start, allowed */
		if (e->by_workload)
			json_array_append_new(denied, item(r, e, verdict));
		else if (e->before_exec && r->include_runtime)
			json_array_append_new(runtime, json_pack("{ssss}", "syscall", e->name, "wouldGet", verdict));
	}
	return json_pack("{sssososIsbsisI}", "profile", r->profile_name, "denied", denied, "runtimeDenied", runtime,
			 "deniedCalls", (json_int_t)r->denied_calls, "enforced", r->enforced, "exitStatus",
			 r->exit_status, "enforceAfter", (json_int_t)r->enforce_after);
}

static void print_case(json_t *c, FILE *out)
{
	const char *k;
	json_t *v;
	bool first = true;

	if (!c)
		return;
	fputs(" [", out);
	json_object_foreach(c, k, v) {
		if (json_is_integer(v))
			fprintf(out, "%s%s 0x%llx", first ? "" : ", ", k, (unsigned long long)json_integer_value(v));
		else
			fprintf(out, "%s%s %s", first ? "" : ", ", k, json_string_value(v));
		first = false;
	}
	fputc(']', out);
}

static void print_item(json_t *it, FILE *out)
{
	json_t *args = json_object_get(it, "args");

	fprintf(out, "  %s", json_string_value(json_object_get(it, "syscall")));
	print_case(json_object_get(it, "case"), out);
	fprintf(out, " (%s): %lld call(s), would get %s; first at +%lld ms by pid %lld (%s, %s), args",
		json_string_value(json_object_get(it, "arch")), json_integer_value(json_object_get(it, "count")),
		json_string_value(json_object_get(it, "wouldGet")),
		json_integer_value(json_object_get(it, "firstSeenMs")), json_integer_value(json_object_get(it, "pid")),
		json_string_value(json_object_get(it, "comm")), json_string_value(json_object_get(it, "exe")));
	for (size_t i = 0; i < json_array_size(args); i++)
		fprintf(out, " 0x%llx", (unsigned long long)json_integer_value(json_array_get(args, i)));
	fputc('\n', out);
}

void hr_check_report_text(json_t *report, FILE *out)
{
	json_t *denied = json_object_get(report, "denied"), *runtime = json_object_get(report, "runtimeDenied");
	const char *profile = json_string_value(json_object_get(report, "profile"));
	size_t i;
	json_t *it;

	if (!json_array_size(denied) && !json_array_size(runtime)) {
		fprintf(out, "hardrun: profile check: %s would have denied nothing\n", profile);
		return;
	}
	fprintf(out, "hardrun: profile check: %s would have denied %zu syscall case(s), %lld call(s):\n", profile,
		json_array_size(denied), json_integer_value(json_object_get(report, "deniedCalls")));
	json_array_foreach(denied, i, it)
		print_item(it, out);
	json_array_foreach(runtime, i, it)
		fprintf(out, "  %s: would get %s in hardrun itself, before execve (noNewPrivileges is off)\n",
			json_string_value(json_object_get(it, "syscall")),
			json_string_value(json_object_get(it, "wouldGet")));
	if (json_is_true(json_object_get(report, "enforced")))
		fprintf(out, "  (enforced after %lld: later calls were denied for real)\n",
			json_integer_value(json_object_get(report, "enforceAfter")));
}

int hr_check_write_report(const struct hr_check_opts *o, json_t *report, void (*print_text)(json_t *report, FILE *out),
			  struct hr_error *err)
{
	_cleanup_free_ char *text = json_dumps(report, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (o->json) {
		fputs(text, stderr);
		fputc('\n', stderr);
	} else {
		print_text(report, stderr);
	}
	if (o->report && hr_write_file_atomic_at(AT_FDCWD, o->report, text, strlen(text), err) < 0)
		return hr_error_wrap(err, "writing the check report");
	return 0;
}
