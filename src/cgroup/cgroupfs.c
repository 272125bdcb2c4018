/* The cgroupfs leaf of src/cgroup: reading and writing interface files
 * relative to verified cgroup2 directory fds (never following symlinks),
 * finding the cgroup2 mount, opening paths below it one component at a
 * time, and the struct hr_cgroup handle itself. Every other cgroup file
 * builds on this one; it uses nothing else in the folder. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "base/util.h"

/* ---- small file helpers ---------------------------------------------------- */

int hr_cg_read(int dirfd, const char *name, char **out, struct hr_error *err)
{
	return hr_read_file_flags_at(dirfd, name, O_NOFOLLOW, out, NULL, err);
}

int hr_cg_read_u64(int dirfd, const char *name, unsigned long long *out, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;

	if (hr_cg_read(dirfd, name, &text, err) < 0)
		return -1;
	text[strcspn(text, "\n")] = '\0';
	if (strcmp(text, "max") == 0) {
		*out = UINT64_MAX;
		return 0;
	}
	if (!hr_parse_u64(text, out))
		return hr_error_set(err, 0, "cannot parse %s \"%s\"", name, text);
	return 0;
}

int hr_cg_write(int dirfd, const char *name, const char *value, struct hr_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen(value);

	if (fd < 0)
		return hr_error_set(err, errno, "open `%s`", name);
	/* cgroupfs takes one value per write(2) */
	ssize_t r = write(fd, value, len);
	if (r != (ssize_t)len)
		return hr_error_set(err, r < 0 ? errno : EIO, "write \"%s\" to `%s`", value, name);
	return 0;
}

bool hr_cg_file_exists(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

bool hr_cg_keyed_value(const char *text, const char *key, unsigned long long *out)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ') {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(p + klen + 1, &end, 10);
			if (errno || end == p + klen + 1)
				return false;
			*out = v;
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

bool hr_cg_list_has(const char *list, const char *word)
{
	size_t wlen = strlen(word);
	const char *p = list;

	while (*p) {
		while (*p == ' ' || *p == '\n')
			p++;
		size_t n = strcspn(p, " \n");
		if (n == wlen && strncmp(p, word, n) == 0)
			return true;
		p += n;
	}
	return false;
}

static bool fd_is_cgroup2(int fd)
{
	struct statfs sfs;
	return fstatfs(fd, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int hr_cg_open_dir(int dirfd, const char *name, struct hr_error *err)
{
	/* Not O_PATH: the same fd serves clone3(CLONE_INTO_CGROUP) and
	 * BPF_PROG_ATTACH, which need a real open file. */
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return hr_error_set(err, errno, "open cgroup `%s`", name);
	if (!fd_is_cgroup2(fd))
		return hr_error_set(err, 0, "`%s` is not on a cgroup2 filesystem", name);
	return hr_steal_fd(fd);
}

char *hr_cg_display(const struct hr_cgroup *cg, const char *path)
{
	if (!path || !*path)
		return xstrdup(cg->mountpoint);
	return xasprintf("%s/%s", cg->mountpoint, path);
}

/* ---- hierarchy and path ------------------------------------------------------ */

/* The cgroup2 mount: /sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified
 * on a hybrid one. */
int hr_cg_open_root(struct hr_cgroup *cg, struct hr_error *err)
{
	static const char *const candidates[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };

	for (size_t i = 0; i < HR_ARRAY_SIZE(candidates); i++) {
		int fd = open(candidates[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fd_is_cgroup2(fd)) {
			cg->rootfd = fd;
			cg->mountpoint = xstrdup(candidates[i]);
			return 0;
		}
		close(fd);
	}
	return hr_error_set(err, 0, "cgroup: no cgroup2 hierarchy at /sys/fs/cgroup or /sys/fs/cgroup/unified");
}

struct hr_cgroup *hr_cg_new(void)
{
	struct hr_cgroup *cg = xcalloc(1, sizeof(*cg));
	cg->dirfd = -1;
	cg->rootfd = -1;
	return cg;
}

void hr_cgroup_free(struct hr_cgroup *cg)
{
	if (!cg)
		return;
	if (cg->dirfd >= 0)
		close(cg->dirfd);
	if (cg->rootfd >= 0)
		close(cg->rootfd);
	free(cg->path);
	free(cg->mountpoint);
	free(cg);
}

/* Opens path (relative to rootfd, "" = root) one component at a time, so no
 * component can be a symlink. */
int hr_cg_open_path(int rootfd, const char *path, struct hr_error *err)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	int fd = dup(rootfd);

	if (fd < 0)
		return hr_error_set(err, errno, "dup");
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		int child = hr_cg_open_dir(fd, c, err);
		close(fd);
		if (child < 0)
			return -1;
		fd = child;
	}
	return fd;
}

int hr_cgroup_clone_fd(struct hr_cgroup *cg, struct hr_error *err)
{
	int fd = openat(cg->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hr_error_set(err, errno, "cgroup: open %s/%s", cg->mountpoint, cg->path);
	return fd;
}

int hr_cg_wait_event(struct hr_cgroup *cg, const char *key, unsigned long long want, int timeout_ms,
		     struct hr_error *err)
{
	_cleanup_close_ int fd = openat(cg->dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	long long deadline = hr_now_ms() + timeout_ms;
	char buf[256];

	if (fd < 0)
		return hr_error_set(err, errno, "open `cgroup.events`");
	for (;;) {
		ssize_t r = pread(fd, buf, sizeof(buf) - 1, 0);
		unsigned long long v;
		if (r < 0)
			return hr_error_set(err, errno, "read `cgroup.events`");
		buf[r] = '\0';
		if (!hr_cg_keyed_value(buf, key, &v))
			return hr_error_set(err, 0, "no \"%s\" in cgroup.events", key);
		if (v == want)
			return 0;
		long long left = deadline - hr_now_ms();
		if (left <= 0)
			return hr_error_set(err, ETIMEDOUT, "waiting for \"%s %llu\" in cgroup.events", key, want);
		/* cgroup.events signals changes with POLLPRI; the short cap
		 * covers a change between the read and the poll. */
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		if (poll(&pfd, 1, left < 50 ? (int)left : 50) < 0 && errno != EINTR)
			return hr_error_set(err, errno, "poll `cgroup.events`");
	}
}

int hr_cg_event_flag(struct hr_cgroup *cg, const char *key, bool *out, struct hr_error *err)
{
	_cleanup_free_ char *ev = NULL;
	unsigned long long v;

	if (hr_cg_read(cg->dirfd, "cgroup.events", &ev, err) < 0)
		return hr_error_wrap(err, "cgroup: %s/%s", cg->mountpoint, cg->path);
	if (!hr_cg_keyed_value(ev, key, &v))
		return hr_error_set(err, 0, "cgroup: %s/%s: no \"%s\" in cgroup.events", cg->mountpoint, cg->path,
				    key);
	*out = v != 0;
	return 0;
}
