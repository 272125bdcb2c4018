/* /dev inside the container: default device nodes, linux.devices, and the
 * standard symlinks. In a user namespace mknod is not allowed, so the
 * host's node is bind-mounted onto an empty file instead (as runc). */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/util.h"

struct dev_node {
	const char *path;
	mode_t type;           /* S_IFCHR, S_IFBLK, S_IFIFO */
	unsigned int major, minor;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

static const struct dev_node default_devices[] = {
	{ "/dev/null", S_IFCHR, 1, 3, 0666, 0, 0 },
	{ "/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0 },
	{ "/dev/full", S_IFCHR, 1, 7, 0666, 0, 0 },
	{ "/dev/random", S_IFCHR, 1, 8, 0666, 0, 0 },
	{ "/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0 },
	{ "/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0 },
};

bool hr_rootfs_needs_dev_setup(const struct hr_spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct hr_mount *m = &spec->mounts[i];
		_cleanup_free_ char *dest = m->destination ? hr_path_clean(m->destination) : NULL;
		bool bind = m->type && strcmp(m->type, "bind") == 0;

		for (size_t j = 0; !bind && m->options && m->options[j]; j++)
			bind = strcmp(m->options[j], "bind") == 0 || strcmp(m->options[j], "rbind") == 0;
		if (dest && strcmp(dest, "/dev") == 0 && bind)
			return false;
	}
	return true;
}

static int bind_host_node(int hostfd, int pfd, const char *name, const struct dev_node *d,
			  struct hr_error *err)
{
	_cleanup_close_ int fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	_cleanup_close_ int destfd = -1, treefd = -1;
	struct stat st;

	if (fd < 0 && errno != EEXIST)
		return hr_error_set(err, errno, "create mount point");
	destfd = openat(pfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (destfd < 0 || fstat(destfd, &st) < 0)
		return hr_error_set(err, errno, "open mount point");
	if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode))
		return hr_error_set(err, EEXIST, "mount point is a %s",
				    S_ISDIR(st.st_mode) ? "directory" : "symlink");
	if (hostfd >= 0 && strncmp(d->path, "/dev/", 5) == 0)
		treefd = open_tree(hostfd, d->path + 5, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	else
		treefd = open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (treefd < 0)
		return hr_error_set(err, errno, "open host device `%s`", d->path);
	if (fstat(treefd, &st) < 0)
		return hr_error_set(err, errno, "stat host device `%s`", d->path);
	if ((st.st_mode & S_IFMT) != d->type ||
	    (d->type != S_IFIFO && st.st_rdev != makedev(d->major, d->minor)))
		return hr_error_set(err, 0, "host `%s` is not device %u:%u", d->path, d->major, d->minor);
	return hr_tree_attach(treefd, destfd, err);
}

static int mknod_node(int pfd, const char *name, const struct dev_node *d)
{
	mode_t old = umask(0);
	int r = mknodat(pfd, name, d->type | (d->mode & 07777), makedev(d->major, d->minor));

	umask(old);
	return r;
}

/* An existing entry (from the image) is replaced: it could be anything. */
static int create_node(const struct hr_rootfs_ctx *ctx, const struct dev_node *d, struct hr_error *err)
{
	_cleanup_free_ char *namebuf = NULL;
	const char *name;
	_cleanup_close_ int pfd = hr_parent_in_root(ctx->rootfd, d->path, &namebuf, &name, err);
	int r;

	if (pfd < 0)
		return -1;
	if (ctx->opts->in_userns)
		return bind_host_node(ctx->host_devfd, pfd, name, d, err);
	r = mknod_node(pfd, name, d);
	if (r < 0 && errno == EEXIST) {
		if (unlinkat(pfd, name, 0) < 0)
			return hr_error_set(err, errno, "replace existing `%s`", d->path);
		r = mknod_node(pfd, name, d);
	}
	if (r < 0 && errno == EPERM)
		return bind_host_node(ctx->host_devfd, pfd, name, d, err); /* no CAP_MKNOD */
	if (r < 0)
		return hr_error_set(err, errno, "mknod");
	if (fchownat(pfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return hr_error_set(err, errno, "chown to %u:%u", d->uid, d->gid);
	return 0;
}

static int spec_device(const struct hr_device *sd, struct dev_node *d, struct hr_error *err)
{
	memset(d, 0, sizeof(*d));
	d->path = sd->path;
	switch (sd->type) {
	case 'c': case 'u': d->type = S_IFCHR; break;
	case 'b': d->type = S_IFBLK; break;
	case 'p': d->type = S_IFIFO; break;
	default: return hr_error_set(err, 0, "unknown device type '%c'", sd->type);
	}
	if (d->type != S_IFIFO && (sd->major < 0 || sd->minor < 0 || sd->major > 0xfff ||
				   sd->minor > 0xfffff))
		return hr_error_set(err, 0, "invalid device number %lld:%lld",
				    (long long)sd->major, (long long)sd->minor);
	d->major = (unsigned int)sd->major;
	d->minor = (unsigned int)sd->minor;
	d->mode = sd->has_file_mode ? (sd->file_mode & 07777) : 0666;
	d->uid = sd->has_uid ? sd->uid : 0;
	d->gid = sd->has_gid ? sd->gid : 0;
	return 0;
}

static int dev_links(const struct hr_rootfs_ctx *ctx, struct hr_error *err)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "/proc/kcore", "core" },
	};
	_cleanup_close_ int devfd = hr_mkpath_in_root(ctx->rootfd, "/dev", HR_NODE_DIR, err);

	if (devfd < 0)
		return hr_error_wrap(err, "create /dev in rootfs \"%s\"", ctx->rootfs);
	for (size_t i = 0; i < HR_ARRAY_SIZE(links); i++) {
		if (strcmp(links[i][1], "core") == 0 && access("/proc/kcore", F_OK) < 0)
			continue;
		if (symlinkat(links[i][0], devfd, links[i][1]) < 0 && errno != EEXIST)
			return hr_error_set(err, errno, "symlink \"/dev/%s\" in rootfs \"%s\"",
					    links[i][1], ctx->rootfs);
	}
	/* the devpts instance's ptmx, not the host's */
	if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
		return hr_error_set(err, errno, "remove \"/dev/ptmx\" in rootfs \"%s\"", ctx->rootfs);
	if (symlinkat("pts/ptmx", devfd, "ptmx") < 0)
		return hr_error_set(err, errno, "symlink \"/dev/ptmx\" in rootfs \"%s\"", ctx->rootfs);
	return 0;
}

int hr_rootfs_setup_devices(const struct hr_rootfs_ctx *ctx, struct hr_error *err)
{
	const struct hr_linux *lx = ctx->spec->has_linux ? &ctx->spec->linux_ : NULL;

	for (size_t i = 0; i < HR_ARRAY_SIZE(default_devices); i++) {
		if (create_node(ctx, &default_devices[i], err) < 0)
			return hr_error_wrap(err, "create device \"%s\" in rootfs \"%s\"",
					     default_devices[i].path, ctx->rootfs);
	}
	for (size_t i = 0; lx && i < lx->n_devices; i++) {
		struct dev_node d;

		if (spec_device(&lx->devices[i], &d, err) < 0 || create_node(ctx, &d, err) < 0)
			return hr_error_wrap(err, "create device \"%s\" in rootfs \"%s\"",
					     lx->devices[i].path, ctx->rootfs);
	}
	return dev_links(ctx, err);
}
