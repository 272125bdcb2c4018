/* After the pivot: sysctls, readonlyPaths, maskedPaths and a read-only
 * root, all resolved inside the new root. */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/util.h"

/* Recursive read-only bind of a path onto itself. Only sets flags, so the
 * ones the kernel locked stay as they are. */
static int readonly_path(int rootfd, const char *path, struct hr_error *err)
{
	_cleanup_close_ int fd = hr_open_in_root(rootfd, path, O_PATH);
	_cleanup_close_ int treefd = -1;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return hr_error_set(err, errno, "open");
	treefd = open_tree(fd, "", AT_EMPTY_PATH | AT_RECURSIVE | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (treefd < 0)
		return hr_error_set(err, errno, "bind");
	if (mount_setattr(treefd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return hr_error_set(err, errno, "make read-only");
	return hr_tree_attach(treefd, fd, err);
}

static const char *file_kind(mode_t mode)
{
	return S_ISREG(mode) ? "a regular file" : S_ISDIR(mode) ? "a directory" : S_ISCHR(mode) ? "another char device"
	       : S_ISLNK(mode) ? "a symlink" : "not a char device";
}

/* The container's own /dev/null, reached without a symlink and checked to
 * be the null device on the very fd that is cloned: whatever replaced it
 * (a link to a host file, a file, a directory) is never bound as a mask. */
static int dev_null_tree(int rootfd, struct hr_error *err)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, rootfd, "/dev/null", &how, sizeof(how));
	struct stat st;
	int treefd;

	if (fd < 0 && errno == ELOOP)
		return hr_error_set(err, 0, "/dev/null in the container is a symlink, not the null device: refusing "
					    "to mask with it");
	if (fd < 0)
		return hr_error_set(err, errno, "open /dev/null in the container");
	if (fstat(fd, &st) < 0)
		return hr_error_set(err, errno, "stat /dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return hr_error_set(err, 0, "/dev/null in the container is %s, not the null device (1:3): refusing "
					    "to mask with it", file_kind(st.st_mode));
	treefd = open_tree(fd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (treefd < 0)
		return hr_error_set(err, errno, "bind /dev/null");
	return treefd;
}

/* Directories get an empty read-only tmpfs, anything else /dev/null. */
static int mask_path(int rootfd, const char *path, struct hr_error *err)
{
	_cleanup_close_ int fd = hr_open_in_root(rootfd, path, O_PATH);
	_cleanup_close_ int treefd = -1;
	struct stat st;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		return hr_error_set(err, errno, "open");
	if (S_ISDIR(st.st_mode)) {
		struct hr_mount_flags mf = { .flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC };
		treefd = hr_fs_new("tmpfs", "tmpfs", &mf, err);
	} else {
		treefd = dev_null_tree(rootfd, err);
	}
	if (treefd < 0)
		return -1;
	return hr_tree_attach(treefd, fd, err);
}

static int root_readonly(int rootfd, struct hr_error *err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	if (mount_setattr(rootfd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return hr_error_set(err, errno, "remount \"/\" read-only");
	return 0;
}

int hr_rootfs_finalize(const struct hr_spec *spec, struct hr_error *err)
{
	_cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	const struct hr_linux *lx = spec->has_linux ? &spec->linux_ : NULL;

	if (rootfd < 0)
		return hr_error_set(err, errno, "open \"/\"");
	if (hr_rootfs_shares_mount_ns(spec))
		return hr_rootfs_check_shared_mount_ns(spec, err);
	if (hr_rootfs_apply_root_propagation(spec, err) < 0)
		return -1;
	if (hr_sysctl_apply(spec, rootfd, err) < 0)
		return -1;
	for (size_t i = 0; lx && lx->readonly_paths && lx->readonly_paths[i]; i++)
		if (readonly_path(rootfd, lx->readonly_paths[i], err) < 0)
			return hr_error_wrap(err, "make \"%s\" read-only", lx->readonly_paths[i]);
	for (size_t i = 0; lx && lx->masked_paths && lx->masked_paths[i]; i++)
		if (mask_path(rootfd, lx->masked_paths[i], err) < 0)
			return hr_error_wrap(err, "mask \"%s\"", lx->masked_paths[i]);
	if (spec->root_readonly && root_readonly(rootfd, err) < 0)
		return -1;
	return 0;
}
