/* Rules on the linux section: read-only root, host namespaces, devices,
 * sysctls, hooks, and the minimum of masked and read-only paths. */
#include "policy/rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void hr_policy_rule_readonly_rootfs(const struct hr_policy *p, struct hr_spec *spec,
				    struct hr_policy_result *d)
{
	if (spec->root_readonly || p->readonly_rootfs == HR_POLICY_OFF)
		return;
	hr_policy_below(d, "readonlyRootfs", p->readonly_rootfs, "root.readonly is false",
			"set to true");
	if (p->readonly_rootfs == HR_POLICY_INJECT)
		spec->root_readonly = true;
}

static int ns_type_of(const char *name)
{
	for (int t = 0; t < HR_NS_COUNT; t++)
		if (strcmp(name, hr_ns_type_name(t)) == 0)
			return t;
	return -1;
}

static void ns_add(struct hr_linux *l, enum hr_ns_type t)
{
	l->namespaces = xrealloc(l->namespaces, (l->n_namespaces + 1) * sizeof(*l->namespaces));
	l->namespaces[l->n_namespaces++] = (struct hr_namespace){ .type = t, .path = NULL };
}

/* A namespace path that names the host's own namespace. */
static void ns_joined(const struct hr_policy *p, const struct hr_policy_host *host,
		      const struct hr_namespace *ns, struct hr_policy_result *d)
{
	enum hr_decision_kind a = p->host_namespaces.mode == HR_POLICY_WARN ? HR_DECISION_WARN
									   : HR_DECISION_REFUSE;
	const char *name = hr_ns_type_name(ns->type);
	struct hr_policy_ns_id id;

	if (hr_policy_ns_identity(host, ns->path, &id) < 0) {
		hr_policy_decide(d, "hostNamespaces", a, "cannot tell whether the %s namespace %s is the "
				 "host's: %s", name, ns->path, strerror(errno));
		return;
	}
	if (host->ns[ns->type].known && host->ns[ns->type].dev == id.dev &&
	    host->ns[ns->type].ino == id.ino)
		hr_policy_decide(d, "hostNamespaces", a, "the %s namespace %s is the host's", name,
				 ns->path);
}

void hr_policy_rule_host_namespaces(const struct hr_policy *p, const struct hr_policy_host *host,
				    struct hr_spec *spec, struct hr_policy_result *d)
{
	enum hr_policy_mode mode = p->host_namespaces.mode;

	if (mode == HR_POLICY_OFF)
		return;
	for (size_t i = 0; p->host_namespaces.items[i]; i++) {
		int t = ns_type_of(p->host_namespaces.items[i]);
		const struct hr_namespace *ns = hr_spec_find_ns(spec, t);
		_cleanup_free_ char *what = NULL;

		if (ns && ns->path) {
			ns_joined(p, host, ns, d);
			continue;
		}
		if (ns)
			continue;
		what = xasprintf("no %s namespace in linux.namespaces: the container shares the host's",
				 hr_ns_type_name(t));
		/* A user namespace needs id mappings the policy cannot invent here. */
		hr_policy_below(d, "hostNamespaces", t == HR_NS_USER && mode == HR_POLICY_INJECT
				? HR_POLICY_REFUSE : mode, what, "a new one added");
		if (mode == HR_POLICY_INJECT && t != HR_NS_USER) {
			spec->has_linux = true;
			ns_add(&spec->linux_, t);
		}
	}
}

static bool listed(char *const *list, const char *s)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static enum hr_decision_kind check_action(enum hr_policy_mode m)
{
	return m == HR_POLICY_WARN ? HR_DECISION_WARN : HR_DECISION_REFUSE;
}

/* A cgroup rule granting read or write on every device of a kind. */
static bool device_rule_wide(const struct hr_device_rule *r)
{
	bool rw = strchr(r->access, 'r') || strchr(r->access, 'w');

	return r->allow && rw && (r->type == 'a' || r->major < 0);
}

void hr_policy_rule_devices(const struct hr_policy *p, const struct hr_spec *spec,
			    struct hr_policy_result *d)
{
	const struct hr_linux *l = &spec->linux_;
	const struct hr_resources *r = &l->resources;

