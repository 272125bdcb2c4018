/* The host policy file, parsed like config.json: errors name the file and
 * line:col (syntax) or the JSON path (schema), and unknown keys are errors,
 * since a typo in a security policy must not be silently ignored. Keys that
 * begin with "_comment" are comments, anywhere. */
#include "policy/floor.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "container/capabilities.h"
#include "policy/locate.h"
#include "spec/json.h"

#define MODES_ALL ((1u << HR_POLICY_WARN) | (1u << HR_POLICY_INJECT) | (1u << HR_POLICY_REFUSE))
#define MODES_CHECK ((1u << HR_POLICY_WARN) | (1u << HR_POLICY_REFUSE))

static const char *const mode_names[] = {
	[HR_POLICY_OFF] = "off", [HR_POLICY_WARN] = "warn",
	[HR_POLICY_INJECT] = "inject", [HR_POLICY_REFUSE] = "refuse",
};

const char *hr_policy_mode_name(enum hr_policy_mode m)
{
	return mode_names[m];
}

/* Every key of obj is in allowed (NULL-terminated) or a comment. */
static int check_keys(json_t *obj, const char *path, const char *const *allowed,
		      struct hr_error *err)
{
	const char *key;
	json_t *v;
	char p[HR_JPATH_MAX];

	if (hr_jcheck_object(obj, path, err) < 0)
		return -1;
	json_object_foreach(obj, key, v) {
		bool known = strncmp(key, "_comment", 8) == 0;
		for (size_t i = 0; !known && allowed[i]; i++)
			known = strcmp(key, allowed[i]) == 0;
		if (!known)
			return hr_jerr(err, hr_jpath_key(p, path, key), "unknown key");
	}
	return 0;
}

static int get_mode(json_t *obj, const char *path, unsigned allowed, enum hr_policy_mode *out,
		    struct hr_error *err)
{
	_cleanup_free_ char *s = NULL;
	char p[HR_JPATH_MAX];

	if (hr_jget_string(obj, path, "mode", true, &s, err) < 0)
		return -1;
	for (unsigned m = HR_POLICY_WARN; m <= HR_POLICY_REFUSE; m++) {
		if (strcmp(s, mode_names[m]) == 0 && (allowed & (1u << m))) {
			*out = m;
			return 0;
		}
	}
	return hr_jerr(err, hr_jpath_key(p, path, "mode"), "\"%s\" is not one of %s", s,
		       (allowed & (1u << HR_POLICY_INJECT)) ? "\"inject\", \"refuse\", \"warn\""
							    : "\"refuse\", \"warn\"");
}

/* A rule that is only a mode: {"mode": "inject"}. */
static int parse_mode_rule(json_t *root, const char *key, enum hr_policy_mode *out,
			   struct hr_error *err)
{
	static const char *const keys[] = { "mode", NULL };
	json_t *obj = hr_jmember(root, key);

	if (!obj)
		return 0;
	if (check_keys(obj, key, keys, err) < 0)
		return -1;
	return get_mode(obj, key, MODES_ALL, out, err);
}

typedef int (*item_check_fn)(const char *item, const char *path, struct hr_error *err);

static int check_cap(const char *item, const char *path, struct hr_error *err)
{
	if (hr_cap_from_name(item) < 0 || strncasecmp(item, "CAP_", 4) != 0)
		return hr_jerr(err, path, "unknown capability \"%s\" (expected CAP_...)", item);
	return 0;
}

static int check_ns(const char *item, const char *path, struct hr_error *err)
{
	for (int t = 0; t < HR_NS_COUNT; t++)
		if (strcmp(item, hr_ns_type_name(t)) == 0)
			return 0;
	return hr_jerr(err, path, "unknown namespace type \"%s\"", item);
}

static int check_abs(const char *item, const char *path, struct hr_error *err)
{
	if (!hr_path_is_absolute(item))
		return hr_jerr(err, path, "\"%s\" must be an absolute path", item);
	return 0;
}

