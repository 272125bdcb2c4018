/* Root filesystem lifecycle in the container's mount namespace: prepare
 * (propagation, rootfs bind, spec mounts, /dev), then pivot into it. */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/util.h"

static const struct {
	const char *name;
	unsigned long flags;
} propagations[] = {
	{ "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

/* linux.rootfsPropagation; 0 when absent. */
static int root_propagation(const struct hr_spec *spec, unsigned long *out, struct hr_error *err)
{
	const char *p = spec->has_linux ? spec->linux_.rootfs_propagation : NULL;

	*out = 0;
	if (!p || !*p)
		return 0;
	for (size_t i = 0; i < HR_ARRAY_SIZE(propagations); i++) {
		if (strcmp(p, propagations[i].name) == 0) {
			*out = propagations[i].flags;
			return 0;
		}
	}
	return hr_error_set(err, 0, "unknown linux.rootfsPropagation \"%s\"", p);
}

static int mnt_id_of(const char *path, unsigned long long *id)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0)
		return -1;
	*id = stx.stx_mnt_id;
	return 0;
}

/* pivot_root refuses a shared parent mount, and a shared parent would also
 * propagate our rootfs bind back to the host: make it private. The mount
 * root is the highest ancestor still on the rootfs' mount. */
static int parent_mount_private(const char *rootfs, struct hr_error *err)
{
	_cleanup_free_ char *cur = hr_path_clean(rootfs);
	unsigned long long id, pid;

	if (mnt_id_of(cur, &id) < 0)
		return hr_error_set(err, errno, "statx rootfs \"%s\"", rootfs);
	while (strcmp(cur, "/") != 0) {
		char *slash = strrchr(cur, '/');
		char *parent = slash == cur ? xstrdup("/") : xstrndup(cur, (size_t)(slash - cur));

		if (mnt_id_of(parent, &pid) < 0 || pid != id) {
			free(parent);
			break;
		}
		free(cur);
		cur = parent;
	}
	if (mount(NULL, cur, NULL, MS_PRIVATE, NULL) < 0)
		return hr_error_set(err, errno, "make parent mount \"%s\" of rootfs private", cur);
	return 0;
}

/* The runtime's tree of the rootfs goes where the bind of the rootfs onto
 * itself would: onto the cwd, which the runtime set to the rootfs before the
 * clone (the kernel carries it into our mount namespace, so no host path is
 * looked up as the mapped user). Returns the attached mount's fd. */
static int attach_root_tree(struct hr_rootfs_sources *src, unsigned long prop, const char *rootfs,
			    struct hr_error *err)
{
	_cleanup_close_ int tree = hr_steal_fd(src->root_tree);

	if (move_mount(tree, "", AT_FDCWD, ".", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return hr_error_set(err, errno, "attach rootfs \"%s\"", rootfs);
	if (prop && hr_mount_set_propagation(tree, prop, err) < 0)
		return hr_error_wrap(err, "rootfs \"%s\"", rootfs);
	return hr_steal_fd(tree);
}

/* The rootfs and the mounts already under it (the host's, with `sandbox
 * --host`) read-only; the container's own mounts come on top later. */
static int root_tree_readonly(const struct hr_spec *spec, int fd, const char *rootfs, struct hr_error *err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	if (!spec->root_readonly_recursive)
		return fd;
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
		hr_error_set(err, errno, "rootfs \"%s\": make it and its mounts read-only", rootfs);
		close(fd);
		return -1;
	}
	return fd;
}

/* Propagation, then the rootfs as a mount of its own; returns its fd. */
static int prepare_root(const struct hr_spec *spec, const struct hr_rootfs_opts *opts, struct hr_error *err)
{
	const char *rootfs = opts->rootfs;
	unsigned long prop;
	int fd;

	if (root_propagation(spec, &prop, err) < 0)
		return -1;
	/* nothing we mount may propagate back to the host; "unbindable" would
	 * stop the rootfs bind below, so it is applied after the pivot only
	 * (finalize sets the configured propagation on "/" again) */
	if (prop & MS_UNBINDABLE)
		prop = MS_PRIVATE | (prop & MS_REC);
	if (mount(NULL, "/", NULL, prop ? prop : MS_SLAVE | MS_REC, NULL) < 0)
		return hr_error_set(err, errno, "set propagation of \"/\"");
	if ((prop & MS_SHARED) && parent_mount_private(rootfs, err) < 0)
		return -1;
	if (opts->sources && opts->sources->root_tree >= 0) {
		fd = attach_root_tree(opts->sources, prop, rootfs, err);
		return fd < 0 ? -1 : root_tree_readonly(spec, fd, rootfs, err);
	}
	if (strcmp(rootfs, "/") == 0) {
		/* `sandbox --host` rootless: "/" bound onto itself is no new root
		 * (our root stays the old mount); a copy is attached over it */
		struct hr_rootfs_sources copy = { .open = true, .root_tree = open_tree(
			AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE) };
		if (copy.root_tree < 0)
			return hr_error_set(err, errno, "copy the mount tree of \"/\"");
		fd = attach_root_tree(&copy, prop, rootfs, err);
		return fd < 0 ? -1 : root_tree_readonly(spec, fd, rootfs, err);
	}
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return hr_error_set(err, errno, "bind mount rootfs \"%s\" onto itself", rootfs);
	fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hr_error_set(err, errno, "open rootfs \"%s\"", rootfs);
	return root_tree_readonly(spec, fd, rootfs, err);
}

bool hr_rootfs_shares_mount_ns(const struct hr_spec *spec)
{
	return !hr_spec_has_new_ns(spec, HR_NS_MOUNT);
}

/* The caller's mount namespace: mount nothing, and make sure nobody asked
 * to pivot in it (pivot_root there would take the caller's root away). */
static int prepare_shared(const struct hr_spec *spec, const struct hr_rootfs_opts *opts,
			  struct hr_error *err)
{
	if (!opts->shares_mount_ns)
		return hr_error_set(err, 0, "no new mount namespace: refusing to pivot_root in the caller's mount "
					    "namespace");
	return hr_rootfs_check_shared_mount_ns(spec, err);
}

int hr_rootfs_prepare(const struct hr_spec *spec, const struct hr_rootfs_opts *opts,
		      struct hr_error *err)
{
	_cleanup_close_ int rootfd = -1, host_devfd = -1;
	struct hr_deferred_ro ro = { .n = 0 };
	struct hr_rootfs_ctx ctx;
	int rc = 0;

