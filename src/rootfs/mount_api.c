/* Building blocks on the new mount API (fsopen/fsmount/open_tree/
 * mount_setattr/move_mount): a mount is built detached, configured, and only
 * then attached to an already-resolved destination fd. */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/util.h"

#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000 /* glibc < 2.37 lacks it; value from linux/statfs.h */
#endif

int hr_error_errno(struct hr_error *err, int e)
{
	hr_error_set(err, 0, "%s", strerror(e));
	if (err)
		err->errnum = e;
	return -1;
}

void hr_ms_to_mount_attr(unsigned long set, unsigned long clear,
			 unsigned long long *attr_set, unsigned long long *attr_clr)
{
	static const struct { unsigned long ms; unsigned long long attr; } map[] = {
		{ MS_RDONLY, MOUNT_ATTR_RDONLY },     { MS_NOSUID, MOUNT_ATTR_NOSUID },
		{ MS_NODEV, MOUNT_ATTR_NODEV },       { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
		{ MS_NODIRATIME, MOUNT_ATTR_NODIRATIME }, { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
	};

	*attr_set = *attr_clr = 0;
	for (size_t i = 0; i < HR_ARRAY_SIZE(map); i++) {
		if (set & map[i].ms)
			*attr_set |= map[i].attr;
		if (clear & map[i].ms)
			*attr_clr |= map[i].attr;
	}
	/* one atime mode; "atime"/"norelatime"/"nostrictatime" mean the default */
	if (set & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
		*attr_clr |= MOUNT_ATTR__ATIME;
		if (set & MS_NOATIME)
			*attr_set |= MOUNT_ATTR_NOATIME;
		else if (set & MS_STRICTATIME)
			*attr_set |= MOUNT_ATTR_STRICTATIME;
	} else if (clear & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
		*attr_clr |= MOUNT_ATTR__ATIME;
	}
}

/* Appends the kernel's fs_context log ("e tmpfs: Bad value for 'mode'"). */
static int fs_fail(struct hr_error *err, int fsfd, int e, const char *what)
{
	char buf[512];
	ssize_t n;

	hr_error_errno(err, e);
	if (what) {
		size_t len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, " (%s)", what);
	}
	while (fsfd >= 0 && (n = read(fsfd, buf, sizeof(buf) - 1)) > 0) {
		size_t len = strlen(err->msg);
		buf[n] = '\0';
		if (buf[n - 1] == '\n')
			buf[n - 1] = '\0';
		snprintf(err->msg + len, sizeof(err->msg) - len, " (kernel: %s)",
			 buf[1] == ' ' ? buf + 2 : buf);
	}
	err->errnum = e;
	return -1;
}

static int fs_config_data(int fsfd, const char *data, struct hr_error *err)
{
	_cleanup_free_ char *copy = NULL;
	char *save = NULL;

	if (!data)
		return 0;
	copy = xstrdup(data);
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');
		int r;

		if (eq) {
			*eq = '\0';
			r = fsconfig(fsfd, FSCONFIG_SET_STRING, o, eq + 1, 0);
			*eq = '=';
		} else {
			r = fsconfig(fsfd, FSCONFIG_SET_FLAG, o, NULL, 0);
		}
		if (r < 0) {
			_cleanup_free_ char *what = xasprintf("option \"%s\"", o);
			return fs_fail(err, fsfd, errno, what);
		}
	}
	return 0;
}

static int fs_config_sb_flags(int fsfd, unsigned long flags, struct hr_error *err)
{
	static const struct { unsigned long ms; const char *name; } map[] = {
		{ MS_SYNCHRONOUS, "sync" }, { MS_DIRSYNC, "dirsync" }, { MS_LAZYTIME, "lazytime" },
		{ MS_SILENT, "silent" },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(map); i++) {
		if ((flags & map[i].ms) && fsconfig(fsfd, FSCONFIG_SET_FLAG, map[i].name, NULL, 0) < 0)
			return fs_fail(err, fsfd, errno, map[i].name);
	}
	return 0;
}

int hr_fs_new(const char *type, const char *source, const struct hr_mount_flags *mf,
	      struct hr_error *err)
{
	_cleanup_close_ int fsfd = fsopen(type, FSOPEN_CLOEXEC);
	unsigned long long set, clr;
	int mfd;

