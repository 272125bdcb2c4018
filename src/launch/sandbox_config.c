/* The config `hardrun sandbox` runs: `hardrun spec`'s hardened config (the
 * same generator, the same probe of what this host offers) with the
 * command line's changes. Paths on the host are made absolute here; the
 * config is checked by the same parser and policy checkpoint as create's. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hardrun/hardrun.h"
#include "base/util.h"
#include "launch/launch.h"
#include "spec/spec.h"

#define CPU_PERIOD 100000

static json_t *strv_json(char *const *v)
{
	json_t *arr = json_array();

	for (; v && *v; v++)
		json_array_append_new(arr, json_string(*v));
	return arr;
}

/* K=V replaces an entry for K, else is appended. */
static int set_env(json_t *env, const char *kv, struct hr_error *err)
{
	const char *eq = strchr(kv, '=');
	size_t i, klen;
	json_t *e;

	if (!eq || eq == kv)
		return hr_error_set(err, 0, "sandbox: --env \"%s\": expected K=V", kv);
	klen = (size_t)(eq - kv) + 1;
	json_array_foreach(env, i, e) {
		if (strncmp(json_string_value(e), kv, klen) == 0)
			return json_array_set_new(env, i, json_string(kv)), 0;
	}
	json_array_append_new(env, json_string(kv));
	return 0;
}

static int set_user(json_t *process, const char *spec, struct hr_error *err)
{
	unsigned long long uid, gid;
	_cleanup_free_ char *u = xstrdup(spec);
	char *colon = strchr(u, ':');

	if (colon)
		*colon = '\0';
	if (!hr_parse_u64(u, &uid) || uid > UINT32_MAX - 1 ||
	    !hr_parse_u64(colon ? colon + 1 : u, &gid) || gid > UINT32_MAX - 1)
		return hr_error_set(err, 0, "sandbox: --user \"%s\": expected UID[:GID], numeric", spec);
	json_object_set_new(process, "user", json_pack("{s:I, s:I}", "uid", (json_int_t)uid, "gid",
						       (json_int_t)gid));
	return 0;
}