static int check_sysctl(const char *item, const char *path, struct hr_error *err)
{
	const char *star = strchr(item, '*');

	if (!*item || (star && star[1]) || strchr(item, '/'))
		return hr_jerr(err, path, "\"%s\" must be a sysctl key, or a prefix ending in \"*\"",
			       item);
	return 0;
}

static int check_degrade(const char *item, const char *path, struct hr_error *err)
{
	static const char *const known[] = { "apparmor", "cgroup.memory", "cgroup.cpu", "cgroup.pids" };

	for (size_t i = 0; i < HR_ARRAY_SIZE(known); i++)
		if (strcmp(item, known[i]) == 0)
			return 0;
	return hr_jerr(err, path, "\"%s\" cannot degrade (known: \"apparmor\", \"cgroup.memory\", "
		       "\"cgroup.cpu\", \"cgroup.pids\")", item);
	return 0;
}

static int get_items(json_t *obj, const char *path, const char *key, bool required,
		     item_check_fn check, char ***out, struct hr_error *err)
{
	char p[HR_JPATH_MAX], ip[HR_JPATH_MAX];
	int r = hr_jget_strv(obj, path, key, required, false, out, NULL, err);

	if (r <= 0)
		return r;
	hr_jpath_key(p, path, key);
	for (size_t i = 0; check && (*out)[i]; i++)
		if (check((*out)[i], hr_jpath_idx(ip, p, i), err) < 0)
			return -1;
	return 1;
}

/* {"mode": ..., "<items_key>": [...]} */
static int parse_list_rule(json_t *root, const char *key, const char *items_key, unsigned modes,
			   item_check_fn check, struct hr_policy_list_rule *out, struct hr_error *err)
{
	const char *keys[] = { "mode", items_key, NULL };
	json_t *obj = hr_jmember(root, key);

	if (!obj)
		return 0;
	if (check_keys(obj, key, keys, err) < 0 || get_mode(obj, key, modes, &out->mode, err) < 0)
		return -1;
	if (get_items(obj, key, items_key, true, check, &out->items, err) < 0)
		return -1;
	return 0;
}

static int parse_host_namespaces(json_t *root, struct hr_policy *p, struct hr_error *err)
{
	static const char *const keys[] = { "mode", "namespaces", NULL };
	static const char *const dflt[] = { "network", "pid", "ipc", "uts", "mount", NULL };
	json_t *obj = hr_jmember(root, "hostNamespaces");
	int r;

	if (!obj)
		return 0;
	if (check_keys(obj, "hostNamespaces", keys, err) < 0 ||
	    get_mode(obj, "hostNamespaces", MODES_ALL, &p->host_namespaces.mode, err) < 0)
		return -1;
	r = get_items(obj, "hostNamespaces", "namespaces", false, check_ns, &p->host_namespaces.items,
		      err);
	if (r < 0)
		return -1;
	if (r == 0) {
		p->host_namespaces.items = xcalloc(HR_ARRAY_SIZE(dflt), sizeof(char *));
		for (size_t i = 0; dflt[i]; i++)
			p->host_namespaces.items[i] = xstrdup(dflt[i]);
	}
	return 0;
}

static int parse_cond(json_t *c, const char *path, struct hr_seccomp_cond *out, struct hr_error *err)
{
	static const char *const keys[] = { "index", "op", "value", NULL };
	static const char *const ops[] = { [HR_COND_ANY_SET] = "anySet", [HR_COND_EQ] = "eq", [HR_COND_NE] = "ne" };
	_cleanup_free_ char *op = NULL;
	int64_t index, value;
	char p[HR_JPATH_MAX];

	if (check_keys(c, path, keys, err) < 0 ||
	    hr_jget_int_range(c, path, "index", true, 0, 5, &index, err) < 0 ||
	    hr_jget_string(c, path, "op", true, &op, err) < 0 ||
	    hr_jget_int_range(c, path, "value", true, 0, UINT32_MAX, &value, err) < 0)
		return -1;
	for (unsigned k = 0; k < HR_ARRAY_SIZE(ops); k++)
		if (strcmp(op, ops[k]) == 0) {
			*out = (struct hr_seccomp_cond){ .arg = (unsigned)index, .op = k, .value = (uint32_t)value };
			return 0;
		}
	return hr_jerr(err, hr_jpath_key(p, path, "op"), "\"%s\" is not one of \"anySet\", \"eq\", \"ne\"", op);
}

