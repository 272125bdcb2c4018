/* One OCI mount: build it detached (bind clone or new filesystem), apply its
 * flags, then attach it onto the destination resolved inside the rootfs. */
#include "rootfs/internal.h"

#include <errno.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/procfs.h"
#include "base/util.h"

static char *data_without_gid(const char *data)
{
	_cleanup_free_ char *copy = xstrdup(data);
	char *out = xstrdup(""), *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *next;
		if (strncmp(o, "gid=", 4) == 0)
			continue;
		next = xasprintf("%s%s%s", out, *out ? "," : "", o);
		free(out);
		out = next;
	}
	return out;
}

/* A devpts "gid=5" fails with EINVAL when gid 5 is not mapped in the user
 * namespace; retry without it, as crun does. */
static int devpts_new(const struct hr_mount *m, struct hr_mount_flags *mf, struct hr_error *err)
{
	int fd = hr_fs_new("devpts", m->source, mf, err);
	char *orig;

	if (fd >= 0 || err->errnum != EINVAL || !mf->data || !strstr(mf->data, "gid="))
		return fd;
	orig = mf->data;
	mf->data = data_without_gid(orig);
	fd = hr_fs_new("devpts", m->source, mf, err);
	free(mf->data);
	mf->data = orig;
	return fd;
}

/* The cgroup this process is in, as a path under /sys/fs/cgroup; NULL
 * when unreadable. */
static char *own_cgroup_dir(struct hr_error *err)
{
	_cleanup_free_ char *own = NULL;

	if (hr_proc_own_cgroup2(&own, err) < 0)
		return NULL;
	if (own[0] != '/' || strstr(own, "/..")) {
		hr_error_set(err, 0, "unexpected cgroup v2 path \"%s\" in /proc/self/cgroup", own);
		return NULL;
	}
	return xasprintf("/sys/fs/cgroup%s", strcmp(own, "/") == 0 ? "" : own);
}

/* Without the rights for a new cgroup2 (no cgroupns in a user namespace),
 * the container sees its own cgroup through a read-only bind, never the
 * host's whole hierarchy: a container that can remount it read-write
 * (CAP_SYS_ADMIN in its user namespace) must not reach the cgroups of the
 * user around it (CVE-2023-25809). */
static int cgroup_tree(const struct hr_mount *m, struct hr_mount_flags *mf, struct hr_error *err)
{
	_cleanup_free_ char *own = NULL;
	int fd = hr_fs_new("cgroup2", m->source, mf, err);

	if (fd >= 0 || err->errnum != EPERM)
		return fd;
	hr_error_clear(err);
	own = own_cgroup_dir(err);
	if (!own)
		return hr_error_wrap(err, "cgroup mount without a cgroup namespace");
	return hr_bind_tree(AT_FDCWD, own, true, mf, err);
}

static int fs_tree(const struct hr_rootfs_ctx *ctx, const struct hr_mount *m,
		   struct hr_mount_flags *mf, struct hr_error *err)
{
	const char *type = m->type;
	int fd;

	if (strcmp(type, "devpts") == 0)
		return devpts_new(m, mf, err);
	if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)
		return cgroup_tree(m, mf, err); /* v2 only */
	fd = hr_fs_new(type, m->source, mf, err);
	/* sysfs needs a network namespace owned by our user namespace */
	if (fd < 0 && err->errnum == EPERM && strcmp(type, "sysfs") == 0 && ctx->opts->in_userns &&
	    !hr_spec_has_new_ns(ctx->spec, HR_NS_NETWORK))
		fd = hr_bind_tree(AT_FDCWD, "/sys", true, mf, err);
	return fd;
}

static int build_tree(const struct hr_rootfs_ctx *ctx, const struct hr_mount *m,
		      struct hr_mount_flags *mf, bool bind, struct hr_error *err)
{
	_cleanup_close_ int treefd = -1;
	bool idmapped = false;   /* a host-side tree is idmapped there (sources.c) */

	if (bind) {
		if (!m->source || !*m->source)
			return hr_error_set(err, 0, "bind mount without a source");
		if (ctx->bind_tree && *ctx->bind_tree >= 0) {
			treefd = hr_steal_fd(*ctx->bind_tree);
			idmapped = true;
			if (hr_tree_set_flags(treefd, mf, err) < 0)
				return -1;
		} else {
			treefd = hr_bind_tree(AT_FDCWD, m->source, mf->recursive, mf, err);
		}
	} else {
		if (!m->type || !*m->type)
			return hr_error_set(err, 0, "mount without a type");
		treefd = fs_tree(ctx, m, mf, err);
	}
	if (treefd < 0)
		return -1;
	if (!idmapped && (mf->idmap || m->n_uid_mappings || m->n_gid_mappings)) {
		if (hr_tree_idmap(treefd, m, mf->idmap_recursive || mf->recursive, err) < 0)
			return -1;
	}
	if (hr_tree_apply_rattrs(treefd, mf, err) < 0)
		return -1;
	return hr_steal_fd(treefd);
}

