/* Where mounts may go. Checked twice: lexically on the config before
 * anything is created, and again in the container process on where the
 * destination really resolved to (a symlink in the image or a racing
 * rename can move a path between the two). */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/util.h"

/* Files under /proc that may be overmounted (lxcfs and friends), as runc. */
static const char *const proc_overmount_ok[] = {
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
	"/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev",
	"/proc/sys/kernel/ns_last_pid",
};

/* Mount points of kernel filesystems: a symlink there is never legitimate,
 * and following it (even inside the root) would put /proc, /sys or /dev
 * where the runtime's later checks do not look. */
static const char *const kernel_dirs[] = {
	"/proc", "/sys", "/sys/fs/cgroup", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue",
};

static bool is_bind(const struct hr_mount *m)
{
	if (m->type && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; m->options && m->options[i]; i++)
		if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
			return true;
	return false;
}

static bool in_proc(const char *clean)
{
	return strcmp(clean, "/proc") == 0 || strncmp(clean, "/proc/", 6) == 0;
}

static bool is_kernel_dir(const char *clean)
{
	for (size_t i = 0; i < HR_ARRAY_SIZE(kernel_dirs); i++)
		if (strcmp(clean, kernel_dirs[i]) == 0)
			return true;
	return false;
}

/* Anything over or under /proc would defeat the checks made through it
 * (AppArmor attr, masking, sysctl writes): only a procfs at /proc itself,
 * or a bind over one of the known informational files. */
static int check_proc_target(const char *clean, const struct hr_mount *m, struct hr_error *err)
{
	if (!in_proc(clean))
		return 0;
	if (strcmp(clean, "/proc") == 0 && m->type && strcmp(m->type, "proc") == 0 && !is_bind(m))
		return 0;
	for (size_t i = 0; is_bind(m) && i < HR_ARRAY_SIZE(proc_overmount_ok); i++)
		if (strcmp(clean, proc_overmount_ok[i]) == 0)
			return 0;
	return hr_error_set(err, 0, "destination \"%s\" is inside /proc: only a proc filesystem may be mounted there",
			    clean);
}

/* What in the config needs mounts in the container's own mount namespace. */
static const char *needs_mounts(const struct hr_spec *spec)
{
	const struct hr_linux *lx = spec->has_linux ? &spec->linux_ : NULL;

	if (spec->n_mounts)
		return "mounts";
	if (spec->root_readonly)
		return "root.readonly";
	if (lx && lx->masked_paths && lx->masked_paths[0])
		return "linux.maskedPaths";
	if (lx && lx->readonly_paths && lx->readonly_paths[0])
		return "linux.readonlyPaths";
	if (lx && lx->rootfs_propagation && lx->rootfs_propagation[0])
		return "linux.rootfsPropagation";
	if (lx && lx->n_devices)
		return "linux.devices";
	if (lx && lx->n_sysctl)
		return "linux.sysctl"; /* written through the container's own procfs */
	return NULL;
}

int hr_rootfs_check_shared_mount_ns(const struct hr_spec *spec, struct hr_error *err)
{
	const char *need = needs_mounts(spec);

	if (!need)
		return 0;
	return hr_error_set(err, 0,
			    "%s needs a new mount namespace and linux.namespaces creates none: hardrun never "
			    "changes the caller's mounts (add {\"type\": \"mount\"} or drop %s)",
			    need, need);
}

int hr_rootfs_validate(const struct hr_spec *spec, struct hr_error *err)
{
	if (!hr_spec_has_new_ns(spec, HR_NS_MOUNT))
		return hr_rootfs_check_shared_mount_ns(spec, err);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct hr_mount *m = &spec->mounts[i];
		_cleanup_free_ char *clean = NULL;

		if (!m->destination || m->destination[0] != '/')
			continue; /* refused with its context when mounted */
		clean = hr_path_clean(m->destination);
		if (check_proc_target(clean, m, err) < 0)
			return hr_error_wrap(err, "mounts[%zu]", i);
	}
	return 0;
}

/* Refuses a symlink on the way to path: openat2 with RESOLVE_NO_SYMLINKS,
 * one prefix at a time so the error names the link. A missing component
 * ends the walk (it will be created as a directory). */
static int check_no_symlink(int rootfd, const char *clean, struct hr_error *err)
{
	_cleanup_free_ char *prefix = xstrdup(clean);
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS,
	};

	for (char *p = prefix + 1;; p++) {
		char saved = *p;
		int fd;

		if (saved != '/' && saved != '\0')
			continue;
		*p = '\0';
		fd = (int)syscall(SYS_openat2, rootfd, prefix, &how, sizeof(how));
		*p = saved;
		if (fd >= 0)
			close(fd);
		else if (errno == ENOENT)
			return 0;
		else if (errno == ELOOP)
			return hr_error_set(err, 0, "\"%.*s\" in the rootfs is a symlink: refusing to mount through it",
					    (int)(p - prefix), prefix);
		else if (errno != EAGAIN)
			return hr_error_set(err, errno, "open \"%.*s\" in the rootfs", (int)(p - prefix), prefix);
		if (saved == '\0')
			return 0;
	}
}

/* The top-level ones only: what is below /dev or /sys in the image is
 * usually hidden by a fresh mount, and is checked when mounted on. */
int hr_rootfs_check_kernel_dirs(int rootfd, struct hr_error *err)
{
	static const char *const top[] = { "/proc", "/sys", "/dev" };

	for (size_t i = 0; i < HR_ARRAY_SIZE(top); i++)
		if (check_no_symlink(rootfd, top[i], err) < 0)
			return -1;
	return 0;
}

int hr_rootfs_check_dest_path(int rootfd, const struct hr_mount *m, struct hr_error *err)
{
	_cleanup_free_ char *clean = hr_path_clean(m->destination);

	if (check_proc_target(clean, m, err) < 0)
		return -1;
	return is_kernel_dir(clean) ? check_no_symlink(rootfd, clean, err) : 0;
}

/* Where fd really is, as the kernel sees it (before the pivot our /proc is
 * the host's, so /proc/self/fd is trustworthy). */
static char *fd_path(int fd, struct hr_error *err)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0) {
		hr_error_set(err, errno, "readlink %s", link);
		return NULL;
	}
	buf[n] = '\0';
	return xstrdup(buf);
}

int hr_rootfs_check_dest_fd(int rootfd, int destfd, const struct hr_mount *m, struct hr_error *err)
{
	_cleanup_free_ char *root = fd_path(rootfd, err);
	_cleanup_free_ char *dest = root ? fd_path(destfd, err) : NULL;
	_cleanup_free_ char *clean = hr_path_clean(m->destination);
	size_t len = root ? strlen(root) : 0;
	const char *rel;

	if (!dest)
		return -1;
	if (strcmp(root, "/") == 0)
		rel = dest;
	else if (strncmp(dest, root, len) == 0 && (dest[len] == '/' || dest[len] == '\0'))
		rel = dest[len] ? dest + len : "/";
	else
		return hr_error_set(err, 0, "destination resolved to \"%s\", outside the rootfs: refusing", dest);
	if (check_proc_target(rel, m, err) < 0)
		return -1;
	if (is_kernel_dir(clean) && strcmp(rel, clean) != 0)
		return hr_error_set(err, 0, "\"%s\" in the rootfs resolves to \"%s\" (a symlink): refusing to mount through it",
				    clean, rel);
	return 0;
}