static int parse_deny(json_t *e, const char *path, struct hr_policy_deny *d, struct hr_error *err)
{
	static const char *const keys[] = { "syscall", "args", NULL };
	char p[HR_JPATH_MAX], ep[HR_JPATH_MAX];
	json_t *args = NULL;

	if (check_keys(e, path, keys, err) < 0 || hr_jget_string(e, path, "syscall", true, &d->syscall, err) < 0 ||
	    hr_jget_array(e, path, "args", false, &args, err) < 0)
		return -1;
	if (args && json_array_size(args) > HR_ARRAY_SIZE(d->conds))
		return hr_jerr(err, hr_jpath_key(p, path, "args"), "at most %zu conditions", HR_ARRAY_SIZE(d->conds));
	hr_jpath_key(p, path, "args");
	for (size_t i = 0; args && i < json_array_size(args); i++, d->n_conds++)
		if (parse_cond(json_array_get(args, i), hr_jpath_idx(ep, p, i), &d->conds[i], err) < 0)
			return -1;
	return 0;
}

/* "mustDeny": [{"syscall": "clone", "args": [{"index": 0, "op": "anySet", "value": 268435456}]}] */
static int parse_must_deny(json_t *obj, struct hr_policy_seccomp_rule *r, struct hr_error *err)
{
	char p[HR_JPATH_MAX];
	json_t *arr = NULL;
	int present = hr_jget_array(obj, "seccomp", "mustDeny", false, &arr, err);

	if (present <= 0)
		return present;
	r->must_deny = xcalloc(json_array_size(arr) + 1, sizeof(*r->must_deny));
	for (size_t i = 0; i < json_array_size(arr); i++, r->n_must_deny++)
		if (parse_deny(json_array_get(arr, i), hr_jpath_idx(p, "seccomp.mustDeny", i), &r->must_deny[i],
			       err) < 0) {
			r->n_must_deny++;
			return -1;
		}
	return 0;
}

/* {"mode": ..., "profile": "..."} for seccomp and apparmor. */
static int parse_profile_rule(json_t *root, const char *key, const char *extra_key,
			      enum hr_policy_mode *mode, char **profile, const char *dflt,
			      struct hr_error *err)
{
	const char *keys[] = { "mode", "profile", extra_key, NULL };
	json_t *obj = hr_jmember(root, key);
	int r;

	if (!obj)
		return 0;
	if (check_keys(obj, key, keys, err) < 0 || get_mode(obj, key, MODES_ALL, mode, err) < 0)
		return -1;
	r = hr_jget_string(obj, key, "profile", false, profile, err);
	if (r < 0)
		return -1;
	if (r == 0)
		*profile = xstrdup(dflt);
	if (!**profile || strcmp(*profile, "unconfined") == 0) {
		char pp[HR_JPATH_MAX];
		return hr_jerr(err, hr_jpath_key(pp, key, "profile"), "must name a confining profile");
	}
	return 0;
}

static int parse_bind_mounts(json_t *root, struct hr_policy *p, struct hr_error *err)
{
	static const char *const keys[] = { "mode", "denySources", "requireOptions", NULL };
	json_t *obj = hr_jmember(root, "bindMounts");
	struct hr_policy_bind_rule *b = &p->bind_mounts;

	if (!obj)
		return 0;
	if (check_keys(obj, "bindMounts", keys, err) < 0 ||
	    get_mode(obj, "bindMounts", MODES_ALL, &b->mode, err) < 0 ||
	    get_items(obj, "bindMounts", "denySources", false, check_abs, &b->deny_sources, err) < 0 ||
	    get_items(obj, "bindMounts", "requireOptions", false, NULL, &b->require_options, err) < 0)
		return -1;
	return 0;
}

