/* The "process" object of config.json, also read alone as process.json for
 * `exec --process`. */
#include "spec/spec.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "base/util.h"
#include "spec/internal.h"

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

static int rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(rlimit_names); i++)
		if (strcmp(rlimit_names[i].name, name) == 0)
			return rlimit_names[i].resource;
	return -1;
}

static int parse_user(json_t *proc, const char *parent, struct hr_user *u, struct hr_error *err)
{
	char path[HR_JPATH_MAX], apath[HR_JPATH_MAX], epath[HR_JPATH_MAX];
	json_t *obj = NULL, *arr = NULL, *e;
	size_t i;
	int r;

	if (hr_jget_object(proc, parent, "user", true, &obj, err) < 0)
		return -1;
	hr_jpath_key(path, parent, "user");
	if (hr_jget_u32(obj, path, "uid", true, &u->uid, err) < 0 ||
	    hr_jget_u32(obj, path, "gid", true, &u->gid, err) < 0)
		return -1;
	r = hr_jget_u32(obj, path, "umask", false, &u->umask, err);
	if (r < 0)
		return -1;
	u->has_umask = r > 0;
	if (hr_jget_string(obj, path, "username", false, &u->username, err) < 0)
		return -1;
	r = hr_jget_array(obj, path, "additionalGids", false, &arr, err);
	if (r <= 0)
		return r;
	hr_jpath_key(apath, path, "additionalGids");
	u->additional_gids = xcalloc(json_array_size(arr), sizeof(uint32_t));
	json_array_foreach(arr, i, e) {
		uint64_t g;
		hr_jpath_idx(epath, apath, i);
		if (hr_jval_u64(e, epath, &g, err) < 0)
			return -1;
		if (g > UINT32_MAX)
			return hr_jerr(err, epath, "%llu out of range (0..%u)",
				       (unsigned long long)g, UINT32_MAX);
		u->additional_gids[i] = (uint32_t)g;
		u->n_additional_gids = i + 1;
	}
	return 0;
}

static int parse_caps(json_t *proc, const char *parent, struct hr_capabilities *c,
		      struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	json_t *obj = NULL;
	int r = hr_jget_object(proc, parent, "capabilities", false, &obj, err);

	if (r <= 0)
		return r;
	c->present = true;
	hr_jpath_key(path, parent, "capabilities");
	/* Names are checked by the caps module against the host's capabilities. */
	if (hr_jget_strv(obj, path, "bounding", false, false, &c->bounding, NULL, err) < 0 ||
	    hr_jget_strv(obj, path, "effective", false, false, &c->effective, NULL, err) < 0 ||
	    hr_jget_strv(obj, path, "permitted", false, false, &c->permitted, NULL, err) < 0 ||
	    hr_jget_strv(obj, path, "inheritable", false, false, &c->inheritable, NULL, err) < 0 ||
	    hr_jget_strv(obj, path, "ambient", false, false, &c->ambient, NULL, err) < 0)
		return -1;
	return 0;
}

static int parse_rlimit(json_t *obj, const char *path, struct hr_rlimit *rl, struct hr_error *err)
{
	char p[HR_JPATH_MAX];

	if (hr_jcheck_object(obj, path, err) < 0)
		return -1;
	if (hr_jget_string(obj, path, "type", true, &rl->type, err) < 0)
		return -1;
	rl->resource = rlimit_from_name(rl->type);
	if (rl->resource < 0)
		return hr_jerr(err, hr_jpath_key(p, path, "type"), "unknown rlimit \"%s\"", rl->type);
	if (hr_jget_u64(obj, path, "soft", true, &rl->soft, err) < 0 ||
	    hr_jget_u64(obj, path, "hard", true, &rl->hard, err) < 0)
		return -1;
	if (rl->soft > rl->hard)
		return hr_jerr(err, hr_jpath_key(p, path, "soft"),
			       "%llu is greater than hard limit %llu",
			       (unsigned long long)rl->soft, (unsigned long long)rl->hard);
	return 0;
}

/* One rlimit, and no type twice. */
static int rlimit_at(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_rlimit *rl = items;

	if (parse_rlimit(obj, path, &rl[idx], err) < 0)
		return -1;
	for (size_t j = 0; j < idx; j++)
		if (rl[j].resource == rl[idx].resource)
			return hr_jerr(err, path, "duplicate rlimit \"%s\"", rl[idx].type);
	return 0;
}

static int parse_rlimits(json_t *proc, const char *parent, struct hr_process *p,
			 struct hr_error *err)
{
	void *items = NULL;
	int r = hr_jget_array_of(proc, parent, "rlimits", sizeof(*p->rlimits), rlimit_at, &items, &p->n_rlimits,
				 err);

	p->rlimits = items;
	return r;
}

static int parse_console_size(json_t *proc, const char *parent, struct hr_process *p,
			      struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	json_t *obj = NULL;
	int r = hr_jget_object(proc, parent, "consoleSize", false, &obj, err);

	if (r <= 0)
		return r;
	hr_jpath_key(path, parent, "consoleSize");
	p->has_console_size = true;
	if (hr_jget_u32(obj, path, "height", true, &p->console_height, err) < 0 ||
	    hr_jget_u32(obj, path, "width", true, &p->console_width, err) < 0)
		return -1;
	return 0;
}

