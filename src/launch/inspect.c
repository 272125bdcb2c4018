/* `hardrun inspect ID`: the effective hardening of a container, read from
 * the outside (its init's /proc entries and its cgroup), beside what the
 * host policy changed (the policy record). Nothing is taken from the config
 * where the kernel can be asked instead. */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "cgroup/cgroup.h"
#include "hardrun/hardrun.h"
#include "policy/floor.h"
#include "state/state.h"

/* /proc/PID/<name> as text, NULL if unreadable. */
static char *proc_read(pid_t pid, const char *name)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/%s", (int)pid, name);
	struct hr_error ignored;
	char *text = NULL;

	if (hr_read_file_at(AT_FDCWD, path, &text, NULL, &ignored) < 0)
		return NULL;
	return text;
}

/* The value of "Key:\t..." in /proc/PID/status, NULL if absent. */
static char *status_field(const char *status, const char *key)
{
	size_t n = strlen(key);

	for (const char *l = status; l && *l;) {
		const char *end = strchrnul(l, '\n');
		if (strncmp(l, key, n) == 0 && l[n] == ':') {
			const char *v = l + n + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			return xstrndup(v, (size_t)(end - v));
		}
		l = *end ? end + 1 : end;
	}
	return NULL;
}

static json_t *cap_names(const char *hex)
{
	unsigned long long mask = strtoull(hex, NULL, 16);
	json_t *arr = json_array();

	for (unsigned c = 0; c < 64; c++) {
		if (!(mask & (1ULL << c)))
			continue;
		const char *name = capng_capability_to_name(c);
		_cleanup_free_ char *up = name ? xasprintf("CAP_%s", name) : xasprintf("%u", c);
		for (char *p = up; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		json_array_append_new(arr, json_string(up));
	}
	return arr;
}

static json_t *process_status(pid_t pid)
{
	static const char *const sets[][2] = {
		{ "CapBnd", "bounding" }, { "CapEff", "effective" }, { "CapPrm", "permitted" },
		{ "CapInh", "inheritable" }, { "CapAmb", "ambient" },
	};
	static const char *const seccomp_modes[] = { "disabled", "strict", "filter" };
	_cleanup_free_ char *status = proc_read(pid, "status");
	_cleanup_free_ char *nnp = status_field(status, "NoNewPrivs");
	_cleanup_free_ char *sc = status_field(status, "Seccomp");
	_cleanup_free_ char *filters = status_field(status, "Seccomp_filters");
	json_t *caps = json_object(), *o = json_object();
	int mode = sc ? atoi(sc) : -1;

	for (size_t i = 0; i < HR_ARRAY_SIZE(sets); i++) {
		_cleanup_free_ char *hex = status_field(status, sets[i][0]);
		if (hex)
			json_object_set_new(caps, sets[i][1], cap_names(hex));
	}
	json_object_set_new(o, "capabilities", caps);
	json_object_set_new(o, "noNewPrivileges", nnp ? json_boolean(atoi(nnp) == 1) : json_null());
	json_object_set_new(o, "seccomp", mode >= 0 && mode <= 2 ? json_string(seccomp_modes[mode])
								 : json_null());
	json_object_set_new(o, "seccompFilters", filters ? json_integer(atoi(filters)) : json_null());
	return o;
}

/* Each namespace: its inode, and whether it is the one hardrun runs in. */
static json_t *namespaces(pid_t pid)
{
	json_t *o = json_object();

	for (int t = 0; t < HR_NS_COUNT; t++) {
		_cleanup_free_ char *theirs = xasprintf("/proc/%d/ns/%s", (int)pid, hr_ns_proc_name(t));
		_cleanup_free_ char *ours = xasprintf("/proc/self/ns/%s", hr_ns_proc_name(t));
		struct stat a, b;
		if (stat(theirs, &a) < 0)
			continue;
		bool host = stat(ours, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
		json_object_set_new(o, hr_ns_type_name(t),
				    json_pack("{s:I, s:b}", "inode", (json_int_t)a.st_ino, "host", host));
	}
	return o;
}

/* Whether the container's / is mounted read-only (mountinfo, root's line). */
static json_t *root_readonly(pid_t pid)
{
	_cleanup_free_ char *info = proc_read(pid, "mountinfo");
	json_t *ro = json_null();

	for (char *save = NULL, *l = info ? strtok_r(info, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char mnt[4096], opts[1024];
		if (sscanf(l, "%*s %*s %*s %*s %4095s %1023s", mnt, opts) != 2 || strcmp(mnt, "/"))
			continue;
		json_decref(ro);
		ro = json_boolean(strcmp(opts, "ro") == 0 || strncmp(opts, "ro,", 3) == 0);
	}
	return ro;
}

/* Each masked path of the effective config, and whether something is
 * mounted over it in the container (what masking is). */
static json_t *masked_paths(pid_t pid, const struct hr_spec *spec)
{
	_cleanup_free_ char *info = proc_read(pid, "mountinfo");
	json_t *arr = json_array();

	for (size_t i = 0; spec->linux_.masked_paths && spec->linux_.masked_paths[i]; i++) {
		const char *want = spec->linux_.masked_paths[i];
		_cleanup_free_ char *needle = xasprintf(" %s ", want);
		bool mounted = false;
		for (const char *l = info; l && *l && !mounted;) {
			const char *end = strchrnul(l, '\n');
			/* field 5 is the mount point: skip four fields, then compare */
			const char *f = l;
			for (int k = 0; k < 4 && f < end; k++)
				f = strchr(f, ' ') ? strchr(f, ' ') + 1 : end;
			mounted = f > l && f - 1 < end && strncmp(f - 1, needle, strlen(needle)) == 0;
			l = *end ? end + 1 : end;
		}
		/* a path this kernel does not have needs no mask */
		_cleanup_free_ char *in = xasprintf("/proc/%d/root%s", (int)pid, want);
		struct stat st;
		bool exists = mounted || lstat(in, &st) == 0;
		json_array_append_new(arr, json_pack("{s:s, s:b, s:b}", "path", want, "exists", exists,
						     "masked", mounted));
	}
	return arr;
}

static json_t *trimmed(char *text)
{
	if (!text)
		return json_null();
	text[strcspn(text, "\n")] = '\0';
	json_t *s = json_string(text);
	free(text);
	return s;
}

static json_t *cgroup_limits(const struct hr_state *st)
{
	static const char *const files[] = { "memory.max", "pids.max", "cpu.max" };
	struct hr_cgroup *cg = NULL;
	struct hr_error ignored;
	json_t *o = json_object();

	if (!st->cgroup_path || hr_cgroup_open(st->cgroup_path, &cg, &ignored) < 0)
		return o;
	json_object_set_new(o, "path", json_string(st->cgroup_path));
	for (size_t i = 0; i < HR_ARRAY_SIZE(files); i++) {
		char *v = NULL;
		if (hr_cgroup_read_file(cg, files[i], &v, &ignored) < 0)
			v = NULL;
		json_object_set_new(o, files[i], trimmed(v));
	}
	hr_cgroup_free(cg);
	return o;
}

static json_t *policy_part(struct hr_container *c, struct hr_error *err)
{
	struct hr_policy_record rec;
	json_error_t jerr;
	json_t *o;
	int r = hr_container_load_policy(c, &rec, err);

	if (r < 0)
		return NULL;
	if (r == 0)
		return json_null();
	o = json_pack("{s:s, s:o}", "file", rec.source, "decisions",
		      json_loads(rec.decisions_json, 0, &jerr));
	hr_policy_record_clear(&rec);
	return o;
}

static json_t *live_part(pid_t pid, const struct hr_state *st, const struct hr_spec *spec)
{
	json_t *o = process_status(pid);

	json_object_set_new(o, "namespaces", namespaces(pid));
	json_object_set_new(o, "uidMap", trimmed(proc_read(pid, "uid_map")));
	json_object_set_new(o, "gidMap", trimmed(proc_read(pid, "gid_map")));
	json_object_set_new(o, "apparmor", trimmed(proc_read(pid, "attr/current")));
	json_object_set_new(o, "rootReadonly", root_readonly(pid));
	json_object_set_new(o, "maskedPaths", masked_paths(pid, spec));
	json_object_set_new(o, "cgroup", cgroup_limits(st));
	return o;
}

/* Where the container's seccomp filter came from: its config, the host
 * policy (an inject decision), or nowhere. */
static const char *seccomp_origin(const struct hr_spec *spec, json_t *policy)
{
	json_t *decisions = json_object_get(policy, "decisions"), *dec;
	size_t i;

	json_array_foreach(decisions, i, dec) {
		const char *rule = json_string_value(json_object_get(dec, "rule"));
		const char *action = json_string_value(json_object_get(dec, "action"));
		if (rule && action && strcmp(rule, "seccomp") == 0 && strcmp(action, "inject") == 0)
			return "policy";
	}
	return spec->linux_.seccomp ? "config" : "none";
}

int hr_lifecycle_inspect(const char *root, const char *id, char **out, struct hr_error *err)
{
	struct hr_container *c = NULL;
	const struct hr_spec *spec;
	enum hr_status status;
	json_t *o, *policy;

	if (hr_container_load(root, id, &c, err) < 0)
		return -1;
	policy = policy_part(c, err);
	if (!policy || hr_policy_container_spec(c, &spec, err) < 0) {
		json_decref(policy);
		hr_container_free(c);
		return -1;
	}
	status = hr_container_status(c);
	o = json_pack("{s:s, s:s, s:i}", "id", id, "status", hr_status_name(status), "pid",
		      (int)c->st.pid);
	if (status == HR_STATUS_CREATED || status == HR_STATUS_RUNNING || status == HR_STATUS_PAUSED)
		json_object_set_new(o, "process", live_part(c->st.pid, &c->st, spec));
	json_object_set_new(o, "seccompOrigin", json_string(seccomp_origin(spec, policy)));
	json_object_set_new(o, "policy", policy);
	*out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	hr_container_free(c);
	if (!*out)
		abort();
	return 0;
}
