/* cgroup v2: finding the hierarchy, resolving and creating a container's
 * cgroup (enabling controllers on the way), placement, process listing and
 * removal. Every access is relative to verified directory fds and never
 * follows symlinks. */
#include "cgroup/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "base/log.h"
#include "base/util.h"

#define MAX_DEPTH 64

static const char *const controller_names[HR_CG_N] = {
	[HR_CG_CPU] = "cpu", [HR_CG_CPUSET] = "cpuset", [HR_CG_MEMORY] = "memory",
	[HR_CG_PIDS] = "pids", [HR_CG_IO] = "io", [HR_CG_HUGETLB] = "hugetlb",
	[HR_CG_RDMA] = "rdma", [HR_CG_MISC] = "misc",
};

/* What the user asked for, for the fail-closed message. */
static const char *const controller_purpose[HR_CG_N] = {
	[HR_CG_CPU] = "cpu limit", [HR_CG_CPUSET] = "cpuset (cpus/mems)", [HR_CG_MEMORY] = "memory limit",
	[HR_CG_PIDS] = "pids limit", [HR_CG_IO] = "block IO limit", [HR_CG_HUGETLB] = "hugepage limit",
	[HR_CG_RDMA] = "rdma limit", [HR_CG_MISC] = "misc limit",
};

const char *hr_cg_controller_name(enum hr_cg_controller c)
{
	return c < HR_CG_N ? controller_names[c] : "?";
}

int hr_cg_controller_from_name(const char *name, size_t len)
{
	for (int i = 0; i < HR_CG_N; i++)
		if (strlen(controller_names[i]) == len && strncmp(controller_names[i], name, len) == 0)
			return i;
	return -1;
}

/* ---- small file helpers ---------------------------------------------------- */

