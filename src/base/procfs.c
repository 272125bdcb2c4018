#include "base/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/util.h"

#define PROC_ROOT_INO 1

bool hr_procfs_is_root(int fd)
{
	struct statfs sfs;
	struct stat st;

	return fstatfs(fd, &sfs) == 0 && fstat(fd, &st) == 0 && sfs.f_type == PROC_SUPER_MAGIC &&
	       st.st_ino == PROC_ROOT_INO;
}

/* A private procfs nobody else can have mounted anything on. */
static int fresh_procfs(struct hr_error *err)
{
	_cleanup_close_ int fsfd = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	int mnt;

	if (fsfd < 0)
		return hr_error_set(err, errno, "fsopen proc");
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return hr_error_set(err, errno, "create a procfs");
	mnt = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return hr_error_set(err, errno, "fsmount procfs");
	return mnt;
}

int hr_procfs_open(struct hr_error *err)
{
	int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && hr_procfs_is_root(fd))
		return fd;
	if (fd >= 0)
		close(fd);
	fd = fresh_procfs(err);
	if (fd >= 0 && !hr_procfs_is_root(fd)) {
		close(fd);
		return hr_error_set(err, 0, "the new procfs mount is not a procfs root");
	}
	return fd;
}

int hr_procfs_reopen(int path_fd, int flags, const char *what, struct hr_error *err)
{
	_cleanup_close_ int proc = hr_procfs_open(err);
	_cleanup_close_ int fd = -1;
	char name[64];
	struct stat want, got;

	if (proc < 0)
		return hr_error_wrap(err, "reopen %s", what);
	snprintf(name, sizeof(name), "thread-self/fd/%d", path_fd);
	do
		fd = openat(proc, name, flags | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return hr_error_set(err, errno, "reopen %s", what);
	if (fstat(path_fd, &want) < 0 || fstat(fd, &got) < 0)
		return hr_error_set(err, errno, "stat %s", what);
	if (want.st_dev != got.st_dev || want.st_ino != got.st_ino)
		return hr_error_set(err, 0, "reopen %s: procfs gave a different file", what);
	return hr_steal_fd(fd);
}

int hr_proc_own_cgroup2(char **out, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;

	if (hr_read_file_flags_at(AT_FDCWD, "/proc/self/cgroup", O_NOFOLLOW, &text, NULL, err) < 0)
		return -1;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, "0::", 3) == 0) {
			*out = xstrdup(line + 3);
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return hr_error_set(err, 0, "no cgroup v2 (\"0::\") entry in /proc/self/cgroup");
}