/* --cap-add NET_RAW (or CAP_NET_RAW) into bounding, effective, permitted. */
static void add_caps(json_t *process, char *const *caps)
{
	static const char *const sets[] = { "bounding", "effective", "permitted" };
	json_t *c = json_object_get(process, "capabilities");

	for (; caps && *caps; caps++) {
		_cleanup_free_ char *name = strncasecmp(*caps, "CAP_", 4) == 0 ? xstrdup(*caps)
									   : xasprintf("CAP_%s", *caps);
		for (char *p = name; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		for (size_t i = 0; i < HR_ARRAY_SIZE(sets); i++)
			json_array_append_new(json_object_get(c, sets[i]), json_string(name));
	}
}

/* Where the rootfs cannot be host-root's own (mapped range): the mount's
 * idmap is the container's, so host root's files are container root's. */
static void idmap_like_container(json_t *mount, json_t *linux_obj)
{
	json_t *u = json_object_get(linux_obj, "uidMappings"), *g = json_object_get(linux_obj, "gidMappings");

	if (!u || !g || json_integer_value(json_object_get(json_array_get(u, 0), "hostID")) == (json_int_t)getuid())
		return;
	json_object_set(mount, "uidMappings", u);
	json_object_set(mount, "gidMappings", g);
}

/* SRC:DST[:ro|:rw], SRC made absolute (it must exist). */
static int add_bind(json_t *root, const char *arg, struct hr_error *err)
{
	_cleanup_free_ char *s = xstrdup(arg);
	char *dst = strchr(s, ':'), *mode = NULL, real[PATH_MAX];
	bool ro = false;
	json_t *m;

	if (dst) {
		*dst++ = '\0';
		mode = strchr(dst, ':');
	}
	if (mode) {
		*mode++ = '\0';
		if (strcmp(mode, "ro") != 0 && strcmp(mode, "rw") != 0)
			return hr_error_set(err, 0, "sandbox: --bind \"%s\": the mode is ro or rw", arg);
		ro = strcmp(mode, "ro") == 0;
	}
	if (!*s || !dst || *dst != '/')
		return hr_error_set(err, 0, "sandbox: --bind \"%s\": expected SRC:/DST[:ro]", arg);
	if (!realpath(s, real))
		return hr_error_set(err, errno, "sandbox: --bind source \"%s\"", s);
	m = json_pack("{s:s, s:s, s:s, s:[s, s, s, s]}", "destination", dst, "type", "bind", "source", real,
		      "options", "rbind", "nosuid", "nodev", ro ? "ro" : "rw");
	idmap_like_container(m, json_object_get(root, "linux"));
	json_array_append_new(json_object_get(root, "mounts"), m);
	return 0;
}

static void add_tmpfs(json_t *root, const char *dst)
{
	json_array_append_new(json_object_get(root, "mounts"),
			      json_pack("{s:s, s:s, s:s, s:[s, s, s]}", "destination", dst, "type", "tmpfs",
					"source", "tmpfs", "options", "nosuid", "nodev", "mode=1777"));
}

/* Explicit limits replace the defaults; a limit the host cannot enforce is
 * refused by create (its controller is missing), never dropped. */
static int set_limits(json_t *linux_obj, const struct hr_sandbox_opts *o, struct hr_error *err)
{
	json_t *res = json_object_get(linux_obj, "resources");
	int64_t bytes;
	unsigned long long pids;
	char *end;
	double cpus;

	if (!o->memory && !o->pids && !o->cpus)
		return 0;
	if (!res) {
		res = json_object();
		json_object_set_new(linux_obj, "resources", res);
	}
	if (o->memory && (!hr_launch_parse_size(o->memory, &bytes) || bytes <= 0))
		return hr_error_set(err, 0, "sandbox: --memory \"%s\": expected a size (256M, 1G)", o->memory);
	if (o->memory)
		json_object_set_new(res, "memory", json_pack("{s:I}", "limit", (json_int_t)bytes));
	if (o->pids && (!hr_parse_u64(o->pids, &pids) || pids == 0 || pids > INT32_MAX))
		return hr_error_set(err, 0, "sandbox: --pids \"%s\": expected a positive number", o->pids);
	if (o->pids)
		json_object_set_new(res, "pids", json_pack("{s:I}", "limit", (json_int_t)pids));
	if (!o->cpus)
		return 0;
	cpus = strtod(o->cpus, &end);
	if (end == o->cpus || *end || !isfinite(cpus) || cpus < 0.01 || cpus > 4096)
		return hr_error_set(err, 0, "sandbox: --cpus \"%s\": expected a number of CPUs (0.5, 2)", o->cpus);
	json_object_set_new(res, "cpu", json_pack("{s:I, s:i}", "quota", (json_int_t)(cpus * CPU_PERIOD + 0.5),
						  "period", CPU_PERIOD));
	return 0;
}

static int set_seccomp(json_t *linux_obj, const char *what, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;
	json_error_t jerr;
	json_t *profile;

	if (!what || strcmp(what, "default") == 0)
		return 0;
	if (strcmp(what, "unconfined") == 0)
		return json_object_del(linux_obj, "seccomp"), 0;
	if (hr_read_file_at(AT_FDCWD, what, &text, NULL, err) < 0)
		return hr_error_wrap(err, "sandbox: --seccomp");
	profile = json_loads(text, 0, &jerr);
	if (!profile)
		return hr_error_set(err, 0, "sandbox: --seccomp %s:%d:%d: %s", what, jerr.line, jerr.column, jerr.text);
	json_object_set_new(linux_obj, "seccomp", profile);
	return 0;
}

/* --host: the host's / (and every mount under it) read-only, not idmapped
 * (host files are nobody's inside), a private /tmp. */
static void host_root(json_t *root)
{
	json_t *ann = json_object_get(root, "annotations");

	if (!ann) {
		ann = json_object();
		json_object_set_new(root, "annotations", ann);
	}
	json_object_del(ann, HR_ROOTFS_IDMAP_ANNOTATION);
	json_object_set_new(ann, HR_ROOTFS_READONLY_ANNOTATION, json_string("recursive"));
	json_object_set_new(json_object_get(root, "root"), "path", json_string("/"));
	add_tmpfs(root, "/tmp");
}

static int set_root(json_t *root, const struct hr_sandbox_opts *o, struct hr_error *err)
{
	char real[PATH_MAX];

	if (o->host && o->rootfs)
		return hr_error_set(err, 0, "sandbox: --host and --rootfs exclude each other");
	if (o->host && o->read_write)
		return hr_error_set(err, 0, "sandbox: --read-write: the host's root is always read-only");
	if (o->host) {
		host_root(root);
		return 0;
	}
	if (!o->rootfs)
		return hr_error_set(err, 0, "sandbox: --rootfs DIR or --host is required");
	if (!realpath(o->rootfs, real))
		return hr_error_set(err, errno, "sandbox: --rootfs \"%s\"", o->rootfs);
	json_object_set_new(json_object_get(root, "root"), "path", json_string(real));
	json_object_set_new(json_object_get(root, "root"), "readonly", json_boolean(!o->read_write));
	return 0;
}

static int set_process(json_t *root, const struct hr_sandbox_opts *o, struct hr_error *err)
{
	json_t *process = json_object_get(root, "process");
	char cwd[PATH_MAX];

	if (!o->args || !o->args[0])
		return hr_error_set(err, 0, "sandbox: no command (hardrun sandbox [OPTIONS] -- CMD ARGS...)");
	json_object_set_new(process, "args", strv_json(o->args));
	json_object_set_new(process, "terminal", json_boolean(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)));
	for (char **e = o->env; e && *e; e++)
		if (set_env(json_object_get(process, "env"), *e, err) < 0)
			return -1;
	if (o->user && set_user(process, o->user, err) < 0)
		return -1;
	add_caps(process, o->cap_add);
	if (o->apparmor && strcmp(o->apparmor, "unconfined") == 0)
		json_object_del(process, "apparmorProfile");
	else if (o->apparmor)
		json_object_set_new(process, "apparmorProfile", json_string(o->apparmor));
	if (o->bind_cwd) {
		if (!getcwd(cwd, sizeof(cwd)))
			return hr_error_set(err, errno, "sandbox: --bind-cwd: the current directory");
		_cleanup_free_ char *bind = xasprintf("%s:%s", cwd, cwd);
		if (add_bind(root, bind, err) < 0)
			return -1;
		json_object_set_new(process, "cwd", json_string(cwd));
	}
	if (o->workdir)
		json_object_set_new(process, "cwd", json_string(o->workdir));
	json_object_set_new(root, "hostname", json_string(o->hostname ? o->hostname : "sandbox"));
	return 0;
}

