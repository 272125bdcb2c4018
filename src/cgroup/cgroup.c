/* cgroup v2: a container's cgroup from creation to removal: resolving and
 * creating it (enabling controllers on the way), opening it from state,
 * placing a process, and destroying it. File I/O is in cgroupfs.c, the
 * controller table in controllers.c, the subtree walk in tree.c. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "base/log.h"
#include "base/util.h"

#define MAX_DEPTH 64

/* ---- creation ------------------------------------------------------------------ */

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
		const char *name = hr_cg_controller_name(c);
		bool needed = want & (1u << c);
		if ((*missing & (1u << c)) || hr_cg_list_has(subtree, name))
			continue;
		if (!hr_cg_list_has(avail, name)) {
			if (!needed)
				continue;
			if (hr_cg_controller_missing(c, display, avail, flags, err) < 0)
				return -1;
			*missing |= 1u << c;
			continue;
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
 * joined only when the caller allows it (and has recorded it as shared, so
 * delete will not kill or remove what is not ours), else refused. */
static int check_existing(struct hr_cgroup *cg, unsigned flags, bool *populated, struct hr_error *err)
{
	_cleanup_free_ char *freeze = NULL, *d = hr_cg_display(cg, cg->path);
	struct hr_error ignored = { 0 };

	if (hr_cg_read(cg->dirfd, "cgroup.freeze", &freeze, &ignored) == 0 && freeze[0] == '1')
		return hr_error_set(err, 0, "cgroup: %s is frozen (cgroup.freeze is 1): thaw it or choose another "
				    "cgroupsPath", d);
	if (hr_cgroup_is_populated(cg, populated, err) < 0)
		return -1;
	if (*populated && !(flags & HR_CGROUP_ALLOW_SHARED))
		return hr_error_set(err, 0, "cgroup: %s already exists and has processes", d);
	if (*populated) {
		hr_log_warnf("cgroup %s already has processes: the container shares it; they are not the "
			     "container's, so kill --all, pause and delete leave them alone", d);
		cg->shared = true;
	}
	return 0;
}

int hr_cgroup_create(const char *cgroups_path, const char *id, const struct hr_resources *res, unsigned flags,
		     struct hr_cgroup **out, struct hr_error *err)
{
	struct hr_cgroup *cg = hr_cg_new();
	_cleanup_free_ char *own = NULL;
	char **created = NULL;
	size_t n_created = 0;
	bool populated = false;
	unsigned want = res ? hr_cg_needed_controllers(res) : 0;

	if (hr_cg_open_root(cg, err) < 0)
		goto fail;
	if ((!cgroups_path || *cgroups_path != '/') && hr_cg_own_path(&own, err) < 0)
		goto fail;
	if (hr_cgroup_resolve_path(cgroups_path, id, own, &cg->path, err) < 0)
		goto fail;
	if (walk_create(cg, want, flags, &created, &n_created, err) < 0)
		goto fail_created;
	if (check_existing(cg, flags, &populated, err) < 0)
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

int hr_cgroup_open(const char *path, struct hr_cgroup **out, struct hr_error *err)
{
	struct hr_cgroup *cg = hr_cg_new();
	_cleanup_free_ char *norm = xstrdup("");

	if (hr_cg_open_root(cg, err) < 0 || hr_cg_append_components(&norm, path ? path : "", "cgroup path", err) < 0)
		goto fail;
	cg->path = hr_steal_ptr(norm);
	if (!*cg->path) {
		hr_error_set(err, 0, "cgroup: refusing to open the root cgroup as a container cgroup");
		goto fail;
	}
	cg->dirfd = hr_cg_open_path(cg->rootfd, cg->path, err);
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

int hr_cgroup_read_file(struct hr_cgroup *cg, const char *name, char **out, struct hr_error *err)
{
	return hr_cg_read(cg->dirfd, name, out, err);
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
	return hr_cg_event_flag(cg, "populated", populated, err);
}

/* ---- removal -------------------------------------------------------------------- */

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
	if (cg->shared || !hr_cg_file_exists(cg->dirfd, "cgroup.procs"))
		return 0;  /* not ours, or already removed */
	if (hr_cgroup_kill_all(cg, SIGKILL, err) < 0 || hr_cg_wait_event(cg, "populated", 0, 5000, err) < 0 ||
	    hr_cg_remove_children(cg->dirfd, err) < 0)
		return hr_error_wrap(err, "cgroup: destroy %s", display);

	_cleanup_close_ int pfd = hr_cg_open_path(cg->rootfd, parent, err);
	if (pfd < 0 || hr_cg_rmdir_retry(pfd, leaf, err) < 0)
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
		_cleanup_close_ int gfd = hr_cg_open_path(cg->rootfd, parent, &ignored);
		if (gfd >= 0 && unlinkat(gfd, "hardrun", AT_REMOVEDIR) < 0 && errno != EBUSY && errno != ENOENT)
			hr_log_debugf("cgroup: rmdir the empty hardrun parent: %s", strerror(errno));
	}
	return 0;
}
