/* The "linux" object: namespaces, id mappings, time offsets, devices,
 * sysctl, propagation, masked/readonly paths, personality, netDevices.
 * Seccomp is in seccomp.c, resources in resources.c (this folder). */
#include "spec/spec.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "spec/internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;  /* config.json "type" */
	const char *proc;  /* /proc/PID/ns/<proc> */
	int flag;
} ns_table[HR_NS_COUNT] = {
	[HR_NS_PID] = { "pid", "pid", CLONE_NEWPID },
	[HR_NS_NETWORK] = { "network", "net", CLONE_NEWNET },
	[HR_NS_MOUNT] = { "mount", "mnt", CLONE_NEWNS },
	[HR_NS_IPC] = { "ipc", "ipc", CLONE_NEWIPC },
	[HR_NS_UTS] = { "uts", "uts", CLONE_NEWUTS },
	[HR_NS_USER] = { "user", "user", CLONE_NEWUSER },
	[HR_NS_CGROUP] = { "cgroup", "cgroup", CLONE_NEWCGROUP },
	[HR_NS_TIME] = { "time", "time", CLONE_NEWTIME },
};

const char *hr_ns_type_name(enum hr_ns_type t)
{
	return (unsigned)t < HR_NS_COUNT ? ns_table[t].name : NULL;
}

const char *hr_ns_proc_name(enum hr_ns_type t)
{
	return (unsigned)t < HR_NS_COUNT ? ns_table[t].proc : NULL;
}

int hr_ns_clone_flag(enum hr_ns_type t)
{
	return (unsigned)t < HR_NS_COUNT ? ns_table[t].flag : 0;
}

static int ns_from_name(const char *name)
{
	for (int i = 0; i < HR_NS_COUNT; i++)
		if (strcmp(ns_table[i].name, name) == 0)
			return i;
	return -1;
}

static int parse_namespace(json_t *obj, const char *path, struct hr_namespace *ns,
			   struct hr_error *err)
{
	_cleanup_free_ char *type = NULL;
	char p[HR_JPATH_MAX];
	int t;

	if (hr_jcheck_object(obj, path, err) < 0 ||
	    hr_jget_string(obj, path, "type", true, &type, err) < 0)
		return -1;
	t = ns_from_name(type);
	if (t < 0)
		return hr_jerr(err, hr_jpath_key(p, path, "type"), "unknown namespace type \"%s\"",
			       type);
	ns->type = (enum hr_ns_type)t;
	if (hr_jget_string(obj, path, "path", false, &ns->path, err) < 0)
		return -1;
	if (ns->path && !hr_path_is_absolute(ns->path))
		return hr_jerr(err, hr_jpath_key(p, path, "path"), "must be an absolute path");
	return 0;
}

/* One namespace, and no type twice. */
static int namespace_at(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_namespace *ns = items;
	char tpath[HR_JPATH_MAX];

	if (parse_namespace(obj, path, &ns[idx], err) < 0)
		return -1;
	for (size_t j = 0; j < idx; j++)
		if (ns[j].type == ns[idx].type)
			return hr_jerr(err, hr_jpath_key(tpath, path, "type"), "duplicate namespace type \"%s\"",
				       hr_ns_type_name(ns[idx].type));
	return 0;
}

static int parse_namespaces(json_t *lx, const char *parent, struct hr_linux *l,
			    struct hr_error *err)
{
	void *items = NULL;
	int r = hr_jget_array_of(lx, parent, "namespaces", sizeof(*l->namespaces), namespace_at, &items,
				 &l->n_namespaces, err);

	l->namespaces = items;
	return r;
}

static int parse_mapping(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_id_mapping *m = (struct hr_id_mapping *)items + idx;
	char p[HR_JPATH_MAX];

	if (hr_jcheck_object(obj, path, err) < 0 ||
	    hr_jget_u32(obj, path, "containerID", true, &m->container_id, err) < 0 ||
	    hr_jget_u32(obj, path, "hostID", true, &m->host_id, err) < 0 ||
	    hr_jget_u32(obj, path, "size", true, &m->size, err) < 0)
		return -1;
	hr_jpath_key(p, path, "size");
	if (m->size == 0)
		return hr_jerr(err, p, "must be greater than 0");
	if ((uint64_t)m->container_id + m->size > (uint64_t)UINT32_MAX + 1 ||
	    (uint64_t)m->host_id + m->size > (uint64_t)UINT32_MAX + 1)
		return hr_jerr(err, p, "%u makes the range overflow 32-bit ids", m->size);
	return 0;
}

int hr_spec_parse_mappings(json_t *obj, const char *parent, const char *key,
			   struct hr_id_mapping **out, size_t *n, struct hr_error *err)
{
	void *items = NULL;
	int r = hr_jget_array_of(obj, parent, key, sizeof(**out), parse_mapping, &items, n, err);

	*out = items;
	return r;
}

