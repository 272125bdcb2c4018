/* tmpfs "tmpcopyup" (podman --read-only, --tmpfs; runc and crun do it):
 * the directory a tmpfs is about to cover is copied into it first, so the
 * image's files there stay visible, now writable. The source is the
 * container's rootfs, image content nobody vetted: everything is done with
 * *at calls from fds, symlinks are copied as symlinks and never followed,
 * and the depth is bounded. */
#include "rootfs/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/util.h"

#define COPYUP_MAX_DEPTH 64

static int copy_dir(int from, int to, int depth, struct hr_error *err);

static int copy_attrs(int to, const char *name, const struct stat *st, struct hr_error *err)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EPERM && errno != EINVAL)
		return hr_error_set(err, errno, "tmpcopyup: chown \"%s\"", name);
	if (!S_ISLNK(st->st_mode) && fchmodat(to, name, st->st_mode & 07777, 0) < 0)
		return hr_error_set(err, errno, "tmpcopyup: chmod \"%s\"", name);
	(void)utimensat(to, name, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

static int copy_file(int from, int to, const char *name, const struct stat *st, struct hr_error *err)
{
	_cleanup_close_ int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	off_t off = 0;

	if (in < 0)
		return hr_error_set(err, errno, "tmpcopyup: open \"%s\"", name);
	out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return hr_error_set(err, errno, "tmpcopyup: create \"%s\"", name);
	while (off < st->st_size) {
		ssize_t n = sendfile(out, in, &off, (size_t)(st->st_size - off));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the file shrank under us: copy what there was */
	}
	return 0;
}

static int copy_link(int from, int to, const char *name, struct hr_error *err)
{
	char target[4096];
	ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);

	if (n < 0)
		return hr_error_set(err, errno, "tmpcopyup: readlink \"%s\"", name);
	target[n] = '\0';
	if (symlinkat(target, to, name) < 0)
		return hr_error_set(err, errno, "tmpcopyup: symlink \"%s\"", name);
	return 0;
}

static int copy_subdir(int from, int to, const char *name, int depth, struct hr_error *err)
{
	_cleanup_close_ int sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int sub_to = -1;

	if (sub_from < 0)
		return hr_error_set(err, errno, "tmpcopyup: open directory \"%s\"", name);
	if (mkdirat(to, name, 0700) < 0)
		return hr_error_set(err, errno, "tmpcopyup: mkdir \"%s\"", name);
	sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub_to < 0)
		return hr_error_set(err, errno, "tmpcopyup: open new directory \"%s\"", name);
	if (copy_dir(sub_from, sub_to, depth + 1, err) < 0)
		return hr_error_wrap(err, "%s", name);
	return 0;
}

static int copy_entry(int from, int to, const char *name, int depth, struct hr_error *err)
{
	struct stat st;
	int r;

	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return hr_error_set(err, errno, "tmpcopyup: stat \"%s\"", name);
	if (S_ISDIR(st.st_mode))
		r = copy_subdir(from, to, name, depth, err);
	else if (S_ISREG(st.st_mode))
		r = copy_file(from, to, name, &st, err);
	else if (S_ISLNK(st.st_mode))
		r = copy_link(from, to, name, err);
	else if (mknodat(to, name, st.st_mode & (S_IFMT | 0777), st.st_rdev) < 0)
		r = hr_error_set(err, errno, "tmpcopyup: mknod \"%s\"", name);
	else
		r = 0;
	return r < 0 ? -1 : copy_attrs(to, name, &st, err);
}

static int copy_dir(int from, int to, int depth, struct hr_error *err)
{
	_cleanup_close_ int list_fd = -1;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > COPYUP_MAX_DEPTH)
		return hr_error_set(err, 0, "tmpcopyup: more than %d directory levels", COPYUP_MAX_DEPTH);
	list_fd = openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (list_fd < 0 || !(d = fdopendir(list_fd)))
		return hr_error_set(err, errno, "tmpcopyup: read directory");
	list_fd = -1; /* owned by d now */
	while (rc == 0 && (errno = 0, e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		rc = copy_entry(from, to, e->d_name, depth, err);
	}
	if (rc == 0 && errno)
		rc = hr_error_set(err, errno, "tmpcopyup: read directory");
	closedir(d);
	return rc;
}

/* The new tmpfs (treefd, detached) takes the covered directory's mode and
 * owner, and with copyup its contents. */
int hr_tmpfs_prepare(int destfd, int treefd, bool copyup, bool keep_mode, struct hr_error *err)
{
	_cleanup_close_ int from = openat(destfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int to = openat(treefd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (from < 0 || to < 0 || fstat(from, &st) < 0)
		return hr_error_set(err, errno, "tmpfs: open the covered directory");
	if (!keep_mode && (fchmod(to, st.st_mode & 07777) < 0 ||
			   (fchown(to, st.st_uid, st.st_gid) < 0 && errno != EPERM && errno != EINVAL)))
		return hr_error_set(err, errno, "tmpfs: take the covered directory's mode and owner");
	return copyup ? copy_dir(from, to, 0, err) : 0;
}
