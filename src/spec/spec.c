/* config.json loading: top level, root, mounts, hooks, annotations, and
 * freeing. Sections live in process.c, linux.c, resources.c, seccomp.c. */
#include "spec/spec.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "spec/internal.h"

static int check_oci_version(json_t *root, char **out, struct hr_error *err)
{
	const char *v;
	char *end;
	long major;

	if (hr_jget_string(root, "", "ociVersion", true, out, err) < 0)
		return -1;
	v = *out;
	errno = 0;
	major = strtol(v, &end, 10);
	/* 0.x drafts are accepted too: the runtime-spec's own example config
	 * still carries "0.5.0-dev" and its layout is the 1.x layout. */
	if (!isdigit((unsigned char)v[0]) || errno || *end != '.' || (major != 1 && major != 0))
		return hr_jerr(err, "ociVersion", "unsupported version \"%s\" (hardrun supports 1.x)",
			       v);
	return 0;
}

static int parse_root(json_t *top, struct hr_spec *s, struct hr_error *err)
{
	json_t *root = NULL;

	if (hr_jget_object(top, "", "root", true, &root, err) < 0)
		return -1;
	if (hr_jget_string(root, "root", "path", true, &s->root_path, err) < 0)
		return -1;
	if (!*s->root_path)
		return hr_jerr(err, "root.path", "must not be empty");
	return hr_jget_bool(root, "root", "readonly", false, &s->root_readonly, err) < 0 ? -1 : 0;
}

static void mount_clear(struct hr_mount *m)
{
	free(m->destination);
	free(m->source);
	free(m->type);
	hr_strv_free(m->options);
	free(m->uid_mappings);
	free(m->gid_mappings);
}

static int parse_mount(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_mount *m = (struct hr_mount *)items + idx;
	if (hr_jcheck_object(obj, path, err) < 0)
		return -1;
	if (hr_jget_string(obj, path, "destination", true, &m->destination, err) < 0)
		return -1;
	if (!hr_path_is_absolute(m->destination)) {
		char p[HR_JPATH_MAX];
		return hr_jerr(err, hr_jpath_key(p, path, "destination"), "must be an absolute path");
	}
	if (hr_jget_string(obj, path, "source", false, &m->source, err) < 0 ||
	    hr_jget_string(obj, path, "type", false, &m->type, err) < 0 ||
	    hr_jget_strv(obj, path, "options", false, false, &m->options, &m->n_options, err) < 0 ||
	    hr_spec_parse_mappings(obj, path, "uidMappings", &m->uid_mappings, &m->n_uid_mappings,
				   err) < 0 ||
	    hr_spec_parse_mappings(obj, path, "gidMappings", &m->gid_mappings, &m->n_gid_mappings,
				   err) < 0)
		return -1;
	return 0;
}

static int parse_mounts(json_t *top, struct hr_spec *s, struct hr_error *err)
{
	void *items = NULL;
	int r = hr_jget_array_of(top, "", "mounts", sizeof(*s->mounts), parse_mount, &items, &s->n_mounts, err);

	s->mounts = items;
	return r;
}

static void hook_clear(struct hr_hook *h)
{
	free(h->path);
	hr_strv_free(h->args);
	hr_strv_free(h->env);
}

static int parse_hook(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_hook *h = (struct hr_hook *)items + idx;
	char p[HR_JPATH_MAX];
	int64_t timeout;
	int r;

	if (hr_jcheck_object(obj, path, err) < 0)
		return -1;
	if (hr_jget_string(obj, path, "path", true, &h->path, err) < 0)
		return -1;
	if (!hr_path_is_absolute(h->path))
		return hr_jerr(err, hr_jpath_key(p, path, "path"), "must be an absolute path");
	if (hr_jget_strv(obj, path, "args", false, false, &h->args, NULL, err) < 0 ||
	    hr_jget_strv(obj, path, "env", false, false, &h->env, NULL, err) < 0)
		return -1;
	r = hr_jget_int_range(obj, path, "timeout", false, INT64_MIN, INT64_MAX, &timeout, err);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (timeout <= 0 || timeout > INT32_MAX)
			return hr_jerr(err, hr_jpath_key(p, path, "timeout"),
				       "must be a positive number of seconds, got %lld",
				       (long long)timeout);
		h->has_timeout = true;
		h->timeout = (int)timeout;
	}
	return 0;
}

static int parse_hook_list(json_t *hooks, const char *key, struct hr_hook **out, size_t *n,
			   struct hr_error *err)
{
	void *items = NULL;
	int r = hr_jget_array_of(hooks, "hooks", key, sizeof(**out), parse_hook, &items, n, err);

	*out = items;
	return r;
}

static int parse_hooks(json_t *top, struct hr_spec *s, struct hr_error *err)
{
	struct hr_hooks *h = &s->hooks;
	json_t *hooks = NULL;
	int r = hr_jget_object(top, "", "hooks", false, &hooks, err);

	if (r <= 0)
		return r;
	s->has_hooks = true;
	if (parse_hook_list(hooks, "prestart", &h->prestart, &h->n_prestart, err) < 0 ||
	    parse_hook_list(hooks, "createRuntime", &h->create_runtime, &h->n_create_runtime,
			    err) < 0 ||
	    parse_hook_list(hooks, "createContainer", &h->create_container,
			    &h->n_create_container, err) < 0 ||
	    parse_hook_list(hooks, "startContainer", &h->start_container, &h->n_start_container,
			    err) < 0 ||
	    parse_hook_list(hooks, "poststart", &h->poststart, &h->n_poststart, err) < 0 ||
	    parse_hook_list(hooks, "poststop", &h->poststop, &h->n_poststop, err) < 0)
		return -1;
	return 0;
}