static int parse_time_offset(json_t *offs, const char *parent, const char *key, int64_t *secs,
			     uint32_t *nsecs, struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	json_t *obj = NULL;
	int r = hr_jget_object(offs, parent, key, false, &obj, err);

	if (r <= 0)
		return r;
	hr_jpath_key(path, parent, key);
	if (hr_jget_i64(obj, path, "secs", false, secs, err) < 0)
		return -1;
	r = hr_jget_u32(obj, path, "nanosecs", false, nsecs, err);
	if (r > 0 && *nsecs >= 1000000000u) {
		char p[HR_JPATH_MAX];
		return hr_jerr(err, hr_jpath_key(p, path, "nanosecs"), "must be below 1000000000");
	}
	return r < 0 ? -1 : 0;
}

static int parse_time_offsets(json_t *lx, const char *parent, struct hr_linux *l,
			      struct hr_error *err)
{
	char path[HR_JPATH_MAX];
	json_t *obj = NULL;
	int r = hr_jget_object(lx, parent, "timeOffsets", false, &obj, err);

	if (r <= 0)
		return r;
	hr_jpath_key(path, parent, "timeOffsets");
	l->has_time_offsets = true;
	if (parse_time_offset(obj, path, "monotonic", &l->monotonic_secs, &l->monotonic_nanosecs,
			      err) < 0 ||
	    parse_time_offset(obj, path, "boottime", &l->boottime_secs, &l->boottime_nanosecs,
			      err) < 0)
		return -1;
	return 0;
}

static int parse_device(json_t *obj, const char *path, void *items, size_t idx, struct hr_error *err)
{
	struct hr_device *d = (struct hr_device *)items + idx;
	_cleanup_free_ char *type = NULL;
	char p[HR_JPATH_MAX];
	bool need_numbers;
	int r;

	if (hr_jcheck_object(obj, path, err) < 0 ||
	    hr_jget_string(obj, path, "path", true, &d->path, err) < 0)
		return -1;
	if (!hr_path_is_absolute(d->path))
		return hr_jerr(err, hr_jpath_key(p, path, "path"), "must be an absolute path");
	if (hr_jget_string(obj, path, "type", true, &type, err) < 0)
		return -1;
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return hr_jerr(err, hr_jpath_key(p, path, "type"),
			       "unknown device type \"%s\" (expected c, b, u or p)", type);
	d->type = type[0];
	need_numbers = d->type != 'p';
	if (hr_jget_i64(obj, path, "major", need_numbers, &d->major, err) < 0 ||
	    hr_jget_i64(obj, path, "minor", need_numbers, &d->minor, err) < 0)
		return -1;
	if ((r = hr_jget_u32(obj, path, "fileMode", false, &d->file_mode, err)) < 0)
		return -1;
	d->has_file_mode = r > 0;
	if ((r = hr_jget_u32(obj, path, "uid", false, &d->uid, err)) < 0)
		return -1;
	d->has_uid = r > 0;
	if ((r = hr_jget_u32(obj, path, "gid", false, &d->gid, err)) < 0)
		return -1;
	d->has_gid = r > 0;
	return 0;
}

static int parse_devices(json_t *lx, const char *parent, struct hr_linux *l, struct hr_error *err)
{
	void *items = NULL;
	int r = hr_jget_array_of(lx, parent, "devices", sizeof(*l->devices), parse_device, &items, &l->n_devices, err);

	l->devices = items;
	return r;
}

static int check_propagation(const char *v, const char *path, struct hr_error *err)
{
	static const char *const ok[] = { "private", "rprivate", "shared", "rshared",
					  "slave", "rslave", "unbindable", "runbindable" };

	for (size_t i = 0; i < HR_ARRAY_SIZE(ok); i++)
		if (strcmp(v, ok[i]) == 0)
			return 0;
	return hr_jerr(err, path, "unknown propagation \"%s\" (expected private, rprivate, shared, "
		       "rshared, slave, rslave, unbindable or runbindable)", v);
}

static int parse_personality(json_t *lx, const char *parent, struct hr_linux *l,
			     struct hr_error *err)
{
	char path[HR_JPATH_MAX], p[HR_JPATH_MAX];
	json_t *obj = NULL;
	int r = hr_jget_object(lx, parent, "personality", false, &obj, err);

	if (r <= 0)
		return r;
	hr_jpath_key(path, parent, "personality");
	l->has_personality = true;
	if (hr_jget_string(obj, path, "domain", true, &l->personality.domain, err) < 0)
		return -1;
	if (strcmp(l->personality.domain, "LINUX") != 0 &&
	    strcmp(l->personality.domain, "LINUX32") != 0)
		return hr_jerr(err, hr_jpath_key(p, path, "domain"),
			       "unknown domain \"%s\" (expected LINUX or LINUX32)",
			       l->personality.domain);
	return hr_jget_strv(obj, path, "flags", false, false, &l->personality.flags, NULL, err) < 0
		       ? -1 : 0;
}