/* Mount idmaps are runtime-spec 1.2.0. */
static void set_version(json_t *root)
{
	size_t i;
	json_t *m;

	json_array_foreach(json_object_get(root, "mounts"), i, m) {
		if (json_object_get(m, "uidMappings"))
			json_object_set_new(root, "ociVersion", json_string("1.2.0"));
	}
}

/* The range the sandbox holds, in place of the generator's fixed one;
 * before the binds, which copy it for their idmaps. */
static void set_id_range(json_t *linux_obj, uint32_t start, uint32_t size)
{
	static const char *const keys[] = { "uidMappings", "gidMappings" };

	if (!size)
		return;
	for (size_t i = 0; i < HR_ARRAY_SIZE(keys); i++)
		json_object_set_new(linux_obj, keys[i], json_pack("[{s:i, s:I, s:I}]", "containerID", 0, "hostID",
								  (json_int_t)start, "size", (json_int_t)size));
}

static int build(json_t *root, const struct hr_sandbox_opts *o, uint32_t userns_start, uint32_t userns_size,
		 struct hr_error *err)
{
	json_t *l = json_object_get(root, "linux");

	set_id_range(l, userns_start, userns_size);
	if (set_root(root, o, err) < 0 || set_process(root, o, err) < 0)
		return -1;
	for (char **b = o->binds; b && *b; b++)
		if (add_bind(root, *b, err) < 0)
			return -1;
	for (char **t = o->tmpfs; t && *t; t++) {
		if (**t != '/')
			return hr_error_set(err, 0, "sandbox: --tmpfs \"%s\": an absolute path", *t);
		add_tmpfs(root, *t);
	}
	if (set_limits(l, o, err) < 0 || set_seccomp(l, o->seccomp, err) < 0)
		return -1;
	set_version(root);
	return 0;
}

int hr_launch_sandbox_config(const struct hr_sandbox_opts *o, uint32_t userns_start, uint32_t userns_size,
			     char **json, struct hr_error *err)
{
	struct hr_hardened_opts ho;
	_cleanup_free_ char *base = NULL;
	json_t *root;
	char *text;

	hr_launch_hardened_opts(geteuid() != 0, &ho);
	base = hr_spec_hardened_json(&ho);
	root = json_loads(base, 0, NULL);
	if (!root)
		abort(); /* the generator's own output */
	if (build(root, o, userns_start, userns_size, err) < 0) {
		json_decref(root);
		return -1;
	}
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (!text)
		abort(); /* only fails on allocation */
	*json = xasprintf("%s\n", text);
	free(text);
	return 0;
}