	if (!opts->rootfs || opts->rootfs[0] != '/')
		return hr_error_set(err, 0, "rootfs \"%s\" is not an absolute path",
				    opts->rootfs ? opts->rootfs : "");
	if (opts->shares_mount_ns || hr_rootfs_shares_mount_ns(spec))
		return prepare_shared(spec, opts, err);
	host_devfd = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC); /* -1: looked up by path */
	rootfd = prepare_root(spec, opts, err);
	if (rootfd < 0)
		return -1;
	if (hr_rootfs_check_kernel_dirs(rootfd, err) < 0)
		return hr_error_wrap(err, "rootfs \"%s\"", opts->rootfs);
	ctx = (struct hr_rootfs_ctx){ .rootfd = rootfd, .rootfs = opts->rootfs, .opts = opts, .spec = spec, .ro = &ro,
				      .host_devfd = host_devfd };
	for (size_t i = 0; i < spec->n_mounts && rc == 0; i++) {
		ctx.bind_tree = opts->sources && i < opts->sources->n ? &opts->sources->bind_trees[i] : NULL;
		rc = hr_rootfs_mount_one(&ctx, &spec->mounts[i], err);
	}
	if (rc == 0 && hr_rootfs_needs_dev_setup(spec))
		rc = hr_rootfs_setup_devices(&ctx, err);
	if (rc == 0)
		rc = hr_rootfs_apply_deferred_ro(&ro, err);
	/* hooks run here and pivot starts here: no host path looked up again */
	if (rc == 0 && fchdir(rootfd) < 0)
		rc = hr_error_set(err, errno, "chdir to rootfs \"%s\"", opts->rootfs);
	if (rc == 0)
		return 0;
	for (size_t i = 0; i < ro.n; i++)
		close(ro.fds[i]);
	return -1;
}

/* With cwd at the new root: make it "/" of this process. */
static int chroot_here(const char *rootfs, struct hr_error *err)
{
	if (chroot(".") < 0)
		return hr_error_set(err, errno, "chroot into rootfs \"%s\"", rootfs);
	if (chdir("/") < 0)
		return hr_error_set(err, errno, "chdir to \"/\"");
	return 0;
}

/* With cwd at the root of the rootfs mount (hr_rootfs_prepare). */
static int move_root(const char *rootfs, struct hr_error *err)
{
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return hr_error_set(err, errno, "move rootfs \"%s\" to \"/\"", rootfs);
	return chroot_here(rootfs, err);
}

/* chroot without touching a mount: for a mount namespace we share. */
static int chroot_root(const char *rootfs, struct hr_error *err)
{
	if (chdir(rootfs) < 0)
		return hr_error_set(err, errno, "chdir to rootfs \"%s\"", rootfs);
	return chroot_here(rootfs, err);
}

/* pivot_root(".", ".") stacks the old root on top of the new one; detaching
 * it leaves only the rootfs, with no directory needed for the old root. */
static int pivot_root_dot(const char *rootfs, struct hr_error *err)
{
	_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);

	if (oldroot < 0)
		return hr_error_set(err, errno, "open \"/\"");
	/* cwd: the root of the rootfs mount (hr_rootfs_prepare) */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return hr_error_set(err, errno, "pivot_root into rootfs \"%s\"", rootfs);
	if (fchdir(oldroot) < 0)
		return hr_error_set(err, errno, "chdir to old root");
	/* the detach must not propagate to the host's mounts */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return hr_error_set(err, errno, "make old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return hr_error_set(err, errno, "detach old root");
	if (chdir("/") < 0)
		return hr_error_set(err, errno, "chdir to \"/\"");
	return 0;
}

int hr_rootfs_pivot(const struct hr_rootfs_opts *opts, struct hr_error *err)
{
	if (!opts->rootfs || opts->rootfs[0] != '/')
		return hr_error_set(err, 0, "rootfs \"%s\" is not an absolute path",
				    opts->rootfs ? opts->rootfs : "");
	if (opts->shares_mount_ns)
		return chroot_root(opts->rootfs, err);
	return opts->no_pivot ? move_root(opts->rootfs, err) : pivot_root_dot(opts->rootfs, err);
}

int hr_rootfs_apply_root_propagation(const struct hr_spec *spec, struct hr_error *err)
{
	unsigned long prop;

	if (root_propagation(spec, &prop, err) < 0)
		return -1;
	if (prop && mount(NULL, "/", NULL, prop, NULL) < 0)
		return hr_error_set(err, errno, "set propagation of \"/\" to \"%s\"",
				    spec->linux_.rootfs_propagation);
	return 0;
}