static int parse_net_devices(json_t *lx, const char *parent, struct hr_linux *l,
			     struct hr_error *err)
{
	char path[HR_JPATH_MAX], epath[HR_JPATH_MAX];
	json_t *obj = NULL, *dev;
	const char *name;
	int r = hr_jget_object(lx, parent, "netDevices", false, &obj, err);

	if (r <= 0)
		return r;
	hr_jpath_key(path, parent, "netDevices");
	l->net_devices = xcalloc(json_object_size(obj), sizeof(*l->net_devices));
	json_object_foreach(obj, name, dev) {
		struct hr_kv *kv = &l->net_devices[l->n_net_devices];
		hr_jpath_key(epath, path, name);
		if (!*name)
			return hr_jerr(err, path, "device names must not be empty");
		if (hr_jcheck_object(dev, epath, err) < 0)
			return -1;
		kv->key = xstrdup(name);
		l->n_net_devices++;
		if (hr_jget_string(dev, epath, "name", false, &kv->value, err) < 0)
			return -1;
	}
	return 0;
}

static int parse_sysctl(json_t *lx, const char *path, struct hr_linux *l, struct hr_error *err)
{
	struct hr_kv *kv = NULL;
	size_t n = 0;
	int r = hr_jget_kv(lx, path, "sysctl", &kv, &n, err);

	if (r <= 0)
		return r;
	l->sysctl = xcalloc(n, sizeof(*l->sysctl));
	for (size_t i = 0; i < n; i++) {
		l->sysctl[i].key = kv[i].key;
		l->sysctl[i].value = kv[i].value;
	}
	l->n_sysctl = n;
	free(kv);
	return 0;
}

static int parse_linux_misc(json_t *lx, const char *path, struct hr_linux *l, struct hr_error *err)
{
	char p[HR_JPATH_MAX];

	if (hr_jget_string(lx, path, "cgroupsPath", false, &l->cgroups_path, err) < 0 ||
	    parse_sysctl(lx, path, l, err) < 0 ||
	    hr_jget_string(lx, path, "rootfsPropagation", false, &l->rootfs_propagation, err) < 0)
		return -1;
	if (l->rootfs_propagation &&
	    check_propagation(l->rootfs_propagation, hr_jpath_key(p, path, "rootfsPropagation"),
			      err) < 0)
		return -1;
	if (hr_jget_strv(lx, path, "maskedPaths", false, false, &l->masked_paths, NULL, err) < 0 ||
	    hr_jget_strv(lx, path, "readonlyPaths", false, false, &l->readonly_paths, NULL, err) < 0 ||
	    hr_jget_string(lx, path, "mountLabel", false, &l->mount_label, err) < 0)
		return -1;
	return 0;
}

int hr_spec_parse_linux(json_t *lx, const char *path, struct hr_linux *l, struct hr_error *err)
{
	char p[HR_JPATH_MAX];
	json_t *obj = NULL;
	int r;

	if (parse_namespaces(lx, path, l, err) < 0 ||
	    hr_spec_parse_mappings(lx, path, "uidMappings", &l->uid_mappings, &l->n_uid_mappings,
				   err) < 0 ||
	    hr_spec_parse_mappings(lx, path, "gidMappings", &l->gid_mappings, &l->n_gid_mappings,
				   err) < 0 ||
	    parse_time_offsets(lx, path, l, err) < 0 || parse_devices(lx, path, l, err) < 0 ||
	    parse_linux_misc(lx, path, l, err) < 0 || parse_personality(lx, path, l, err) < 0 ||
	    parse_net_devices(lx, path, l, err) < 0)
		return -1;
	r = hr_jget_object(lx, path, "resources", false, &obj, err);
	if (r < 0)
		return -1;
	if (r > 0) {
		l->has_resources = true;
		if (hr_spec_parse_resources(obj, hr_jpath_key(p, path, "resources"), &l->resources,
					    err) < 0)
			return -1;
	}
	obj = NULL;
	r = hr_jget_object(lx, path, "seccomp", false, &obj, err);
	if (r < 0)
		return -1;
	if (r > 0 && hr_spec_parse_seccomp(obj, hr_jpath_key(p, path, "seccomp"), &l->seccomp,
					   err) < 0)
		return -1;
	return 0;
}

void hr_linux_clear(struct hr_linux *l)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	hr_resources_clear(&l->resources);
	for (size_t i = 0; i < l->n_sysctl; i++) {
		free(l->sysctl[i].key);
		free(l->sysctl[i].value);
	}
	free(l->sysctl);
	hr_seccomp_free(l->seccomp);
	free(l->rootfs_propagation);
	hr_strv_free(l->masked_paths);
	hr_strv_free(l->readonly_paths);
	free(l->mount_label);
	free(l->personality.domain);
	hr_strv_free(l->personality.flags);
	hr_kv_free(l->net_devices, l->n_net_devices);
	memset(l, 0, sizeof(*l));
}
