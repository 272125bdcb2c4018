/* systemd driver: from cgroupsPath "slice:prefix:name" to the scope's name,
 * its slice, and the cgroup path systemd will give it. Pure string work. */
#include "cgroup/systemd.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define UNIT_NAME_MAX 255
#define SLICE_SUFFIX ".slice"
#define DEFAULT_PREFIX "hardrun"

void hr_systemd_unit_clear(struct hr_systemd_unit *u)
{
	free(u->slice);
	free(u->unit);
	u->slice = u->unit = NULL;
}

/* systemd's unit name alphabet (no template '@': a scope is no instance). */
static bool unit_chars_valid(const char *s)
{
	for (; *s; s++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == ':' || c == '-' || c == '_' || c == '.' || c == '\\';
		if (!ok)
			return false;
	}
	return true;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int hr_systemd_expand_slice(const char *slice, char **out, struct hr_error *err)
{
	size_t len = slice ? strlen(slice) : 0, base_len;
	_cleanup_free_ char *path = xstrdup(""), *base = NULL;

	if (len <= strlen(SLICE_SUFFIX) || !has_suffix(slice, SLICE_SUFFIX) || strchr(slice, '/') ||
	    len > UNIT_NAME_MAX || !unit_chars_valid(slice))
		return hr_error_set(err, 0, "systemd: invalid slice name \"%s\" (NAME.slice, no \"/\")",
				    slice ? slice : "");
	base_len = len - strlen(SLICE_SUFFIX);
	base = xstrdup(slice);
	base[base_len] = '\0';
	if (strcmp(base, "-") == 0) {   /* the root slice */
		*out = hr_steal_ptr(path);
		return 0;
	}
	/* "a-b-c" nests as a.slice/a-b.slice/a-b-c.slice; an empty component
	 * ("a--b", "-a", "a-") is what systemd refuses */
	for (size_t i = 0; i <= base_len; i++) {
		if (base[i] != '-' && base[i] != '\0')
			continue;
		if (i == 0 || base[i - 1] == '-' || (base[i] == '-' && base[i + 1] == '\0'))
			return hr_error_set(err, 0, "systemd: invalid slice name \"%s\" (empty \"-\" component)", slice);
		char *next = xasprintf("%s%s%.*s%s", path, *path ? "/" : "", (int)i, base, SLICE_SUFFIX);
		free(path);
		path = next;
	}
	*out = hr_steal_ptr(path);
	return 0;
}

/* Splits "a:b:c" into exactly three fields. */
static int split3(const char *s, char *f[3], struct hr_error *err)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if (!c1 || !c2 || strchr(c2 + 1, ':'))
		return hr_error_set(err, 0, "systemd: cgroupsPath \"%s\" is not \"slice:prefix:name\" "
				    "(as the systemd cgroup driver needs)", s);
	f[0] = strndup(s, (size_t)(c1 - s));
	f[1] = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
	f[2] = xstrdup(c2 + 1);
	if (!f[0] || !f[1])
		abort();
	return 0;
}

static int unit_from_parts(const char *prefix, const char *name, char **out, struct hr_error *err)
{
	_cleanup_free_ char *unit = NULL;

	if (!*name)
		return hr_error_set(err, 0, "systemd: cgroupsPath has an empty name (\"slice:prefix:name\")");
	/* runc would then manage a slice, not a scope; the container's
	 * processes could not be handed to systemd with it */
	if (has_suffix(name, SLICE_SUFFIX))
		return hr_error_set(err, 0, "systemd: cgroupsPath name \"%s\" is a slice; hardrun puts containers "
				    "in scopes only (give \"slice:prefix:name\" with a plain name)", name);
	unit = *prefix ? xasprintf("%s-%s.scope", prefix, name) : xasprintf("%s.scope", name);
	if (strlen(unit) > UNIT_NAME_MAX || !unit_chars_valid(unit))
		return hr_error_set(err, 0, "systemd: \"%s\" is not a valid unit name (letters, digits, \":-_.\\\", "
				    "at most %d characters)", unit, UNIT_NAME_MAX);
	*out = hr_steal_ptr(unit);
	return 0;
}

int hr_systemd_parse_path(const char *cgroups_path, const char *id, bool user, struct hr_systemd_unit *out,
			  struct hr_error *err)
{
	char *f[3] = { NULL, NULL, NULL };
	_cleanup_free_ char *expanded = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!cgroups_path || !*cgroups_path) {
		if (!id || !*id)
			return hr_error_set(err, 0, "systemd: no cgroupsPath and no container id for the unit name");
		f[0] = xstrdup("");
		f[1] = xstrdup(DEFAULT_PREFIX);
		f[2] = xstrdup(id);
	} else if (split3(cgroups_path, f, err) < 0) {
		return -1;
	}
	out->user = user;
	out->slice = *f[0] ? xstrdup(f[0]) : xstrdup(user ? "user.slice" : "system.slice");
	if (hr_systemd_expand_slice(out->slice, &expanded, err) < 0 || unit_from_parts(f[1], f[2], &out->unit, err) < 0)
		goto out;
	rc = 0;
out:
	for (int i = 0; i < 3; i++)
		free(f[i]);
	if (rc < 0)
		hr_systemd_unit_clear(out);
	return rc;
}

int hr_systemd_unit_cgroup(const struct hr_systemd_unit *u, const char *manager_cgroup, char **out,
			   struct hr_error *err)
{
	_cleanup_free_ char *slice = NULL, *base = xstrdup("");

	if (hr_systemd_expand_slice(u->slice, &slice, err) < 0)
		return -1;
	for (const char *p = manager_cgroup ? manager_cgroup : "/"; *p; p++) {
		if (*p == '/' && (!p[1] || p[1] == '/'))
			continue;
		size_t n = strlen(base);
		base = xrealloc(base, n + 2);
		base[n] = *p;
		base[n + 1] = '\0';
	}
	const char *b = base[0] == '/' ? base + 1 : base;
	*out = xasprintf("%s%s%s%s%s", b, *b && *slice ? "/" : "", slice, *b || *slice ? "/" : "", u->unit);
	return 0;
}