	if (p->devices.mode == HR_POLICY_OFF)
		return;
	for (size_t i = 0; i < l->n_devices; i++)
		if (!listed(p->devices.items, l->devices[i].path))
			hr_policy_decide(d, "devices", check_action(p->devices.mode),
					 "linux.devices[%zu] %s is not on the allowed list", i,
					 l->devices[i].path);
	for (size_t i = 0; l->has_resources && i < r->n_devices; i++)
		if (device_rule_wide(&r->devices[i]))
			hr_policy_decide(d, "devices", check_action(p->devices.mode),
					 "linux.resources.devices[%zu] allows \"%s\" on every %s device",
					 i, r->devices[i].access,
					 r->devices[i].type == 'a' ? "" : r->devices[i].type == 'c' ?
					 "character" : "block");
}

static bool sysctl_allowed(char *const *allowed, const char *key)
{
	for (size_t i = 0; allowed && allowed[i]; i++) {
		const char *star = strchr(allowed[i], '*');
		if (star ? strncmp(key, allowed[i], (size_t)(star - allowed[i])) == 0
			 : strcmp(key, allowed[i]) == 0)
			return true;
	}
	return false;
}

void hr_policy_rule_sysctls(const struct hr_policy *p, const struct hr_spec *spec,
			    struct hr_policy_result *d)
{
	const struct hr_linux *l = &spec->linux_;

	if (p->sysctls.mode == HR_POLICY_OFF)
		return;
	for (size_t i = 0; i < l->n_sysctl; i++)
		if (!sysctl_allowed(p->sysctls.items, l->sysctl[i].key))
			hr_policy_decide(d, "sysctls", check_action(p->sysctls.mode),
					 "linux.sysctl %s is not on the allowed list", l->sysctl[i].key);
}

static void hooks_of(const struct hr_policy *p, const struct hr_hook *h, size_t n,
		     const char *kind, struct hr_policy_result *d)
{
	for (size_t i = 0; i < n; i++)
		if (!listed(p->hooks.items, h[i].path))
			hr_policy_decide(d, "hooks", check_action(p->hooks.mode),
					 "hooks.%s[%zu] %s is not on the allowed list", kind, i,
					 h[i].path);
}

void hr_policy_rule_hooks(const struct hr_policy *p, const struct hr_spec *spec,
			  struct hr_policy_result *d)
{
	const struct hr_hooks *h = &spec->hooks;

	if (p->hooks.mode == HR_POLICY_OFF || !spec->has_hooks)
		return;
	hooks_of(p, h->prestart, h->n_prestart, "prestart", d);
	hooks_of(p, h->create_runtime, h->n_create_runtime, "createRuntime", d);
	hooks_of(p, h->create_container, h->n_create_container, "createContainer", d);
	hooks_of(p, h->start_container, h->n_start_container, "startContainer", d);
	hooks_of(p, h->poststart, h->n_poststart, "poststart", d);
	hooks_of(p, h->poststop, h->n_poststop, "poststop", d);
}

static void path_minimum(const struct hr_policy_list_rule *rule, const char *name,
			 const char *key, char ***have, struct hr_spec *spec,
			 struct hr_policy_result *d)
{
	for (size_t i = 0; rule->mode != HR_POLICY_OFF && rule->items[i]; i++) {
		_cleanup_free_ char *what = NULL;
		if (listed(*have, rule->items[i]))
			continue;
		what = xasprintf("%s is not in linux.%s", rule->items[i], key);
		hr_policy_below(d, name, rule->mode, what, "added");
		if (rule->mode == HR_POLICY_INJECT) {
			spec->has_linux = true;
			hr_policy_strv_append(have, rule->items[i]);
		}
	}
}

void hr_policy_rule_path_minimum(const struct hr_policy *p, struct hr_spec *spec,
				 struct hr_policy_result *d)
{
	path_minimum(&p->masked_paths, "maskedPaths", "maskedPaths", &spec->linux_.masked_paths,
		     spec, d);
	path_minimum(&p->readonly_paths, "readonlyPaths", "readonlyPaths",
		     &spec->linux_.readonly_paths, spec, d);
}