static int parse_limit(json_t *obj, const char *path, const char *key, int64_t min,
		       struct hr_policy_limit *l, struct hr_error *err)
{
	static const char *const keys[] = { "default", "max", NULL };
	char p[HR_JPATH_MAX];
	json_t *o = hr_jmember(obj, key);
	int r1, r2;

	if (!o)
		return 0;
	hr_jpath_key(p, path, key);
	if (check_keys(o, p, keys, err) < 0)
		return -1;
	r1 = hr_jget_int_range(o, p, "default", false, min, INT64_MAX, &l->def, err);
	if (r1 < 0)
		return -1;
	r2 = hr_jget_int_range(o, p, "max", false, min, INT64_MAX, &l->max, err);
	if (r2 < 0)
		return -1;
	l->has_default = r1 == 1;
	l->has_max = r2 == 1;
	if (l->has_default && l->has_max && l->def > l->max)
		return hr_jerr(err, p, "default %lld is above max %lld", (long long)l->def,
			       (long long)l->max);
	return 0;
}

static int parse_resources(json_t *root, struct hr_policy *p, struct hr_error *err)
{
	static const char *const keys[] = { "mode", "memory", "pids", "cpu", NULL };
	json_t *obj = hr_jmember(root, "resources");
	struct hr_policy_resources_rule *r = &p->resources;

	if (!obj)
		return 0;
	if (check_keys(obj, "resources", keys, err) < 0 ||
	    get_mode(obj, "resources", MODES_ALL, &r->mode, err) < 0 ||
	    parse_limit(obj, "resources", "memory", 1 << 20, &r->memory, err) < 0 ||
	    parse_limit(obj, "resources", "pids", 1, &r->pids, err) < 0 ||
	    parse_limit(obj, "resources", "cpu", 1, &r->cpu, err) < 0)
		return -1;
	return 0;
}

static int parse_pool(json_t *obj, struct hr_policy_userns_rule *u, struct hr_error *err)
{
	static const char *const keys[] = { "start", "size", NULL };
	json_t *pool = hr_jmember(obj, "pool");
	int64_t start, size;

	if (!pool)
		return hr_jerr(err, "userNamespace.pool", "required with mode \"inject\"");
	if (check_keys(pool, "userNamespace.pool", keys, err) < 0 ||
	    hr_jget_int_range(pool, "userNamespace.pool", "start", true, 1, UINT32_MAX - 1, &start,
			      err) < 0 ||
	    hr_jget_int_range(pool, "userNamespace.pool", "size", true, 1, UINT32_MAX, &size, err) < 0)
		return -1;
	if (start + size > UINT32_MAX)
		return hr_jerr(err, "userNamespace.pool", "start + size is above 4294967295");
	if (size < u->range)
		return hr_jerr(err, "userNamespace.pool.size", "%lld is smaller than rangeSize %u",
			       (long long)size, u->range);
	u->pool_start = (uint32_t)start;
	u->pool_size = (uint32_t)size;
	return 0;
}

/* {"mode", "pool": {"start", "size"}, "rangeSize", "idmapFallback"};
 * pool.start >= 1: container root is never host root. */
static int parse_userns(json_t *root, struct hr_policy *p, struct hr_error *err)
{
	static const char *const keys[] = { "mode", "pool", "rangeSize", "idmapFallback", NULL };
	json_t *obj = hr_jmember(root, "userNamespace");
	struct hr_policy_userns_rule *u = &p->user_namespace;
	int64_t range = 65536;

	if (!obj)
		return 0;
	if (check_keys(obj, "userNamespace", keys, err) < 0 ||
	    get_mode(obj, "userNamespace", MODES_ALL, &u->mode, err) < 0 ||
	    hr_jget_int_range(obj, "userNamespace", "rangeSize", false, 1, UINT32_MAX, &range,
			      err) < 0 ||
	    hr_jget_bool(obj, "userNamespace", "idmapFallback", false, &u->idmap_fallback, err) < 0)
		return -1;
	u->range = (uint32_t)range;
	if (u->mode == HR_POLICY_INJECT)
		return parse_pool(obj, u, err);
	if (hr_jmember(obj, "pool"))
		return parse_pool(obj, u, err);
	return 0;
}

