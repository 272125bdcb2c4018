/* A cgroup's subtree: the one walk over descendant cgroups (deepest
 * first), used to list every process and to remove the children. */
#include "cgroup/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "base/util.h"

#define MAX_DEPTH 64

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

int hr_cg_rmdir_retry(int parentfd, const char *name, struct hr_error *err)
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
	return hr_cg_rmdir_retry(parentfd, child, err);
}

/* Removes the child cgroups below dirfd, deepest first. */
int hr_cg_remove_children(int dirfd, struct hr_error *err)
{
	struct cg_walk w = { .visit = remove_child };

	return walk_children(dirfd, 0, &w, err);
}
