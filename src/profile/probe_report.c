/* The probe's report as a human summary. */
#include "profile/probe.h"

#include <string.h>

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "-";
}

static void print_list(FILE *out, const json_t *arr, const char *none)
{
	size_t i;
	json_t *v;

	if (!json_array_size(arr))
		fputs(none, out);
	json_array_foreach(arr, i, v)
		fprintf(out, "%s%s", i ? " " : "", json_string_value(v));
	fputc('\n', out);
}

static void print_identity(const json_t *r, FILE *out)
{
	json_t *caps = json_object_get(r, "capabilities");
	static const char *const sets[] = { "effective", "permitted", "inheritable", "ambient", "bounding" };

	fprintf(out, "container: %s (bundle %s)\n", str(r, "container_id"), str(r, "bundle"));
	fprintf(out, "uid/gid: %lld/%lld\n", (long long)json_integer_value(json_object_get(r, "uid")),
		(long long)json_integer_value(json_object_get(r, "gid")));
	fprintf(out, "namespaces shared with the runtime: ");
	print_list(out, json_object_get(r, "namespaces_shared_with_runtime"), "none");
	fprintf(out, "uid_map: %s\ngid_map: %s\n", str(r, "uid_map"), str(r, "gid_map"));
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		fprintf(out, "capabilities %s: ", sets[i]);
		print_list(out, json_object_get(caps, sets[i]), "none");
	}
	fprintf(out, "no_new_privs: %lld\nseccomp: mode %lld, %lld filter(s)\n",
		(long long)json_integer_value(json_object_get(r, "no_new_privs")),
		(long long)json_integer_value(json_object_get(r, "seccomp")),
		(long long)json_integer_value(json_object_get(r, "seccomp_filters")));
	fprintf(out, "LSM label: %s\n", str(r, "lsm_label"));
	fprintf(out, "root: %s mount, creating a directory in /: %s\n",
		json_is_true(json_object_get(r, "root_readonly_mount")) ? "read-only" : "writable",
		str(r, "root_write"));
}

static void print_checks(const json_t *r, FILE *out)
{
	json_t *calls = json_object_get(r, "syscalls"), *w = json_object_get(r, "writable"), *v;
	const char *name;
	size_t i;

	fprintf(out, "dangerous syscalls:");
	json_object_foreach(calls, name, v)
		fprintf(out, " %s=%s", name, json_string_value(v));
	fputc('\n', out);
	json_object_foreach(w, name, v) {
		fprintf(out, "writable under /%s: %lld of %lld entries checked%s", name,
			(long long)json_integer_value(json_object_get(v, "count")),
			(long long)json_integer_value(json_object_get(v, "visited")),
			json_array_size(json_object_get(v, "paths")) ? ": " : "\n");
		if (json_array_size(json_object_get(v, "paths")))
			print_list(out, json_object_get(v, "paths"), "");
	}
	fprintf(out, "devices that open:");
	json_array_foreach(json_object_get(r, "devices"), i, v)
		fprintf(out, " %s(%s%s)", str(v, "path"), json_is_true(json_object_get(v, "read")) ? "r" : "",
			json_is_true(json_object_get(v, "write")) ? "w" : "");
	fputc('\n', out);
	fprintf(out, "cgroup:");
	json_object_foreach(json_object_get(r, "cgroup"), name, v) {
		fprintf(out, " %s=", name);
		for (const char *p = json_string_value(v); p && *p; p++)
			fputc(*p == '\n' ? ',' : *p, out); /* /proc/self/cgroup has a line per hierarchy */
	}
	fputc('\n', out);
}

void hr_profile_probe_print(const json_t *r, FILE *out)
{
	json_t *v;
	size_t i, open = 0;

	print_identity(r, out);
	print_checks(r, out);
	fprintf(out, "escalations:\n");
	json_array_foreach(json_object_get(r, "escalations"), i, v) {
		bool blocked = json_is_true(json_object_get(v, "blocked"));
		open += !blocked;
		fprintf(out, "  %-8s %s (%s)\n", blocked ? "blocked" : "POSSIBLE", str(v, "name"), str(v, "result"));
	}
	fprintf(out, "  setuid files: %zu, effective: %lld\n", json_array_size(json_object_get(r, "setuid_files")),
		(long long)json_integer_value(json_object_get(r, "setuid_effective")));
	fprintf(out, "%zu of %zu escalations possible\n", open, json_array_size(json_object_get(r, "escalations")));
}
