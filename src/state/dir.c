/* What makes state trustworthy: a --root only the caller can write, a
 * marker that tells hardrun's container dirs from anything else under it,
 * and a small record of what to kill and remove (cgroup path, init pid and
 * start time), written before each of those things exists. */
#include "state/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "base/util.h"
#include "state/internal.h"

#define RECORD_MAGIC "hardrun-record 1"

int hr_state_root_check(const char *root, struct hr_error *err)
{
	if (!root || !*root)
		return hr_error_set(err, 0, "invalid --root: the state root must not be empty");
	if (root[0] != '/')
		return hr_error_set(err, 0, "invalid --root `%s`: the state root must be an absolute path", root);
	return 0;
}

/* Someone else's root (a pre-created /tmp/hardrun-UID) could feed us forged
 * state or read ours. */
static int check_root_fd(int fd, const char *root, struct hr_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return hr_error_set(err, errno, "stat state root `%s`", root);
	if (st.st_uid != geteuid())
		return hr_error_set(err, 0, "state root `%s` is owned by uid %u, not by us (uid %u): refusing to use it",
				    root, (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return hr_error_set(err, 0, "state root `%s` is writable by group or others (mode %04o): refusing "
				    "to use it", root, (unsigned)(st.st_mode & 07777));
	return 0;
}

int hr_state_root_open(const char *root, bool create, struct hr_error *err)
{
	_cleanup_close_ int fd = -1;

	if (hr_state_root_check(root, err) < 0)
		return -1;
	/* made only when missing: mkdir -p of an existing path is a mkdir per level */
	fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (hr_mkdir_p_at(AT_FDCWD, root, 0700, err) < 0)
			return hr_error_wrap(err, "create state root");
		fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		struct stat st;
		int saved = errno;
		if ((saved == ELOOP || saved == ENOTDIR) && lstat(root, &st) == 0 && S_ISLNK(st.st_mode))
			return hr_error_set(err, 0, "state root `%s` is a symlink: refusing to use it", root);
		errno = saved;
		return hr_error_set(err, errno, "open state root `%s`", root);
	}
	if (check_root_fd(fd, root, err) < 0)
		return -1;
	return hr_steal_fd(fd);
}

bool hr_state_is_container(int rootfd, const char *name)
{
	_cleanup_free_ char *marker = xasprintf("%s/%s", name, HR_STATE_MARKER);
	struct stat st;

	return fstatat(rootfd, marker, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

int hr_state_write_marker(int dirfd, const char *id, struct hr_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, HR_STATE_MARKER, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					0644);
	_cleanup_free_ char *text = xasprintf("%s\n", id);

	if (fd < 0 || hr_write_all(fd, text, strlen(text)) < 0)
		return hr_error_set(err, errno, "write the container marker of %s", id);
	return 0;
}

int hr_container_save_record(struct hr_container *c, struct hr_error *err)
{
	const struct hr_state *st = &c->st;
	_cleanup_free_ char *unit = st->systemd_unit ? xasprintf("%s %s\n", st->systemd_user ? "systemd-user" : "systemd",
								 st->systemd_unit) : xstrdup("");
	_cleanup_free_ char *text = xasprintf(RECORD_MAGIC "\ncgroup %s\n%spid %d\nstart %llu\n%s",
					      st->cgroup_path ? st->cgroup_path : "", unit, (int)st->pid, st->pid_start,
					      st->cgroup_shared ? "shared 1\n" : "");

	if (hr_write_file_atomic_at(c->dirfd, HR_STATE_RECORD, text, strlen(text), err) < 0)
		return hr_error_wrap(err, "save the record of container %s", c->id);
	return 0;
}

static int record_line(struct hr_record *rec, char *line, struct hr_error *err)
{
	char *val = strchr(line, ' ');
	unsigned long long v;

	if (!val)
		return hr_error_set(err, 0, "malformed line");
	*val++ = '\0';
	if (strcmp(line, "cgroup") == 0) {
		/* one record names one cgroup: a second line is forged or garbage */
		if (rec->cgroup_path)
			return hr_error_set(err, 0, "a second cgroup line");
		if (*val && hr_cgroup_check_path(val, &rec->cgroup_path, err) < 0)
			return -1;
	} else if (strcmp(line, "shared") == 0 && strcmp(val, "1") == 0) {
		rec->cgroup_shared = true;
	} else if (strcmp(line, "systemd") == 0 || strcmp(line, "systemd-user") == 0) {
		if (rec->systemd_unit)
			return hr_error_set(err, 0, "a second systemd line");
		rec->systemd_unit = xstrdup(val);
		rec->systemd_user = strcmp(line, "systemd-user") == 0;
	} else if (strcmp(line, "pid") == 0 && hr_parse_u64(val, &v) && v <= 0x3fffffff) {
		rec->pid = (pid_t)v;
	} else if (strcmp(line, "start") == 0 && hr_parse_u64(val, &v)) {
		rec->pid_start = v;
	} else {
		return hr_error_set(err, 0, "malformed line \"%.32s\"", line);
	}
	return 0;
}

/* delete stops the unit the record names: only the scope that is the
 * recorded (and checked) cgroup, never another unit. */
static int check_unit(const struct hr_record *rec, struct hr_error *err)
{
	const char *u = rec->systemd_unit, *base;
	size_t n;

	if (!u)
		return 0;
	if (!rec->cgroup_path)
		return hr_error_set(err, 0, "a systemd unit without a cgroup");
	base = strrchr(rec->cgroup_path, '/');
	base = base ? base + 1 : rec->cgroup_path;
	n = strlen(u);
	if (strcmp(base, u) != 0 || n <= 6 || strcmp(u + n - 6, ".scope") != 0)
		return hr_error_set(err, 0, "systemd unit \"%.64s\" is not the scope of the recorded cgroup", u);
	return 0;
}

int hr_state_read_record(int dirfd, struct hr_record *rec, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;
	char *save = NULL, *line;
	size_t len;

	memset(rec, 0, sizeof(*rec));
	if (hr_read_file_at(dirfd, HR_STATE_RECORD, &text, &len, err) < 0)
		return -1;
	if (strlen(text) != len)
		return hr_error_set(err, 0, "%s: not a hardrun record", HR_STATE_RECORD);
	line = strtok_r(text, "\n", &save);
	if (!line || strcmp(line, RECORD_MAGIC) != 0)
		return hr_error_set(err, 0, "%s: not a hardrun record", HR_STATE_RECORD);
	while ((line = strtok_r(NULL, "\n", &save))) {
		if (record_line(rec, line, err) < 0) {
			hr_record_clear(rec);
			return hr_error_wrap(err, "%s", HR_STATE_RECORD);
		}
	}
	if (check_unit(rec, err) < 0) {
		hr_record_clear(rec);
		return hr_error_wrap(err, "%s", HR_STATE_RECORD);
	}
	return 0;
}

void hr_record_clear(struct hr_record *rec)
{
	free(rec->cgroup_path);
	free(rec->systemd_unit);
	memset(rec, 0, sizeof(*rec));
}
