/* linux.seccomp: names and shapes are checked here; the seccomp module
 * resolves syscall and architecture names with libseccomp. */
#include "spec/spec.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "spec/internal.h"

static const char *const actions[] = {
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
	"SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE",
	"SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
};

static const char *const flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

static const struct {
	const char *name;
	enum hr_seccomp_op op;
} ops[] = {
	{ "SCMP_CMP_NE", HR_SCMP_CMP_NE }, { "SCMP_CMP_LT", HR_SCMP_CMP_LT },
	{ "SCMP_CMP_LE", HR_SCMP_CMP_LE }, { "SCMP_CMP_EQ", HR_SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", HR_SCMP_CMP_GE }, { "SCMP_CMP_GT", HR_SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", HR_SCMP_CMP_MASKED_EQ },
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* Reads an action and its optional errno; only ERRNO and TRACE take one. */
static int parse_action(json_t *obj, const char *parent, const char *akey, const char *ekey,
			char **action, bool *has_errno, uint32_t *errno_ret, struct hr_error *err)
{
	char p[HR_JPATH_MAX];
	int r;

	if (hr_jget_string(obj, parent, akey, true, action, err) < 0)
		return -1;
	if (!in_list(*action, actions, HR_ARRAY_SIZE(actions)))
		return hr_jerr(err, hr_jpath_key(p, parent, akey), "unknown seccomp action \"%s\"",
			       *action);
	r = hr_jget_u32(obj, parent, ekey, false, errno_ret, err);
	if (r < 0)
		return -1;
	*has_errno = r > 0;
	if (*has_errno && strcmp(*action, "SCMP_ACT_ERRNO") != 0 &&
	    strcmp(*action, "SCMP_ACT_TRACE") != 0)
		return hr_jerr(err, hr_jpath_key(p, parent, ekey),
			       "not allowed with action %s (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE)",
			       *action);
	return 0;
}

static int parse_arg(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_seccomp_arg *a = (struct hr_seccomp_arg *)items + idx;
	_cleanup_free_ char *op = NULL;
	char p[HR_JPATH_MAX];
	int64_t index;

	if (hr_jcheck_object(obj, path, err) < 0 ||
	    hr_jget_int_range(obj, path, "index", true, 0, 5, &index, err) < 0 ||
	    hr_jget_u64(obj, path, "value", true, &a->value, err) < 0 ||
	    hr_jget_u64(obj, path, "valueTwo", false, &a->value_two, err) < 0 ||
	    hr_jget_string(obj, path, "op", true, &op, err) < 0)
		return -1;
	a->index = (uint32_t)index;
	for (size_t i = 0; i < HR_ARRAY_SIZE(ops); i++) {
		if (strcmp(op, ops[i].name) == 0) {
			a->op = ops[i].op;
			return 0;
		}
	}
	return hr_jerr(err, hr_jpath_key(p, path, "op"), "unknown seccomp operator \"%s\"", op);
}

#define DOCKER_FORMAT                                                                                     \
	"is Docker's seccomp profile format, not the OCI one: its conditional rules depend on the "         \
	"container's capabilities and architecture, and hardrun will not guess which apply. Convert it for " \
	"this container (an OCI \"architectures\" list, and only the rules whose includes/excludes match " \
	"it, as docker and podman do when they write config.json)"

/* Docker's format pasted into linux.seccomp would otherwise be read with
 * every conditional rule applied unconditionally. */
static int refuse_docker_keys(json_t *obj, const char *path, const char *const *keys, size_t n,
			      struct hr_error *err)
{
	char p[HR_JPATH_MAX];

	for (size_t i = 0; i < n; i++)
		if (json_object_get(obj, keys[i]))
			return hr_jerr(err, hr_jpath_key(p, path, keys[i]), DOCKER_FORMAT);
	return 0;
}

static int parse_rule(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_seccomp_rule *rule = (struct hr_seccomp_rule *)items + idx;
	static const char *const docker_rule_keys[] = { "includes", "excludes" };
	void *args = NULL;
	int r;

	if (hr_jcheck_object(obj, path, err) < 0 ||
	    refuse_docker_keys(obj, path, docker_rule_keys, HR_ARRAY_SIZE(docker_rule_keys), err) < 0 ||
	    hr_jget_strv(obj, path, "names", true, true, &rule->names, NULL, err) < 0 ||
	    parse_action(obj, path, "action", "errnoRet", &rule->action, &rule->has_errno_ret,
			 &rule->errno_ret, err) < 0)
		return -1;
	r = hr_jget_array_of(obj, path, "args", sizeof(*rule->args), parse_arg, &args, &rule->n_args, err);
	rule->args = args;
	return r;
}

static int parse_rules(json_t *obj, const char *parent, struct hr_seccomp *s, struct hr_error *err)
{
	void *items = NULL;
	int r = hr_jget_array_of(obj, parent, "syscalls", sizeof(*s->syscalls), parse_rule, &items, &s->n_syscalls,
				 err);

	s->syscalls = items;
	return r;
}

static int check_flags(char **fl, const char *parent, struct hr_error *err)
{
	char path[HR_JPATH_MAX], epath[HR_JPATH_MAX];

	hr_jpath_key(path, parent, "flags");
	for (size_t i = 0; fl && fl[i]; i++)
		if (!in_list(fl[i], flags, HR_ARRAY_SIZE(flags)))
			return hr_jerr(err, hr_jpath_idx(epath, path, i),
				       "unknown seccomp flag \"%s\"", fl[i]);
	return 0;
}

static int parse_seccomp(json_t *obj, const char *path, struct hr_seccomp *s, struct hr_error *err)
{
	static const char *const docker_keys[] = { "archMap" };
	char p[HR_JPATH_MAX];

	if (refuse_docker_keys(obj, path, docker_keys, HR_ARRAY_SIZE(docker_keys), err) < 0 ||
	    parse_action(obj, path, "defaultAction", "defaultErrnoRet", &s->default_action,
			 &s->has_default_errno_ret, &s->default_errno_ret, err) < 0 ||
	    hr_jget_strv(obj, path, "architectures", false, false, &s->architectures, NULL, err) < 0 ||
	    hr_jget_strv(obj, path, "flags", false, false, &s->flags, NULL, err) < 0 ||
	    check_flags(s->flags, path, err) < 0 ||
	    hr_jget_string(obj, path, "listenerPath", false, &s->listener_path, err) < 0 ||
	    hr_jget_string(obj, path, "listenerMetadata", false, &s->listener_metadata, err) < 0)
		return -1;
	if (s->listener_metadata && !s->listener_path)
		return hr_jerr(err, hr_jpath_key(p, path, "listenerMetadata"),
			       "must not be set without listenerPath");
	return parse_rules(obj, path, s, err);
}

int hr_spec_parse_seccomp(json_t *obj, const char *path, struct hr_seccomp **out,
			  struct hr_error *err)
{
	struct hr_seccomp *s = xcalloc(1, sizeof(*s));

	if (parse_seccomp(obj, path, s, err) < 0) {
		hr_seccomp_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void hr_seccomp_free(struct hr_seccomp *s)
{
	if (!s)
		return;
	free(s->default_action);
	hr_strv_free(s->architectures);
	hr_strv_free(s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		hr_strv_free(s->syscalls[i].names);
		free(s->syscalls[i].action);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	free(s);
}

int hr_spec_parse_seccomp_text(const char *json, const char *source_name, struct hr_seccomp **out,
			       struct hr_error *err)
{
	json_t *root = hr_json_parse(json, source_name, err);
	int rc;

	*out = NULL;
	if (!root)
		return -1;
	rc = hr_spec_parse_seccomp(root, "linux.seccomp", out, err);
	json_decref(root);
	if (rc < 0)
		return hr_error_wrap(err, "%s", source_name);
	return 0;
}
