/* The configs `hardrun spec` writes: --minimal is modelled on the defaults
 * of `runc spec` (and `runc spec --rootless`); the default is that config
 * hardened (user namespace, no capabilities, limits, AppArmor). */
#include "spec/spec.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

static json_t *strv_json(const char *const *v)
{
	json_t *arr = json_array();

	for (; *v; v++)
		json_array_append_new(arr, json_string(*v));
	return arr;
}

static json_t *example_process(void)
{
	static const char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL
	};
	static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
					    NULL };
	static const char *const args[] = { "sh", NULL };

	return json_pack("{s:b, s:{s:i, s:i}, s:o, s:o, s:s, s:{s:o, s:o, s:o},"
			 " s:[{s:s, s:i, s:i}], s:b}",
			 "terminal", 1,
			 "user", "uid", 0, "gid", 0,
			 "args", strv_json(args),
			 "env", strv_json(env),
			 "cwd", "/",
			 "capabilities", "bounding", strv_json(caps), "effective", strv_json(caps),
			 "permitted", strv_json(caps),
			 "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024,
			 "noNewPrivileges", 1);
}

static json_t *mount_json(const char *dest, const char *type, const char *source,
			  const char *const *options, bool rootless)
{
	json_t *m = json_pack("{s:s, s:s, s:s}", "destination", dest, "type", type, "source",
			      source);
	json_t *opts = json_array();

	for (; options && *options; options++) {
		/* Without a mapping for other ids, uid=/gid= options cannot work. */
		if (rootless && (strncmp(*options, "uid=", 4) == 0 ||
				 strncmp(*options, "gid=", 4) == 0))
			continue;
		json_array_append_new(opts, json_string(*options));
	}
	if (json_array_size(opts))
		json_object_set_new(m, "options", opts);
	else
		json_decref(opts);
	return m;
}

static json_t *example_mounts(bool rootless)
{
	static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
	static const char *const pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666",
					   "mode=0620", "gid=5", NULL };
	static const char *const shm[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k",
					   NULL };
	static const char *const mq[] = { "nosuid", "noexec", "nodev", NULL };
	static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
	static const char *const sys_rbind[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
	static const char *const cg[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
	json_t *m = json_array();

	json_array_append_new(m, mount_json("/proc", "proc", "proc", NULL, rootless));
	json_array_append_new(m, mount_json("/dev", "tmpfs", "tmpfs", dev, rootless));
	json_array_append_new(m, mount_json("/dev/pts", "devpts", "devpts", pts, rootless));
	json_array_append_new(m, mount_json("/dev/shm", "tmpfs", "shm", shm, rootless));
	json_array_append_new(m, mount_json("/dev/mqueue", "mqueue", "mqueue", mq, rootless));
	/* A user namespace cannot mount a fresh sysfs without its own netns. */
	if (rootless)
		json_array_append_new(m, mount_json("/sys", "none", "/sys", sys_rbind, rootless));
	else
		json_array_append_new(m, mount_json("/sys", "sysfs", "sysfs", sys, rootless));
	json_array_append_new(m, mount_json("/sys/fs/cgroup", "cgroup2", "cgroup", cg, rootless));
	return m;
}

static json_t *example_namespaces(bool rootless)
{
	static const char *const normal[] = { "pid", "network", "ipc", "uts", "mount", "cgroup",
					      NULL };
	static const char *const unpriv[] = { "pid", "ipc", "uts", "mount", "cgroup", "user", NULL };
	json_t *arr = json_array();

	for (const char *const *t = rootless ? unpriv : normal; *t; t++)
		json_array_append_new(arr, json_pack("{s:s}", "type", *t));
	return arr;
}

/* The shipped deny-by-default profile (profiles/seccomp/default.json,
 * embedded in the binary), so `hardrun spec` starts out filtered. */
static void add_default_seccomp(json_t *linux_obj)
{
	json_error_t jerr;
	json_t *profile = json_loads(hr_spec_default_seccomp_json(), 0, &jerr);

	/* the profile is checked at build time by the unit tests; never ship a
	 * config that silently lacks it */
	if (!profile)
		abort();
	json_object_set_new(linux_obj, "seccomp", profile);
}

static json_t *example_linux(bool rootless)
{
	static const char *const masked[] = {
		"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
		"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
		"/proc/scsi", NULL
	};
	static const char *const ro[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
					  "/proc/sysrq-trigger", NULL };
	json_t *l = json_object();

	if (rootless) {
		json_object_set_new(l, "uidMappings",
				    json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
					      (json_int_t)getuid(), "size", 1));
		json_object_set_new(l, "gidMappings",
				    json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
					      (json_int_t)getgid(), "size", 1));
	} else {
		/* Rootless containers cannot manage device cgroup rules. */
		json_object_set_new(l, "resources",
				    json_pack("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access",
					      "rwm"));
	}
	json_object_set_new(l, "namespaces", example_namespaces(rootless));
	json_object_set_new(l, "maskedPaths", strv_json(masked));
	json_object_set_new(l, "readonlyPaths", strv_json(ro));
	add_default_seccomp(l);
	return l;
}

