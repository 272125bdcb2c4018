/* userNamespace: the container's root is never the host's root. A config
 * without a user namespace gets one (inject) with its own range of host ids
 * from the policy's pool, and its rootfs and bind mounts idmapped with the
 * same mapping, so files keep their apparent owners: an engine's config runs
 * in a user namespace without the engine knowing. A config whose own
 * mappings put any container id on host uid/gid 0 is refused. */
#include "policy/rules.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "state/state.h"

/* Some mapping puts a container id onto host id 0. */
static bool maps_host_root(const struct hr_id_mapping *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].host_id == 0 && m[i].size > 0)
			return true;
	return false;
}

static struct hr_id_mapping *one_mapping(uint32_t start, uint32_t size)
{
	struct hr_id_mapping *m = xcalloc(1, sizeof(*m));

	*m = (struct hr_id_mapping){ .container_id = 0, .host_id = start, .size = size };
	return m;
}

static bool is_bind(const struct hr_mount *m)
{
	for (size_t i = 0; m->options && m->options[i]; i++)
		if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
			return true;
	return m->type && strcmp(m->type, "bind") == 0;
}

/* The user namespace, its mappings, and idmapped rootfs and binds. */
static void inject(const struct hr_policy *p, struct hr_spec *spec, uint32_t start)
{
	struct hr_linux *l = &spec->linux_;
	uint32_t size = p->user_namespace.range;

	spec->has_linux = true;
	l->namespaces = xrealloc(l->namespaces, (l->n_namespaces + 1) * sizeof(*l->namespaces));
	l->namespaces[l->n_namespaces++] = (struct hr_namespace){ .type = HR_NS_USER };
	l->uid_mappings = one_mapping(start, size);
	l->gid_mappings = one_mapping(start, size);
	l->n_uid_mappings = l->n_gid_mappings = 1;
	spec->root_idmap = true;
	spec->root_idmap_optional = p->user_namespace.idmap_fallback;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct hr_mount *m = &spec->mounts[i];
		if (!is_bind(m) || m->n_uid_mappings || m->n_gid_mappings)
			continue;
		m->uid_mappings = one_mapping(start, size);
		m->gid_mappings = one_mapping(start, size);
		m->n_uid_mappings = m->n_gid_mappings = 1;
		m->idmap_optional = p->user_namespace.idmap_fallback;
	}
}

/* Where the rootfs cannot be idmapped: refused by name, or run without
 * (its files appear owned by nobody) if the policy allows the fallback. */
static void rootfs_idmap_missing(const struct hr_policy *p, const struct hr_policy_host *host,
				 struct hr_spec *spec, struct hr_policy_result *d)
{
	if (host->rootfs_idmap)
		return;
	spec->root_idmap = false;
	if (p->user_namespace.idmap_fallback)
		hr_policy_decide(d, "userNamespace", HR_DECISION_DEGRADE,
				 "the rootfs is not idmapped (this hardrun cannot idmap the rootfs yet): "
				 "its files appear owned by nobody inside (idmapFallback)");
	else
		hr_policy_decide(d, "userNamespace", HR_DECISION_REFUSE,
				 "the rootfs cannot be idmapped (this hardrun cannot idmap the rootfs "
				 "yet); \"idmapFallback\": true runs it without");
}

int hr_policy_rule_userns(const struct hr_policy *p, const struct hr_policy_host *host,
			  struct hr_spec *spec, struct hr_policy_result *d, struct hr_error *err)
{
	enum hr_policy_mode mode = p->user_namespace.mode;
	const struct hr_namespace *ns = hr_spec_find_ns(spec, HR_NS_USER);
	const struct hr_linux *l = &spec->linux_;
	uint32_t start;

	if (mode == HR_POLICY_OFF)
		return 0;
	if (ns && ns->path) {
		/* joining another container's is fine; the host's is no user namespace */
		struct hr_policy_ns_id id;
		const struct hr_policy_ns_id *h = &host->ns[HR_NS_USER];
		if (hr_policy_ns_identity(host, ns->path, &id) < 0 ||
		    (h->known && h->dev == id.dev && h->ino == id.ino))
			hr_policy_decide(d, "userNamespace", mode == HR_POLICY_WARN ? HR_DECISION_WARN
						: HR_DECISION_REFUSE, "the user namespace %s is the host's (or "
						"cannot be told apart from it)", ns->path);
		return 0;
	}
	if (ns) {
		if (maps_host_root(l->uid_mappings, l->n_uid_mappings) ||
		    maps_host_root(l->gid_mappings, l->n_gid_mappings))
			hr_policy_decide(d, "userNamespace", mode == HR_POLICY_WARN ? HR_DECISION_WARN
						: HR_DECISION_REFUSE, "linux.uidMappings/gidMappings map a "
						"container id onto host id 0");
		return 0;
	}
	if (mode == HR_POLICY_INJECT && host->dry_run) {
		hr_policy_decide(d, "userNamespace", HR_DECISION_INJECT,
				 "no user namespace: container root is host root: a new one with %u host "
				 "ids of its own from the pool, rootfs and bind mounts idmapped",
				 p->user_namespace.range);
		inject(p, spec, p->user_namespace.pool_start);
		rootfs_idmap_missing(p, host, spec, d);
		return 0;
	}
	if (mode != HR_POLICY_INJECT || !host->id_range) {
		hr_policy_below(d, "userNamespace", mode == HR_POLICY_INJECT ? HR_POLICY_REFUSE : mode,
				"no user namespace: container root is host root", "");
		return 0;
	}
	if (host->id_range(host, p, &start, err) < 0)
		return hr_error_wrap(err, "policy %s: userNamespace", p->source_name);
	hr_policy_decide(d, "userNamespace", HR_DECISION_INJECT,
			 "no user namespace: container root is host root: a new one with host ids "
			 "%u-%u, rootfs and bind mounts idmapped%s", start,
			 start + p->user_namespace.range - 1,
			 p->user_namespace.idmap_fallback ? " (where the filesystem allows)" : "");
	inject(p, spec, start);
	rootfs_idmap_missing(p, host, spec, d);
	return 0;
}

int hr_policy_ids_allocate(const struct hr_policy_host *host, const struct hr_policy *p,
			   uint32_t *start, struct hr_error *err)
{
	const struct hr_policy_userns_rule *u = &p->user_namespace;
	struct hr_idpool_cfg cfg = { .start = u->pool_start, .size = u->pool_size, .range = u->range };

	return hr_idpool_allocate(host->state_root, host->container_id, &cfg, start, err);
}

int hr_policy_ids_lookup(const struct hr_policy_host *host, const struct hr_policy *p,
			 uint32_t *start, struct hr_error *err)
{
	uint32_t size;
	int r = hr_idpool_lookup(host->state_root, host->container_id, start, &size, err);

	if (r == 0)
		return hr_error_set(err, 0, "container %s holds no user namespace id range",
				    host->container_id);
	if (r > 0 && size != p->user_namespace.range)
		return hr_error_set(err, 0, "container %s holds %u ids, the policy gives %u",
				    host->container_id, size, p->user_namespace.range);
	return r < 0 ? -1 : 0;
}