static int defer_read_only(struct hr_deferred_ro *ro, int treefd, struct hr_error *err)
{
	if (ro->n >= HR_ARRAY_SIZE(ro->fds))
		return hr_error_set(err, 0, "more than %zu read-only mounts", HR_ARRAY_SIZE(ro->fds));
	ro->fds[ro->n] = fcntl(treefd, F_DUPFD_CLOEXEC, 3);
	if (ro->fds[ro->n] < 0)
		return hr_error_set(err, errno, "keep the mount to make read-only");
	ro->n++;
	return 0;
}

int hr_rootfs_apply_deferred_ro(struct hr_deferred_ro *ro, struct hr_error *err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	int rc = 0;

	for (size_t i = 0; i < ro->n; i++) {
		if (rc == 0 && syscall(SYS_mount_setattr, ro->fds[i], "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
			rc = hr_error_set(err, errno, "make a mount read-only");
		close(ro->fds[i]);
	}
	ro->n = 0;
	return rc;
}

/* "mode" in "size=64k,mode=1777" */
static bool has_data_option(const char *data, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = data; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, key, n) == 0 && p[n] == '=')
			return true;
	return false;
}

static int mount_one(const struct hr_rootfs_ctx *ctx, const struct hr_mount *m,
		     struct hr_mount_flags *mf, struct hr_error *err)
{
	bool bind = mf->bind || (m->type && strcmp(m->type, "bind") == 0);
	/* made read-only at the end: later mount points may lie below it */
	bool defer_ro = (mf->flags & MS_RDONLY) && ctx->ro;
	_cleanup_close_ int treefd = -1;

	if (defer_ro)
		mf->flags &= ~(unsigned long)MS_RDONLY;

	if (mf->tmpcopyup && (bind || !m->type || strcmp(m->type, "tmpfs") != 0))
		return hr_error_set(err, 0, "tmpcopyup applies to tmpfs mounts only");
	treefd = build_tree(ctx, m, mf, bind, err);
	_cleanup_close_ int destfd = -1;
	struct stat st;

	if (treefd < 0)
		return -1;
	if (hr_rootfs_check_dest_path(ctx->rootfd, m, err) < 0)
		return -1;
	if (fstat(treefd, &st) < 0)
		return hr_error_set(err, errno, "stat source");
	destfd = hr_mkpath_in_root(ctx->rootfd, m->destination,
				   S_ISDIR(st.st_mode) ? HR_NODE_DIR : HR_NODE_FILE, err);
	if (destfd < 0)
		return hr_error_wrap(err, "create mount point");
	if (hr_rootfs_check_dest_fd(ctx->rootfd, destfd, m, err) < 0)
		return -1;
	if (!bind && strcmp(m->type, "tmpfs") == 0 &&
	    hr_tmpfs_prepare(destfd, treefd, mf->tmpcopyup, has_data_option(mf->data, "mode"), err) < 0)
		return -1;
	if (hr_tree_attach(treefd, destfd, err) < 0)
		return -1;
	if (defer_ro && defer_read_only(ctx->ro, treefd, err) < 0)
		return -1;
	return hr_mount_set_propagation(treefd, mf->propagation, err);
}

int hr_rootfs_mount_one(const struct hr_rootfs_ctx *ctx, const struct hr_mount *m, struct hr_error *err)
{
	struct hr_mount_flags mf;
	const char *what = m->source && *m->source ? m->source : (m->type ? m->type : "none");
	int r;

	if (!m->destination || m->destination[0] != '/')
		return hr_error_set(err, 0, "mount \"%s\" in rootfs \"%s\": destination \"%s\" is not absolute",
				    what, ctx->rootfs, m->destination ? m->destination : "");
	if (hr_mount_parse_options(m->options, &mf, err) < 0)
		return hr_error_wrap(err, "mount \"%s\" on \"%s\" in rootfs \"%s\"", what,
				     m->destination, ctx->rootfs);
	r = mount_one(ctx, m, &mf, err);
	hr_mount_flags_clear(&mf);
	if (r < 0)
		return hr_error_wrap(err, "mount \"%s\" on \"%s\" in rootfs \"%s\"", what,
				     m->destination, ctx->rootfs);
	return 0;
}