static json_t *example_root(bool rootless)
{
	json_t *root = json_object();

	json_object_set_new(root, "ociVersion", json_string("1.2.0"));
	json_object_set_new(root, "process", example_process());
	json_object_set_new(root, "root", json_pack("{s:s, s:b}", "path", "rootfs", "readonly", 1));
	json_object_set_new(root, "hostname", json_string("hardrun"));
	json_object_set_new(root, "mounts", example_mounts(rootless));
	json_object_set_new(root, "linux", example_linux(rootless));
	return root;
}

static char *dump(json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(2)), *out;

	json_decref(root);
	if (!text)
		abort(); /* only fails on allocation */
	out = xasprintf("%s\n", text);
	free(text);
	return out;
}

char *hr_spec_example_json(bool rootless)
{
	return dump(example_root(rootless));
}

static json_t *id_mapping(uint32_t host_id, uint32_t size)
{
	return json_pack("[{s:i, s:I, s:I}]", "containerID", 0, "hostID", (json_int_t)host_id, "size",
			 (json_int_t)size);
}

/* Container root is an unprivileged host id (as root: a range of its own;
 * rootless: the caller, as --minimal --rootless), in its own network. */
static void harden_namespaces(json_t *l, bool rootless)
{
	json_t *ns = json_object_get(l, "namespaces");

	if (rootless) {
		json_array_append_new(ns, json_pack("{s:s}", "type", "network"));
		return;
	}
	json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
	json_object_set_new(l, "uidMappings", id_mapping(HR_HARDENED_USERNS_START, HR_HARDENED_USERNS_SIZE));
	json_object_set_new(l, "gidMappings", id_mapping(HR_HARDENED_USERNS_START, HR_HARDENED_USERNS_SIZE));
}

/* Limits only for the controllers the caller says exist, so the config
 * runs on this host as written. */
static void harden_resources(json_t *l, const struct hr_hardened_opts *o)
{
	json_t *res = json_object_get(l, "resources");

	if (o->rootless)
		return;
	if (o->memory)
		json_object_set_new(res, "memory", json_pack("{s:I}", "limit", (json_int_t)HR_HARDENED_MEMORY));
	if (o->pids)
		json_object_set_new(res, "pids", json_pack("{s:i}", "limit", HR_HARDENED_PIDS));
	if (o->cpu)
		json_object_set_new(res, "cpu", json_pack("{s:i, s:i}", "quota", HR_HARDENED_CPU_QUOTA,
							 "period", 100000));
}

static json_t *empty_capabilities(void)
{
	return json_pack("{s:[], s:[], s:[], s:[], s:[]}", "bounding", "effective", "inheritable",
			 "permitted", "ambient");
}

char *hr_spec_hardened_json(const struct hr_hardened_opts *o)
{
	json_t *root = example_root(o->rootless);
	json_t *process = json_object_get(root, "process"), *l = json_object_get(root, "linux");

	/* defaultErrnoRet in the seccomp profile is the newest field used:
	 * runtime-spec 1.1.0 */
	json_object_set_new(root, "ociVersion", json_string("1.1.0"));
	json_object_set_new(process, "capabilities", empty_capabilities());
	if (o->apparmor)
		json_object_set_new(process, "apparmorProfile", json_string(HR_HARDENED_APPARMOR));
	harden_namespaces(l, o->rootless);
	harden_resources(l, o);
	/* RAPL energy counters leak what other tenants compute (as newer runc) */
	json_array_append_new(json_object_get(l, "maskedPaths"), json_string("/sys/devices/virtual/powercap"));
	if (!o->rootless)
		json_object_set_new(root, "annotations",
				    json_pack("{s:s}", HR_ROOTFS_IDMAP_ANNOTATION, "auto"));
	return dump(root);
}