/* sethostname/setdomainname take at most HOST_NAME_MAX (64) bytes: refuse
 * here, naming the field, rather than fail inside the container. */
/* hardrun's rootfs annotations, each with one value (a typo in a security
 * setting is an error, not ignored). */
static int parse_rootfs_idmap(struct hr_spec *s, struct hr_error *err)
{
	for (size_t i = 0; i < s->n_annotations; i++) {
		const char *k = s->annotations[i].key, *v = s->annotations[i].value;
		const char *want = strcmp(k, HR_ROOTFS_IDMAP_ANNOTATION) == 0      ? "auto"
				   : strcmp(k, HR_ROOTFS_READONLY_ANNOTATION) == 0 ? "recursive"
										   : NULL;
		if (!want)
			continue;
		if (strcmp(v, want) != 0)
			return hr_error_set(err, 0, "annotations.%s: \"%s\": the only value is \"%s\"", k, v,
					    want);
		if (*want == 'a')
			s->root_idmap = s->root_idmap_optional = s->root_idmap_auto = true;
		else
			s->root_readonly_recursive = true;
	}
	return 0;
}

static int check_uts_name(const char *path, const char *name, struct hr_error *err)
{
	size_t len = name ? strlen(name) : 0;

	if (len > HOST_NAME_MAX)
		return hr_jerr(err, path, "is %zu bytes long; the kernel allows at most %d (HOST_NAME_MAX)", len,
			       HOST_NAME_MAX);
	return 0;
}

static int parse_top(json_t *top, struct hr_spec *s, struct hr_error *err)
{
	json_t *obj = NULL;
	int r;

	if (check_oci_version(top, &s->oci_version, err) < 0 || parse_root(top, s, err) < 0 ||
	    parse_mounts(top, s, err) < 0)
		return -1;
	r = hr_jget_object(top, "", "process", false, &obj, err);
	if (r < 0)
		return -1;
	if (r > 0) {
		s->has_process = true;
		if (hr_spec_parse_process(obj, "process", &s->process, err) < 0)
			return -1;
	}
	if (hr_jget_string(top, "", "hostname", false, &s->hostname, err) < 0 ||
	    check_uts_name("hostname", s->hostname, err) < 0 ||
	    hr_jget_string(top, "", "domainname", false, &s->domainname, err) < 0 ||
	    check_uts_name("domainname", s->domainname, err) < 0 ||
	    parse_hooks(top, s, err) < 0 ||
	    hr_jget_kv(top, "", "annotations", &s->annotations, &s->n_annotations, err) < 0 ||
	    parse_rootfs_idmap(s, err) < 0)
		return -1;
	obj = NULL;
	r = hr_jget_object(top, "", "linux", false, &obj, err);
	if (r < 0)
		return -1;
	if (r > 0) {
		s->has_linux = true;
		if (hr_spec_parse_linux(obj, "linux", &s->linux_, err) < 0)
			return -1;
	}
	return 0;
}

int hr_spec_load_string(const char *json, const char *source_name, struct hr_spec **out,
			struct hr_error *err)
{
	struct hr_spec *s;
	json_t *top;

	*out = NULL;
	if (!source_name)
		source_name = "config.json";
	top = hr_json_parse(json, source_name, err);
	if (!top)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->source_name = xstrdup(source_name);
	if (parse_top(top, s, err) < 0) {
		json_decref(top);
		hr_spec_free(s);
		return hr_error_wrap(err, "%s", source_name);
	}
	json_decref(top);
	*out = s;
	return 0;
}

int hr_spec_load_file(const char *path, struct hr_spec **out, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	*out = NULL;
	if (hr_read_file_at(AT_FDCWD, path, &text, &len, err) < 0)
		return -1;
	if (strlen(text) != len)
		return hr_error_set(err, 0, "%s: invalid JSON: contains a NUL byte", path);
	return hr_spec_load_string(text, path, out, err);
}

static void hooks_clear(struct hr_hook *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hook_clear(&h[i]);
	free(h);
}

void hr_spec_free(struct hr_spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->root_path);
	for (size_t i = 0; i < s->n_mounts; i++)
		mount_clear(&s->mounts[i]);
	free(s->mounts);
	hr_process_clear(&s->process);
	free(s->hostname);
	free(s->domainname);
	hooks_clear(s->hooks.prestart, s->hooks.n_prestart);
	hooks_clear(s->hooks.create_runtime, s->hooks.n_create_runtime);
	hooks_clear(s->hooks.create_container, s->hooks.n_create_container);
	hooks_clear(s->hooks.start_container, s->hooks.n_start_container);
	hooks_clear(s->hooks.poststart, s->hooks.n_poststart);
	hooks_clear(s->hooks.poststop, s->hooks.n_poststop);
	hr_kv_free(s->annotations, s->n_annotations);
	hr_linux_clear(&s->linux_);
	free(s->source_name);
	free(s);
}

const struct hr_namespace *hr_spec_find_ns(const struct hr_spec *spec, enum hr_ns_type t)
{
	if (!spec || !spec->has_linux)
		return NULL;
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
		if (spec->linux_.namespaces[i].type == t)
			return &spec->linux_.namespaces[i];
	return NULL;
}

bool hr_spec_has_new_ns(const struct hr_spec *spec, enum hr_ns_type t)
{
	const struct hr_namespace *ns = hr_spec_find_ns(spec, t);

	return ns && !ns->path;
}

const char *hr_env_get(char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (; env && *env; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}
