/* cgroup v2 freezer and signalling: cgroup.freeze, cgroup.kill, and the
 * cgroup.events notifications they complete with. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "base/util.h"

int hr_cgroup_freeze(struct hr_cgroup *cg, bool frozen, struct hr_error *err)
{
	if (cg->shared)
		return hr_error_set(err, 0, "cgroup: %s/%s has processes that are not the container's: %s it would "
				    "%s them too", cg->mountpoint, cg->path, frozen ? "freezing" : "thawing",
				    frozen ? "freeze" : "thaw");
	if (hr_cg_write(cg->dirfd, "cgroup.freeze", frozen ? "1" : "0", err) < 0 ||
	    hr_cg_wait_event(cg, "frozen", frozen ? 1 : 0, 10000, err) < 0)
		return hr_error_wrap(err, "cgroup: %s %s/%s", frozen ? "freeze" : "thaw", cg->mountpoint, cg->path);
	return 0;
}

int hr_cgroup_is_frozen(struct hr_cgroup *cg, bool *frozen, struct hr_error *err)
{
	return hr_cg_event_flag(cg, "frozen", frozen, err);
}

/* Signals every process of the tree. Freezing first keeps processes from
 * forking children we would miss; the freeze is undone unless the cgroup was
 * already frozen (paused) before. */
static int signal_each(struct hr_cgroup *cg, int sig, struct hr_error *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	bool was_frozen = false;
	int rc = 0;

	if (hr_cgroup_is_frozen(cg, &was_frozen, err) < 0)
		return -1;
	if (!was_frozen && hr_cgroup_freeze(cg, true, err) < 0)
		return -1;
	if (hr_cgroup_pids(cg, &pids, &n, err) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			rc = hr_error_set(err, errno, "cgroup: send signal %d to %d", sig, (int)pids[i]);
	if (!was_frozen) {
		struct hr_error thaw_err;
		if (hr_cgroup_freeze(cg, false, &thaw_err) < 0 && rc == 0) {
			*err = thaw_err;
			rc = -1;
		}
	}
	return rc;
}

int hr_cgroup_kill_all(struct hr_cgroup *cg, int sig, struct hr_error *err)
{
	if (cg->shared)
		return hr_error_set(err, 0, "cgroup: %s/%s has processes that are not the container's: refusing to "
				    "signal them all", cg->mountpoint, cg->path);
	if (sig == SIGKILL && hr_cg_file_exists(cg->dirfd, "cgroup.kill")) {
		if (hr_cg_write(cg->dirfd, "cgroup.kill", "1", err) < 0)
			return hr_error_wrap(err, "cgroup: kill %s/%s", cg->mountpoint, cg->path);
		return 0;
	}
	return signal_each(cg, sig, err);
}
