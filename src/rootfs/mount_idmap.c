/* Idmapped mounts: a helper child unshares a user namespace, we write the
 * mount's uid/gid mappings into it, and mount_setattr(MOUNT_ATTR_IDMAP) takes
 * a reference to that namespace before the child exits. */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"

static char *format_map(const struct hr_id_mapping *maps, size_t n)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *next = xasprintf("%s%u %u %u\n", out, maps[i].container_id,
				       maps[i].host_id, maps[i].size);
		free(out);
		out = next;
	}
	return out;
}

/* The child reports its pid as the /proc we can see numbers it (we may be
 * in a new pid namespace while /proc is still the host's), then waits for
 * the pipe to close. */
static void helper_child(int report_fd, int wait_fd)
{
	char self[32] = "";
	char c;

	if (unshare(CLONE_NEWUSER) < 0 || readlink("/proc/self", self, sizeof(self) - 1) < 0)
		_exit(1);
	if (hr_write_all(report_fd, self, strlen(self) + 1) < 0)
		_exit(1);
	close(report_fd);
	(void)!read(wait_fd, &c, 1);
	_exit(0);
}

static int write_maps_open_ns(const char *procpid, const struct hr_mount *m, struct hr_error *err)
{
	_cleanup_free_ char *uid_map = format_map(m->uid_mappings, m->n_uid_mappings);
	_cleanup_free_ char *gid_map = format_map(m->gid_mappings, m->n_gid_mappings);
	_cleanup_free_ char *uid_path = xasprintf("/proc/%s/uid_map", procpid);
	_cleanup_free_ char *gid_path = xasprintf("/proc/%s/gid_map", procpid);
	_cleanup_free_ char *ns_path = xasprintf("/proc/%s/ns/user", procpid);
	int fd;

	if (hr_write_existing_at(AT_FDCWD, uid_path, uid_map, err) < 0 ||
	    hr_write_existing_at(AT_FDCWD, gid_path, gid_map, err) < 0)
		return hr_error_wrap(err, "write idmapped mount mappings");
	fd = open(ns_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hr_error_set(err, errno, "open `%s`", ns_path);
	return fd;
}

static int userns_with_maps(const struct hr_mount *m, struct hr_error *err)
{
	int report[2], hold[2];
	char pidbuf[32] = "";
	pid_t pid;
	int fd = -1;
	ssize_t n;

	if (pipe2(report, O_CLOEXEC) < 0)
		return hr_error_set(err, errno, "pipe");
	if (pipe2(hold, O_CLOEXEC) < 0) {
		close(report[0]), close(report[1]);
		return hr_error_set(err, errno, "pipe");
	}
	pid = fork();
	if (pid == 0) {
		close(report[0]);
		close(hold[1]);
		helper_child(report[1], hold[0]);
	}
	close(report[1]);
	close(hold[0]);
	if (pid < 0) {
		hr_error_set(err, errno, "fork user namespace helper");
	} else {
		n = hr_read_all(report[0], pidbuf, sizeof(pidbuf) - 1);
		if (n <= 0 || pidbuf[n - 1] != '\0')
			hr_error_set(err, 0, "user namespace helper failed to start");
		else
			fd = write_maps_open_ns(pidbuf, m, err);
	}
	close(report[0]);
	close(hold[1]);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	return fd;
}

int hr_tree_idmap(int treefd, const struct hr_mount *m, bool recursive, struct hr_error *err)
{
	_cleanup_close_ int usernsfd = -1;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);

	if (!m->n_uid_mappings || !m->n_gid_mappings)
		return hr_error_set(err, 0, "idmapped mount needs both uidMappings and gidMappings");
	usernsfd = userns_with_maps(m, err);
	if (usernsfd < 0)
		return -1;
	attr.userns_fd = (unsigned long long)usernsfd;
	if (mount_setattr(treefd, "", flags, &attr, sizeof(attr)) < 0) {
		if (errno == EINVAL || errno == EOPNOTSUPP)
			return hr_error_set(err, 0, "idmapped mounts are not supported by the filesystem of \"%s\"",
					    m->source ? m->source : "");
		return hr_error_set(err, errno, "idmap mount");
	}
	return 0;
}