	if (fsfd < 0)
		return fs_fail(err, -1, errno, errno == ENODEV ? "unknown filesystem type" : NULL);
	if (source && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
		return fs_fail(err, fsfd, errno, "source");
	if (fs_config_data(fsfd, mf->data, err) < 0)
		return -1;
	if (fs_config_sb_flags(fsfd, mf->flags, err) < 0)
		return -1;
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_fail(err, fsfd, errno, NULL);
	hr_ms_to_mount_attr(mf->flags, 0, &set, &clr);
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned int)set);
	if (mfd < 0)
		return fs_fail(err, fsfd, errno, "fsmount");
	return mfd;
}

static unsigned long long current_attrs(int treefd)
{
	struct statvfs sv;
	unsigned long long a = 0;

	if (fstatvfs(treefd, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_RDONLY) a |= MOUNT_ATTR_RDONLY;
	if (sv.f_flag & ST_NOSUID) a |= MOUNT_ATTR_NOSUID;
	if (sv.f_flag & ST_NODEV) a |= MOUNT_ATTR_NODEV;
	if (sv.f_flag & ST_NOEXEC) a |= MOUNT_ATTR_NOEXEC;
	if (sv.f_flag & ST_NODIRATIME) a |= MOUNT_ATTR_NODIRATIME;
	if (sv.f_flag & ST_NOSYMFOLLOW) a |= MOUNT_ATTR_NOSYMFOLLOW;
	return a;
}

/* Bind mounts ignore flags on creation. In a user namespace the kernel locks
 * the flags a more privileged namespace set (ro, nosuid, ...): clearing those
 * fails with EPERM, so on EPERM retry keeping what the source already has,
 * as runc does. */
int hr_tree_set_flags(int treefd, const struct hr_mount_flags *mf, struct hr_error *err)
{
	struct mount_attr attr = { 0 };

	hr_ms_to_mount_attr(mf->flags, mf->clear, &attr.attr_set, &attr.attr_clr);
	if (!attr.attr_set && !attr.attr_clr)
		return 0;
	if (mount_setattr(treefd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) == 0)
		return 0;
	if (errno == EPERM) {
		attr.attr_clr &= ~current_attrs(treefd);
		if (attr.attr_clr & MOUNT_ATTR__ATIME) {
			attr.attr_clr &= ~(unsigned long long)MOUNT_ATTR__ATIME;
			attr.attr_set &= ~(unsigned long long)MOUNT_ATTR__ATIME;
		}
		if (mount_setattr(treefd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) == 0)
			return 0;
	}
	return hr_error_set(err, errno, "set mount flags");
}

int hr_bind_tree(int dirfd, const char *source, bool recursive, const struct hr_mount_flags *mf,
		 struct hr_error *err)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
	_cleanup_close_ int treefd = -1;

	if (!source || !*source)
		flags |= AT_EMPTY_PATH;
	treefd = open_tree(dirfd, source ? source : "", flags);
	if (treefd < 0)
		return hr_error_errno(err, errno);
	if (hr_tree_set_flags(treefd, mf, err) < 0)
		return -1;
	return hr_steal_fd(treefd);
}

int hr_tree_apply_rattrs(int treefd, const struct hr_mount_flags *mf, struct hr_error *err)
{
	struct mount_attr attr = { .attr_set = mf->attr_set, .attr_clr = mf->attr_clr };

	if (!attr.attr_set && !attr.attr_clr)
		return 0;
	if (mount_setattr(treefd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return hr_error_set(err, errno, "set recursive mount attributes");
	return 0;
}

int hr_tree_attach(int treefd, int destfd, struct hr_error *err)
{
	if (move_mount(treefd, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return hr_error_errno(err, errno);
	return 0;
}

int hr_mount_set_propagation(int mntfd, unsigned long propagation, struct hr_error *err)
{
	struct mount_attr attr = { .propagation = propagation & ~(unsigned long)MS_REC };
	unsigned int flags = AT_EMPTY_PATH | ((propagation & MS_REC) ? AT_RECURSIVE : 0);

	if (!attr.propagation)
		return 0;
	if (mount_setattr(mntfd, "", flags, &attr, sizeof(attr)) < 0)
		return hr_error_set(err, errno, "set propagation");
	return 0;
}
