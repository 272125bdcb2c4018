#include "container/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"

int hr_ns_new_flags(const struct hr_spec *spec)
{
	int flags = 0;

	if (!spec->has_linux)
		return 0;
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++) {
		const struct hr_namespace *ns = &spec->linux_.namespaces[i];
		if (!ns->path)
			flags |= hr_ns_clone_flag(ns->type);
	}
	return flags;
}

int hr_ns_open_paths(const char *const paths[HR_NS_COUNT], struct hr_ns_join *j, struct hr_error *err)
{
	for (int t = 0; t < HR_NS_COUNT; t++)
		j->fds[t] = -1;
	j->count = 0;
	for (int t = 0; t < HR_NS_COUNT; t++) {
		if (!paths[t])
			continue;
		j->fds[t] = open(paths[t], O_RDONLY | O_CLOEXEC);
		if (j->fds[t] < 0) {
			int e = errno;
			hr_ns_join_close(j);
			return hr_error_set(err, e, "open %s namespace `%s`", hr_ns_type_name((enum hr_ns_type)t), paths[t]);
		}
		j->count++;
	}
	return 0;
}

void hr_ns_join_close(struct hr_ns_join *j)
{
	for (int t = 0; t < HR_NS_COUNT; t++) {
		if (j->fds[t] >= 0)
			close(j->fds[t]);
		j->fds[t] = -1;
	}
	j->count = 0;
}

int hr_ns_join_all(struct hr_ns_join *j, struct hr_error *err)
{
	/* user first: joining it grants the capabilities needed for the rest;
	 * mount last among the others so the other fds were opened with host paths */
	static const enum hr_ns_type order[] = { HR_NS_USER, HR_NS_PID, HR_NS_NETWORK, HR_NS_IPC,
						 HR_NS_UTS, HR_NS_CGROUP, HR_NS_TIME, HR_NS_MOUNT };

	for (size_t i = 0; i < HR_ARRAY_SIZE(order); i++) {
		int fd = j->fds[order[i]];
		if (fd < 0)
			continue;
		if (setns(fd, hr_ns_clone_flag(order[i])) < 0)
			return hr_error_set(err, errno, "join %s namespace", hr_ns_type_name(order[i]));
	}
	return 0;
}

/* NULL (errno set) when the text cannot be built. */
static char *format_map(const struct hr_id_mapping *m, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int write_proc_file(pid_t pid, const char *name, const char *data, struct hr_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	if (hr_write_existing_at(AT_FDCWD, path, data, err) < 0) {
		if (err->errnum == EINVAL || err->errnum == EPERM)
			return hr_error_wrap(err, "the kernel refused the %s (overlapping ranges, or ids outside "
					     "what the caller may map?)", name);
		return -1;
	}
	return 0;
}

/* newuidmap PID cid hid size ...: the setuid helper checks /etc/subuid. */
static int run_idmap_helper(const char *helper, pid_t pid, const struct hr_id_mapping *m, size_t n,
			    struct hr_error *err)
{
	_cleanup_free_ char **argv = xcalloc(3 * n + 3, sizeof(char *));
	char *strs[3 * 512 + 1];
	size_t a = 0, s = 0;
	pid_t child;
	int status;

	if (n > 512)
		return hr_error_set(err, 0, "too many id mappings");
	argv[a++] = (char *)helper;
	strs[s] = xasprintf("%d", (int)pid);
	argv[a++] = strs[s++];
	for (size_t i = 0; i < n; i++) {
		strs[s] = xasprintf("%u", m[i].container_id); argv[a++] = strs[s++];
		strs[s] = xasprintf("%u", m[i].host_id); argv[a++] = strs[s++];
		strs[s] = xasprintf("%u", m[i].size); argv[a++] = strs[s++];
	}
	child = fork();
	if (child == 0) {
		execvp(helper, argv);
		_exit(127);
	}
	for (size_t i = 0; i < s; i++)
		free(strs[i]);
	if (child < 0)
		return hr_error_set(err, errno, "fork %s", helper);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return hr_error_set(err, 0, "%s failed (exit %d): check /etc/subuid and /etc/subgid", helper,
				    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

static bool is_self_mapping(const struct hr_id_mapping *m, size_t n, unsigned int self)
{
	return n == 1 && m[0].size == 1 && m[0].host_id == self;
}

int hr_ns_write_id_maps(pid_t pid, const struct hr_spec *spec, struct hr_error *err)
{
	const struct hr_linux *l = &spec->linux_;
	_cleanup_free_ char *uids = format_map(l->uid_mappings, l->n_uid_mappings);
	_cleanup_free_ char *gids = format_map(l->gid_mappings, l->n_gid_mappings);

	if (!uids || !gids)
		return hr_error_set(err, errno ? errno : ENOMEM, "formatting the id maps");
	if (geteuid() == 0) {
		if (l->n_gid_mappings && write_proc_file(pid, "gid_map", gids, err) < 0)
			return -1;
		if (l->n_uid_mappings && write_proc_file(pid, "uid_map", uids, err) < 0)
			return -1;
		return 0;
	}
	/* Unprivileged: a single self-mapping is allowed after setgroups=deny;
	 * anything larger needs the setuid helpers and /etc/sub[ug]id. */
	if (is_self_mapping(l->gid_mappings, l->n_gid_mappings, getegid())) {
		if (write_proc_file(pid, "setgroups", "deny", err) < 0 ||
		    write_proc_file(pid, "gid_map", gids, err) < 0)
			return -1;
	} else if (l->n_gid_mappings && run_idmap_helper("newgidmap", pid, l->gid_mappings, l->n_gid_mappings, err) < 0) {
		return -1;
	}
	if (is_self_mapping(l->uid_mappings, l->n_uid_mappings, geteuid()))
		return write_proc_file(pid, "uid_map", uids, err);
	if (l->n_uid_mappings)
		return run_idmap_helper("newuidmap", pid, l->uid_mappings, l->n_uid_mappings, err);
	return 0;
}

static unsigned int map_id(const struct hr_id_mapping *m, size_t n, unsigned int id)
{
	if (n == 0)
		return id;
	for (size_t i = 0; i < n; i++) {
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return m[i].host_id + (id - m[i].container_id);
	}
	return (unsigned int)-1;
}

uid_t hr_ns_host_uid(const struct hr_spec *spec, uid_t container_uid)
{
	return map_id(spec->linux_.uid_mappings, spec->linux_.n_uid_mappings, container_uid);
}

gid_t hr_ns_host_gid(const struct hr_spec *spec, gid_t container_gid)
{
	return map_id(spec->linux_.gid_mappings, spec->linux_.n_gid_mappings, container_gid);
}

bool hr_ns_map_text_has(const char *text, unsigned long long id)
{
	unsigned long long inside, outside, count;
	int used;

	while (sscanf(text, " %llu %llu %llu%n", &inside, &outside, &count, &used) == 3) {
		if (id >= outside && id - outside < count)
			return true;
		text += used;
	}
	return false;
}

/* A map we cannot read counts as mapping id: the caller then takes the
 * path that needs nothing of it. */
static bool pid_maps(pid_t pid, const char *name, unsigned long long id)
{
	char path[64];
	_cleanup_free_ char *text = NULL;
	struct hr_error ignored = { 0 };

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	if (hr_read_file_at(AT_FDCWD, path, &text, NULL, &ignored) < 0)
		return true;
	return hr_ns_map_text_has(text, id);
}

bool hr_ns_maps_own_ids(pid_t pid)
{
	return pid_maps(pid, "uid_map", geteuid()) || pid_maps(pid, "gid_map", getegid());
}