static int parse_version(json_t *root, struct hr_error *err)
{
	int64_t v;

	if (hr_jget_int_range(root, "", "version", true, 1, INT64_MAX, &v, err) < 0)
		return -1;
	if (v != 1)
		return hr_jerr(err, "version", "%lld is not supported (this hardrun reads version 1)",
			       (long long)v);
	return 0;
}

static int parse_root(json_t *root, struct hr_policy *p, struct hr_error *err)
{
	static const char *const keys[] = {
		"version", "degrade", "noNewPrivileges", "readonlyRootfs", "capabilities",
		"hostNamespaces", "seccomp", "apparmor", "bindMounts", "devices", "sysctls",
		"hooks", "maskedPaths", "readonlyPaths", "resources", "userNamespace", NULL,
	};

	if (check_keys(root, "", keys, err) < 0 || parse_version(root, err) < 0 ||
	    get_items(root, "", "degrade", false, check_degrade, &p->degrade, err) < 0 ||
	    parse_mode_rule(root, "noNewPrivileges", &p->no_new_privileges, err) < 0 ||
	    parse_mode_rule(root, "readonlyRootfs", &p->readonly_rootfs, err) < 0 ||
	    parse_list_rule(root, "capabilities", "allowed", MODES_ALL, check_cap, &p->capabilities,
			    err) < 0 ||
	    parse_host_namespaces(root, p, err) < 0 ||
	    parse_profile_rule(root, "seccomp", "mustDeny", &p->seccomp.mode, &p->seccomp.profile,
			       "default", err) < 0 ||
	    (hr_jmember(root, "seccomp") && parse_must_deny(hr_jmember(root, "seccomp"), &p->seccomp, err) < 0) ||
	    parse_profile_rule(root, "apparmor", NULL, &p->apparmor.mode, &p->apparmor.profile,
			       "hardrun-default", err) < 0 ||
	    parse_bind_mounts(root, p, err) < 0 ||
	    parse_list_rule(root, "devices", "allowed", MODES_CHECK, check_abs, &p->devices, err) < 0 ||
	    parse_list_rule(root, "sysctls", "allowed", MODES_CHECK, check_sysctl, &p->sysctls,
			    err) < 0 ||
	    parse_list_rule(root, "hooks", "allowed", MODES_CHECK, check_abs, &p->hooks, err) < 0 ||
	    parse_list_rule(root, "maskedPaths", "required", MODES_ALL, check_abs, &p->masked_paths,
			    err) < 0 ||
	    parse_list_rule(root, "readonlyPaths", "required", MODES_ALL, check_abs,
			    &p->readonly_paths, err) < 0 ||
	    parse_resources(root, p, err) < 0 || parse_userns(root, p, err) < 0)
		return -1;
	return 0;
}

/* "<path>: what" becomes "<name>:<line>:<col>: <path>: what". */
static void name_position(const char *json, const char *name, struct hr_error *err)
{
	const char *colon = strstr(err->msg, ": ");
	_cleanup_free_ char *path = colon ? xstrndup(err->msg, (size_t)(colon - err->msg)) : NULL;
	int line, col;

	if (path && !strchr(path, ' ') && hr_json_locate(json, path, &line, &col))
		hr_error_wrap(err, "%s:%d:%d", name, line, col);
	else
		hr_error_wrap(err, "%s", name);
}

int hr_policy_load_string(const char *json, const char *source_name, struct hr_policy **out,
			  struct hr_error *err)
{
	const char *name = source_name ? source_name : "policy.json";
	struct hr_policy *p = xcalloc(1, sizeof(*p));
	json_t *root = hr_json_parse(json, name, err);
	int rc = -1;

