/* linux.sysctl: only sysctls that live in a namespace the container owns
 * may be set, and they are written through a verified procfs fd. */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/procfs.h"
#include "base/util.h"


static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Which namespace a sysctl belongs to; HR_NS_COUNT if none. */
static enum hr_ns_type sysctl_ns(const char *key)
{
	if (has_prefix(key, "kernel.msg") || has_prefix(key, "kernel.shm") ||
	    strcmp(key, "kernel.sem") == 0 || has_prefix(key, "fs.mqueue."))
		return HR_NS_IPC;
	if (has_prefix(key, "net."))
		return HR_NS_NETWORK;
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return HR_NS_UTS;
	return HR_NS_COUNT;
}

/* "net.ipv4.conf.eth0/1.forwarding" -> "net/ipv4/conf/eth0.1/forwarding",
 * as sysctl(8); NULL for empty, "." or ".." components. */
static char *sysctl_path(const char *key)
{
	char *path = xstrdup(key);

	for (char *p = path; *p; p++)
		*p = *p == '.' ? '/' : (*p == '/' ? '.' : *p);
	for (char *c = path;;) {
		char *end = strchr(c, '/');
		size_t len = end ? (size_t)(end - c) : strlen(c);

		if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.')) {
			free(path);
			return NULL;
		}
		if (!end)
			break;
		c = end + 1;
	}
	return path;
}

static bool is_callers_ns(const char *path, enum hr_ns_type t)
{
	_cleanup_free_ char *self = xasprintf("/proc/self/ns/%s",
					      t == HR_NS_NETWORK ? "net" : t == HR_NS_IPC ? "ipc" : "uts");
	struct stat a, b;

	return stat(path, &a) == 0 && stat(self, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int hr_sysctl_check(const struct hr_spec *spec, bool check_host_ns, struct hr_error *err)
{
	static const char *const ns_names[HR_NS_COUNT] = {
		[HR_NS_IPC] = "ipc", [HR_NS_NETWORK] = "network", [HR_NS_UTS] = "uts",
	};

	for (size_t i = 0; spec->has_linux && i < spec->linux_.n_sysctl; i++) {
		const char *key = spec->linux_.sysctl[i].key;
		_cleanup_free_ char *path = key ? sysctl_path(key) : NULL;
		enum hr_ns_type t;
		const struct hr_namespace *ns;

		if (!path)
			return hr_error_set(err, 0, "sysctl \"%s\" is not a valid sysctl name", key ? key : "");
		t = sysctl_ns(key);
		if (t == HR_NS_COUNT)
			return hr_error_set(err, 0, "sysctl \"%s\" is not namespaced and cannot be set in a container", key);
		ns = hr_spec_find_ns(spec, t);
		if (!ns || (check_host_ns && ns->path && is_callers_ns(ns->path, t)))
			return hr_error_set(err, 0, "sysctl \"%s\" is not allowed in the host's %s namespace",
					    key, ns_names[t]);
	}
	return 0;
}

int hr_sysctl_validate(const struct hr_spec *spec, struct hr_error *err)
{
	return hr_sysctl_check(spec, true, err);
}

/* /proc must be a real procfs root, not something mounted or linked there. */
static int open_procfs(int rootfd, struct hr_error *err)
{
	_cleanup_close_ int fd = hr_open_in_root(rootfd, "/proc", O_PATH | O_DIRECTORY);
	if (fd < 0)
		return hr_error_set(err, errno, "open /proc");
	if (!hr_procfs_is_root(fd))
		return hr_error_set(err, 0, "/proc is not a procfs mount");
	return hr_steal_fd(fd);
}

static int write_sysctl(int procfd, const struct hr_sysctl *s, struct hr_error *err)
{
	_cleanup_free_ char *rel = sysctl_path(s->key);
	_cleanup_free_ char *path = xasprintf("sys/%s", rel);
	/* NO_XDEV: a mount anywhere under /proc (a racing or hook-made bind
	 * over the sysctl file) fails the open instead of taking the write */
	struct open_how how = {
		.flags = O_WRONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, procfd, path, &how, sizeof(how));
	size_t len = strlen(s->value ? s->value : "");
	struct statfs sfs;

	if (fd < 0 && errno == EXDEV)
		return hr_error_set(err, 0, "/proc/%s is not on the container's procfs (something is mounted over it): "
					    "refusing to write", path);
	if (fd < 0)
		return hr_error_set(err, errno, "open /proc/%s", path);
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return hr_error_set(err, 0, "/proc/%s is not procfs: refusing to write", path);
	/* procfs takes the value in one write */
	if (write(fd, s->value ? s->value : "", len) != (ssize_t)len)
		return hr_error_set(err, errno, "write /proc/%s", path);
	return 0;
}

int hr_sysctl_apply(const struct hr_spec *spec, int rootfd, struct hr_error *err)
{
	_cleanup_close_ int procfd = -1;

	if (!spec->has_linux || spec->linux_.n_sysctl == 0)
		return 0;
	if (hr_sysctl_check(spec, false, err) < 0)
		return -1;
	procfd = open_procfs(rootfd, err);
	if (procfd < 0)
		return hr_error_wrap(err, "set sysctls");
	for (size_t i = 0; i < spec->linux_.n_sysctl; i++) {
		const struct hr_sysctl *s = &spec->linux_.sysctl[i];

		if (write_sysctl(procfd, s, err) < 0)
			return hr_error_wrap(err, "set sysctl \"%s\" to \"%s\"", s->key, s->value);
	}
	return 0;
}