static int parse_scalars(json_t *proc, const char *parent, struct hr_process *p,
			 struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	int64_t oom;
	int r;

	if (hr_jget_bool(proc, parent, "terminal", false, &p->terminal, err) < 0 ||
	    hr_jget_strv(proc, parent, "args", true, true, &p->args, NULL, err) < 0 ||
	    hr_jget_string(proc, parent, "commandLine", false, &p->command_line, err) < 0 ||
	    hr_jget_strv(proc, parent, "env", false, false, &p->env, NULL, err) < 0 ||
	    hr_jget_string(proc, parent, "cwd", true, &p->cwd, err) < 0)
		return -1;
	if (!hr_path_is_absolute(p->cwd))
		return hr_jerr(err, hr_jpath_key(path, parent, "cwd"), "must be an absolute path");
	if (hr_jget_bool(proc, parent, "noNewPrivileges", false, &p->no_new_privileges, err) < 0 ||
	    hr_jget_string(proc, parent, "apparmorProfile", false, &p->apparmor_profile, err) < 0 ||
	    hr_jget_string(proc, parent, "selinuxLabel", false, &p->selinux_label, err) < 0)
		return -1;
	r = hr_jget_int_range(proc, parent, "oomScoreAdj", false, -1000, 1000, &oom, err);
	if (r < 0)
		return -1;
	if (r > 0) {
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)oom;
	}
	return 0;
}

int hr_spec_parse_process(json_t *obj, const char *path, struct hr_process *p, struct hr_error *err)
{
	if (parse_scalars(obj, path, p, err) < 0 || parse_console_size(obj, path, p, err) < 0 ||
	    parse_user(obj, path, &p->user, err) < 0 ||
	    parse_caps(obj, path, &p->capabilities, err) < 0 ||
	    parse_rlimits(obj, path, p, err) < 0)
		return -1;
	return 0;
}

void hr_process_clear(struct hr_process *p)
{
	if (!p)
		return;
	free(p->user.additional_gids);
	free(p->user.username);
	hr_strv_free(p->args);
	free(p->command_line);
	hr_strv_free(p->env);
	free(p->cwd);
	hr_strv_free(p->capabilities.bounding);
	hr_strv_free(p->capabilities.effective);
	hr_strv_free(p->capabilities.permitted);
	hr_strv_free(p->capabilities.inheritable);
	hr_strv_free(p->capabilities.ambient);
	for (size_t i = 0; i < p->n_rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	memset(p, 0, sizeof(*p));
}

static char **strv_copy(char *const *v)
{
	size_t n = hr_strv_len(v);
	char **out;

	if (!v)
		return NULL;
	out = xcalloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static char *str_copy(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void hr_process_copy(struct hr_process *dst, const struct hr_process *src)
{
	const struct hr_user *u = &src->user;
	const struct hr_capabilities *c = &src->capabilities;

	*dst = *src; /* the scalars; every pointer is replaced below */
	dst->user.additional_gids = NULL;
	if (u->n_additional_gids) {
		dst->user.additional_gids = xcalloc(u->n_additional_gids, sizeof(*u->additional_gids));
		memcpy(dst->user.additional_gids, u->additional_gids, u->n_additional_gids * sizeof(*u->additional_gids));
	}
	dst->user.username = str_copy(u->username);
	dst->args = strv_copy(src->args);
	dst->command_line = str_copy(src->command_line);
	dst->env = strv_copy(src->env);
	dst->cwd = str_copy(src->cwd);
	dst->capabilities.bounding = strv_copy(c->bounding);
	dst->capabilities.effective = strv_copy(c->effective);
	dst->capabilities.permitted = strv_copy(c->permitted);
	dst->capabilities.inheritable = strv_copy(c->inheritable);
	dst->capabilities.ambient = strv_copy(c->ambient);
	dst->rlimits = src->n_rlimits ? xcalloc(src->n_rlimits, sizeof(*src->rlimits)) : NULL;
	for (size_t i = 0; i < src->n_rlimits; i++) {
		dst->rlimits[i] = src->rlimits[i];
		dst->rlimits[i].type = str_copy(src->rlimits[i].type);
	}
	dst->apparmor_profile = str_copy(src->apparmor_profile);
	dst->selinux_label = str_copy(src->selinux_label);
}

int hr_process_load_string(const char *json, const char *source_name, struct hr_process *out,
			   struct hr_error *err)
{
	json_t *top;
	int r;

	memset(out, 0, sizeof(*out));
	if (!source_name)
		source_name = "process.json";
	top = hr_json_parse(json, source_name, err);
	if (!top)
		return -1;
	/* exec's process.json may leave out the user: root, as with runc */
	if (json_is_object(top) && !json_object_get(top, "user"))
		json_object_set_new(top, "user", json_pack("{s:i,s:i}", "uid", 0, "gid", 0));
	r = hr_spec_parse_process(top, "", out, err);
	json_decref(top);
	if (r < 0) {
		hr_process_clear(out);
		return hr_error_wrap(err, "%s", source_name);
	}
	return 0;
}

int hr_process_load_file(const char *path, struct hr_process *out, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (hr_read_file_at(AT_FDCWD, path, &text, &len, err) < 0)
		return -1;
	if (strlen(text) != len)
		return hr_error_set(err, 0, "%s: invalid JSON: contains a NUL byte", path);
	return hr_process_load_string(text, path, out, err);
}