	*out = NULL;
	p->source_name = xstrdup(name);
	p->text = xstrdup(json);
	if (root && parse_root(root, p, err) < 0)
		name_position(json, name, err);
	else if (root)
		rc = 0;
	json_decref(root);
	if (rc < 0)
		hr_policy_free(p);
	else
		*out = p;
	return rc;
}

/* The whole file as a C string (a policy is small; 1 MiB at most). */
static int read_text(int fd, char **out)
{
	size_t cap = 4096, used = 0;
	char *buf = xmalloc(cap);

	for (;;) {
		ssize_t r;
		if (used + 1 >= cap && cap >= (1u << 20)) {
			free(buf);
			errno = EFBIG;
			return -1;
		}
		if (used + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		r = read(fd, buf + used, cap - used - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		used += (size_t)r;
	}
	buf[used] = '\0';
	*out = buf;
	return 0;
}

/* Whoever can write the policy (or replace it in its directory) decides
 * what every container may do: only its owner (root, or us) may. */
static int check_writers(const char *what, const char *path, const struct stat *st,
			 struct hr_error *err)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return hr_error_set(err, 0, "policy %s: %s `%s` is owned by uid %u, not by root: refusing "
				    "to use it", path, what, path, (unsigned)st->st_uid);
	/* a sticky directory (/tmp) lets no one else replace our file */
	if (S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))
		return 0;
	if ((st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && !(S_ISDIR(st->st_mode) && st->st_gid == 0)))
		return hr_error_set(err, 0, "policy %s: %s is writable by %s (mode %04o): refusing to use it",
				    path, what, (st->st_mode & S_IWOTH) ? "others" : "its group",
				    (unsigned)(st->st_mode & 07777));
	return 0;
}

int hr_policy_load_file(const char *path, struct hr_policy **out, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL, *copy = xstrdup(path);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st, dir;

	*out = NULL;
	if (fd < 0)
		return hr_error_set(err, errno, "policy `%s`", path);
	if (fstat(fd, &st) < 0 || stat(dirname(copy), &dir) < 0)
		return hr_error_set(err, errno, "policy `%s`", path);
	if (!S_ISREG(st.st_mode))
		return hr_error_set(err, 0, "policy `%s` is not a regular file", path);
	if (check_writers("the file", path, &st, err) < 0 || check_writers("its directory", path, &dir, err) < 0)
		return -1;
	if (read_text(fd, &text) < 0)
		return hr_error_set(err, errno, "read policy `%s`", path);
	if (strlen(text) != (size_t)st.st_size && (size_t)st.st_size > 0)
		return hr_error_set(err, 0, "policy `%s` has a NUL byte", path);
	return hr_policy_load_string(text, path, out, err);
}

void hr_policy_free(struct hr_policy *p)
{
	if (!p)
		return;
	free(p->source_name);
	free(p->text);
	hr_strv_free(p->degrade);
	hr_strv_free(p->capabilities.items);
	hr_strv_free(p->host_namespaces.items);
	free(p->seccomp.profile);
	for (size_t i = 0; i < p->seccomp.n_must_deny; i++)
		free(p->seccomp.must_deny[i].syscall);
	free(p->seccomp.must_deny);
	free(p->apparmor.profile);
	hr_strv_free(p->bind_mounts.deny_sources);
	hr_strv_free(p->bind_mounts.require_options);
	hr_strv_free(p->devices.items);
	hr_strv_free(p->sysctls.items);
	hr_strv_free(p->hooks.items);
	hr_strv_free(p->masked_paths.items);
	hr_strv_free(p->readonly_paths.items);
	free(p);
}

bool hr_policy_may_degrade(const struct hr_policy *p, const char *what)
{
	for (size_t i = 0; p->degrade && p->degrade[i]; i++)
		if (strcmp(p->degrade[i], what) == 0)
			return true;
	return false;
}