int hr_cg_read(int dirfd, const char *name, char **out, struct hr_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *buf = NULL;
	size_t cap = 4096, used = 0;

	if (fd < 0)
		return hr_error_set(err, errno, "open `%s`", name);
	buf = xmalloc(cap);
	for (;;) {
		if (used + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		ssize_t r = read(fd, buf + used, cap - used - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return hr_error_set(err, errno, "read `%s`", name);
		if (r == 0)
			break;
		used += (size_t)r;
	}
	buf[used] = '\0';
	*out = hr_steal_ptr(buf);
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
static int open_root(struct hr_cgroup *cg, struct hr_error *err)
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

static struct hr_cgroup *cgroup_new(void)
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

/* ---- creation ------------------------------------------------------------------ */

static const char *or_none(const char *s)
{
	return *s ? s : "none";
}

/* Makes controllers usable by children of the cgroup at fd (display: its
 * path for messages): "+name" into cgroup.subtree_control. The ones in
 * want (a limit needs them) must succeed; every other controller the
 * cgroup offers is enabled where the kernel allows, as runc does, so
 * monitoring (memory.current, cpu.stat) and a later `update` work for
 * containers created without limits. */
static int enable_controllers(int fd, const char *display, unsigned want, unsigned flags, unsigned *missing,
			      struct hr_error *err)
{
	_cleanup_free_ char *subtree = NULL, *avail = NULL;

	if (hr_cg_read(fd, "cgroup.subtree_control", &subtree, err) < 0 ||
	    hr_cg_read(fd, "cgroup.controllers", &avail, err) < 0)
		return hr_error_wrap(err, "cgroup: %s", display);
	avail[strcspn(avail, "\n")] = '\0';
	for (int c = 0; c < HR_CG_N; c++) {
		const char *name = controller_names[c];
		bool needed = want & (1u << c);
		if ((*missing & (1u << c)) || hr_cg_list_has(subtree, name))
			continue;
		if (!hr_cg_list_has(avail, name)) {
			if (!needed)
				continue;
			if (flags & HR_CGROUP_ALLOW_MISSING_CONTROLLERS) {
				hr_log_warnf("cgroup: %s requested but the \"%s\" controller is not available in %s "
					     "(available: %s); not enforced", controller_purpose[c], name, display,
					     or_none(avail));
				*missing |= 1u << c;
				continue;
			}
			return hr_error_set(err, 0, "cgroup: %s requested but the \"%s\" controller is not available "
					    "in %s (available: %s)", controller_purpose[c], name, display, or_none(avail));
		}
		_cleanup_free_ char *plus = xasprintf("+%s", name);
		if (hr_cg_write(fd, "cgroup.subtree_control", plus, err) == 0)
			continue;
		if (!needed) { /* e.g. the cgroup has processes of its own */
			hr_log_debugf("cgroup: not enabling \"%s\" in %s: %s", name, display, err->msg);
			hr_error_clear(err);
			continue;
		}
		if (err->errnum == EBUSY)
			return hr_error_set(err, EBUSY, "cgroup: cannot enable the \"%s\" controller in %s: it has "
					    "processes of its own, and cgroup v2 allows controllers for children "
					    "only in cgroups without processes (\"no internal processes\" rule); "
					    "use a cgroupsPath outside it", name, display);
		return hr_error_wrap(err, "cgroup: enable \"%s\" in %s", name, display);
	}
	return 0;
}

/* Removes the directories we created (deepest first) after a failure. */
static void remove_created(int rootfd, char **created, size_t n)
{
	while (n-- > 0) {
		if (unlinkat(rootfd, created[n], AT_REMOVEDIR) < 0)
			hr_log_warnf("cgroup: cleanup: rmdir `%s`: %s", created[n], strerror(errno));
		free(created[n]);
	}
}

/* Walks cg->path from the root, creating what is missing and enabling
 * controllers in every ancestor (the needed ones strictly). Sets cg->dirfd. */
static int walk_create(struct hr_cgroup *cg, unsigned want, unsigned flags, char ***created, size_t *n_created,
		       struct hr_error *err)
{
	_cleanup_close_ int fd = dup(cg->rootfd);
	_cleanup_free_ char *copy = xstrdup(cg->path), *sofar = xstrdup("");
	unsigned missing = 0;
	char *save = NULL;
	int depth = 0;

	if (fd < 0)
		return hr_error_set(err, errno, "cgroup: dup");
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		_cleanup_free_ char *display = hr_cg_display(cg, sofar);
		if (++depth > MAX_DEPTH)
			return hr_error_set(err, 0, "cgroup: path \"%s\" is too deep", cg->path);
		if (enable_controllers(fd, display, want, flags, &missing, err) < 0)
			return -1;
		char *next = *sofar ? xasprintf("%s/%s", sofar, c) : xstrdup(c);
		free(sofar);
		sofar = next;
		if (mkdirat(fd, c, 0755) == 0) {
			*created = xrealloc(*created, (*n_created + 1) * sizeof(char *));
			(*created)[(*n_created)++] = xstrdup(sofar);
		} else if (errno != EEXIST) {
			return hr_error_set(err, errno, "cgroup: create %s/%s", cg->mountpoint, sofar);
		}
		int child = hr_cg_open_dir(fd, c, err);
		if (child < 0)
			return hr_error_wrap(err, "cgroup: %s", cg->mountpoint);
		close(fd);
		fd = child;
	}
	cg->dirfd = hr_steal_fd(fd);
	return 0;
}

/* A cgroup that already exists: frozen is refused (the container would
 * never run, and create would wait for it forever); one with processes is
 * refused too, since delete would kill and remove what is not ours. */
static int check_existing(struct hr_cgroup *cg, bool *populated, struct hr_error *err)
{
	_cleanup_free_ char *freeze = NULL, *d = hr_cg_display(cg, cg->path);
	struct hr_error ignored = { 0 };

	if (hr_cg_read(cg->dirfd, "cgroup.freeze", &freeze, &ignored) == 0 && freeze[0] == '1')
		return hr_error_set(err, 0, "cgroup: %s is frozen (cgroup.freeze is 1): thaw it or choose another "
				    "cgroupsPath", d);
	if (hr_cgroup_is_populated(cg, populated, err) < 0)
		return -1;
	if (*populated)
		return hr_error_set(err, 0, "cgroup: %s already exists and has processes", d);
	return 0;
}

int hr_cgroup_create(const char *cgroups_path, const char *id, const struct hr_resources *res, unsigned flags,
		     struct hr_cgroup **out, struct hr_error *err)
{
	struct hr_cgroup *cg = cgroup_new();
	_cleanup_free_ char *own = NULL;
	char **created = NULL;
	size_t n_created = 0;
	bool populated = false;
	unsigned want = res ? hr_cg_needed_controllers(res) : 0;

	if (open_root(cg, err) < 0)
		goto fail;
	if ((!cgroups_path || *cgroups_path != '/') && hr_cg_own_path(&own, err) < 0)
		goto fail;
	if (hr_cgroup_resolve_path(cgroups_path, id, own, &cg->path, err) < 0)
		goto fail;
	if (walk_create(cg, want, flags, &created, &n_created, err) < 0)
		goto fail_created;
	if (check_existing(cg, &populated, err) < 0)
		goto fail_created;
	static const struct hr_resources none;
	if (hr_cgroup_apply_resources(cg, res ? res : &none, flags | HR_CG_QUIET_MISSING, err) < 0)
		goto fail_created;
	for (size_t i = 0; i < n_created; i++)
		free(created[i]);
	free(created);
	*out = cg;
	return 0;

fail_created:
	remove_created(cg->rootfd, created, n_created);
	free(created);
fail:
	hr_cgroup_free(cg);
	return -1;
}

/* Opens path (relative to rootfd, "" = root) one component at a time, so no
 * component can be a symlink. */
static int open_path(int rootfd, const char *path, struct hr_error *err)
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

int hr_cgroup_open(const char *path, struct hr_cgroup **out, struct hr_error *err)
{
	struct hr_cgroup *cg = cgroup_new();
	_cleanup_free_ char *norm = xstrdup("");

	if (open_root(cg, err) < 0 || hr_cg_append_components(&norm, path ? path : "", "cgroup path", err) < 0)
		goto fail;
	cg->path = hr_steal_ptr(norm);
	if (!*cg->path) {
		hr_error_set(err, 0, "cgroup: refusing to open the root cgroup as a container cgroup");
		goto fail;
	}
	cg->dirfd = open_path(cg->rootfd, cg->path, err);
	if (cg->dirfd < 0) {
		_cleanup_free_ char *d = hr_cg_display(cg, cg->path);
		hr_error_wrap(err, "cgroup: open %s", d);
		goto fail;
	}
	*out = cg;
	return 0;
fail:
	hr_cgroup_free(cg);
	return -1;
}

/* ---- placement ------------------------------------------------------------------ */

int hr_cgroup_clone_fd(struct hr_cgroup *cg, struct hr_error *err)
{
	int fd = openat(cg->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hr_error_set(err, errno, "cgroup: open %s/%s", cg->mountpoint, cg->path);
	return fd;
}

int hr_cgroup_enter(struct hr_cgroup *cg, pid_t pid, struct hr_error *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (hr_cg_write(cg->dirfd, "cgroup.procs", buf, err) < 0)
		return hr_error_wrap(err, "cgroup: move process %d into %s/%s", (int)pid, cg->mountpoint, cg->path);
	return 0;
}

int hr_cgroup_is_populated(struct hr_cgroup *cg, bool *populated, struct hr_error *err)
{
	_cleanup_free_ char *ev = NULL;
	unsigned long long v;

	if (hr_cg_read(cg->dirfd, "cgroup.events", &ev, err) < 0)
		return hr_error_wrap(err, "cgroup: %s/%s", cg->mountpoint, cg->path);
	if (!hr_cg_keyed_value(ev, "populated", &v))
		return hr_error_set(err, 0, "cgroup: %s/%s: no \"populated\" in cgroup.events", cg->mountpoint,
				    cg->path);
	*populated = v != 0;
	return 0;
}

/* ---- processes ------------------------------------------------------------------ */

static void add_pids(const char *text, pid_t **pids, size_t *n)
{
	for (const char *p = text; *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (v > 0) {
			*pids = xrealloc(*pids, (*n + 1) * sizeof(pid_t));
			(*pids)[(*n)++] = (pid_t)v;
		}
		p = end;
		while (*p == '\n')
			p++;
	}
}

/* The one walk over a cgroup subtree: visit(parentfd, name) is called for
 * each descendant after its own children were visited (the order rmdir
 * needs). */
struct cg_walk {
	int (*visit)(int dirfd, const char *child, struct cg_walk *w, struct hr_error *err);
	pid_t **pids;
	size_t *n;
};

static int walk_children(int dirfd, int depth, struct cg_walk *w, struct hr_error *err)
{
	DIR *d;
	int lfd, rc = 0;

	if (depth > MAX_DEPTH)
		return hr_error_set(err, 0, "cgroup tree too deep");
	lfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lfd < 0 || !(d = fdopendir(lfd))) {
		if (lfd >= 0)
			close(lfd);
		return hr_error_set(err, errno, "open cgroup directory");
	}
	for (struct dirent *de; rc == 0 && (de = readdir(d));) {
		int child;
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		child = hr_cg_open_dir(dirfd, de->d_name, err);
		if (child < 0) {
			if (err->errnum == ENOENT)  /* removed meanwhile */
				continue;
			rc = -1;
			break;
		}
		rc = walk_children(child, depth + 1, w, err);
		close(child);
		if (rc == 0)
			rc = w->visit(dirfd, de->d_name, w, err);
	}
	closedir(d);
	return rc;
}

static int collect_child_pids(int parentfd, const char *child, struct cg_walk *w, struct hr_error *err)
{
	_cleanup_free_ char *procs = NULL;
	_cleanup_close_ int fd = hr_cg_open_dir(parentfd, child, err);

	if (fd < 0)
		return err->errnum == ENOENT ? 0 : -1;
	if (hr_cg_read(fd, "cgroup.procs", &procs, err) < 0)
		return -1;
	add_pids(procs, w->pids, w->n);
	return 0;
}

static int collect_pids(int dirfd, pid_t **pids, size_t *n, struct hr_error *err)
{
	_cleanup_free_ char *procs = NULL;
	struct cg_walk w = { .visit = collect_child_pids, .pids = pids, .n = n };

	if (hr_cg_read(dirfd, "cgroup.procs", &procs, err) < 0)
		return -1;
	add_pids(procs, pids, n);
	return walk_children(dirfd, 0, &w, err);
}

int hr_cgroup_pids(struct hr_cgroup *cg, pid_t **pids, size_t *n, struct hr_error *err)
{
	*pids = NULL;
	*n = 0;
	if (collect_pids(cg->dirfd, pids, n, err) < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return hr_error_wrap(err, "cgroup: list processes of %s/%s", cg->mountpoint, cg->path);
	}
	return 0;
}

/* ---- removal -------------------------------------------------------------------- */

static int rmdir_retry(int parentfd, const char *name, struct hr_error *err)
{
	long long deadline = hr_now_ms() + 2000;

	for (;;) {
		if (unlinkat(parentfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		/* EBUSY lingers briefly after the last process exited. */
		if (errno != EBUSY || hr_now_ms() > deadline)
			return hr_error_set(err, errno, "rmdir `%s`", name);
		usleep(10 * 1000);
	}
}

static int remove_child(int parentfd, const char *child, struct cg_walk *w, struct hr_error *err)
{
	(void)w;
	return rmdir_retry(parentfd, child, err);
}

/* Removes the child cgroups below dirfd, deepest first. */
static int remove_children(int dirfd, struct hr_error *err)
{
	struct cg_walk w = { .visit = remove_child };

	return walk_children(dirfd, 0, &w, err);
}

int hr_cgroup_destroy(struct hr_cgroup *cg, struct hr_error *err)
{
	_cleanup_free_ char *display = hr_cg_display(cg, cg->path);
	_cleanup_free_ char *parent = xstrdup(cg->path);
	char *slash = strrchr(parent, '/');
	const char *leaf = slash ? slash + 1 : cg->path;

	if (slash)
		*slash = '\0';
	else
		parent[0] = '\0';
	if (!hr_cg_file_exists(cg->dirfd, "cgroup.procs"))
		return 0;  /* already removed */
	if (hr_cgroup_kill_all(cg, SIGKILL, err) < 0 || hr_cg_wait_event(cg, "populated", 0, 5000, err) < 0 ||
	    remove_children(cg->dirfd, err) < 0)
		return hr_error_wrap(err, "cgroup: destroy %s", display);

	_cleanup_close_ int pfd = open_path(cg->rootfd, parent, err);
	if (pfd < 0 || rmdir_retry(pfd, leaf, err) < 0)
		return hr_error_wrap(err, "cgroup: destroy %s", display);

	/* The default parent "hardrun" goes when it is empty; other ancestors
	 * were not necessarily created by us and stay. */
	slash = strrchr(parent, '/');
	if (strcmp(slash ? slash + 1 : parent, "hardrun") == 0) {
		struct hr_error ignored;
		if (slash)
			*slash = '\0';
		else
			parent[0] = '\0';
		_cleanup_close_ int gfd = open_path(cg->rootfd, parent, &ignored);
		if (gfd >= 0 && unlinkat(gfd, "hardrun", AT_REMOVEDIR) < 0 && errno != EBUSY && errno != ENOENT)
			hr_log_debugf("cgroup: rmdir the empty hardrun parent: %s", strerror(errno));
	}
	return 0;
}
