/* start, kill, delete: operations on an existing container's state. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/query.h"
#include "cgroup/systemd.h"
#include "hardrun/hardrun.h"
#include "container/hooks.h"
#include "base/log.h"
#include "state/state.h"
#include "state/lsm_lease.h"
#include "base/util.h"
#include "launch/launch.h"

void hr_launch_explain_oom(struct hr_cgroup *cg, struct hr_error *err)
{
	struct hr_error ignored = { 0 };
	unsigned long long kills = cg ? hr_cgroup_oom_kills(cg) : 0;
	int64_t max;
	bool unlimited;

	if (!kills)
		return;
	if (hr_cgroup_memory_max(cg, &max, &unlimited, &ignored) == 0 && !unlimited)
		hr_error_wrap(err, "memory.max (%lld bytes) is too small to start the container: the OOM killer "
			      "killed its process (memory.events oom_kill %llu)", (long long)max, kills);
	else
		hr_error_wrap(err, "the OOM killer killed the container process (memory.events oom_kill %llu)", kills);
}

/* Opens the exec fifo and collects the byte the container writes once it
 * is released; polls so a dead container cannot hang us. */
static int release_container(struct hr_container *c, struct hr_error *err)
{
	_cleanup_close_ int fd = openat(c->dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char b;

	if (fd < 0)
		return hr_error_set(err, errno, "open exec.fifo of container %s", c->id);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, 100);
		if (r < 0 && errno != EINTR)
			return hr_error_set(err, errno, "wait for container %s", c->id);
		if (r > 0 && (p.revents & POLLIN) && read(fd, &b, 1) == 1)
			break;
		if ((r > 0 && (p.revents & POLLHUP)) || hr_proc_start_time(c->st.pid) != c->st.pid_start)
			return hr_error_set(err, 0, "container %s exited before it could be started", c->id);
	}
	unlinkat(c->dirfd, "exec.fifo", 0);
	return 0;
}

/* Started and recorded, or neither: "running" is saved before the workload
 * is released, and rolled back if it cannot be. */
int hr_lifecycle_start(const char *root, const char *id, struct hr_error *err)
{
	struct hr_container *c = NULL;
	const struct hr_spec *spec;
	enum hr_status s;
	int rc = -1;

	if (hr_container_load(root, id, &c, err) < 0)
		return -1;
	s = hr_container_status(c);
	if (s != HR_STATUS_CREATED) {
		hr_error_set(err, 0, "cannot start a container that is %s (only a created container can be started)",
			     hr_status_name(s));
		goto out;
	}
	if (hr_container_hooks_spec(c, &spec, err) < 0)
		goto out;
	c->st.started = true;
	if (hr_container_save(c, err) < 0) {
		hr_error_wrap(err, "container %s not started", id);
		goto out;
	}
	if (release_container(c, err) < 0) {
		struct hr_error rb = { 0 };
		struct hr_cgroup *cg = NULL;
		if (c->st.cgroup_path && hr_container_open_cgroup(c, &cg, &rb) == 0)
			hr_launch_explain_oom(cg, err);
		hr_cgroup_free(cg);
		c->st.started = false;
		if (hr_container_save(c, &rb) < 0)
			hr_log_warnf("start failed, and the state could not be rolled back: %s", rb.msg);
		goto out;
	}
	if (spec && spec->has_hooks && spec->hooks.n_poststart) {
		/* the workload may already have exited; the hook still gets its pid */
		_cleanup_free_ char *state = hr_state_json_make(c->id, "running", c->st.pid, c->st.bundle, spec);
		hr_hooks_run_warn("poststart", spec->hooks.poststart, spec->hooks.n_poststart, state);
	}
	rc = 0;
out:
	hr_container_free(c);
	return rc;
}

static int signal_init(struct hr_container *c, int sig, struct hr_error *err)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, c->st.pid, 0);

	/* the pidfd pins the process: re-check it is still ours, then signal it */
	if (pidfd < 0 || hr_proc_start_time(c->st.pid) != c->st.pid_start)
		return hr_error_set(err, 0, "container not running: %s has exited", c->id);
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
		if (errno == ESRCH)
			return hr_error_set(err, 0, "container not running: %s has exited (no such process)", c->id);
		return hr_error_set(err, errno, "signal container %s", c->id);
	}
	return 0;
}

int hr_lifecycle_kill(const char *root, const char *id, int sig, bool all, struct hr_error *err)
{
	struct hr_container *c = NULL;
	struct hr_cgroup *cg = NULL;
	int rc = -1;

	if (hr_container_load(root, id, &c, err) < 0)
		return -1;
	/* runc's words: containerd's shim and podman take "container not
	 * running" to mean the container is already stopped */
	if (hr_container_status(c) == HR_STATUS_STOPPED && !all) {
		hr_error_set(err, 0, "container not running: %s has exited", id);
		goto out;
	}
	if (all && c->st.cgroup_shared) {
		/* others' processes share the cgroup: only ours is signalled */
		hr_log_warnf("container %s shares its cgroup with processes not its own: kill --all signals its "
			     "init only", id);
		rc = signal_init(c, sig, err);
	} else if (all && c->st.cgroup_path) {
		if (hr_cgroup_open(c->st.cgroup_path, &cg, err) == 0)
			rc = hr_cgroup_kill_all(cg, sig, err);
		else if (hr_container_status(c) == HR_STATUS_STOPPED)
			rc = 0; /* nothing left to signal */
	} else {
		rc = signal_init(c, sig, err);
	}
out:
	hr_cgroup_free(cg);
	hr_container_free(c);
	return rc;
}

static int kill_and_reap(struct hr_container *c, struct hr_cgroup *cg, struct hr_error *err)
{
	_cleanup_close_ int pidfd = -1;

	if (hr_proc_start_time(c->st.pid) == c->st.pid_start && c->st.pid > 0) {
		pidfd = (int)syscall(SYS_pidfd_open, c->st.pid, 0);
		if (pidfd >= 0)
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	}
	if (cg && !cg->shared && hr_cgroup_kill_all(cg, SIGKILL, err) < 0)
		return -1;
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		poll(&p, 1, 5000);
	}
	return 0;
}

/* The container's cgroup: the recorded one; when the record is unusable,
 * the default path derived from the id (never a path from state.json). */
static int container_cgroup(struct hr_container *c, struct hr_cgroup **cg, struct hr_error *err)
{
	_cleanup_free_ char *derived = NULL;
	const char *path = c->st.cgroup_path;

	*cg = NULL;
	if (!path && !c->record_ok) {
		if (hr_cgroup_plan_path(NULL, c->id, &derived, err) < 0)
			return -1;
		path = derived;
	}
	if (path && hr_cgroup_open(path, cg, err) < 0) {
		*cg = NULL;
		if (err->errnum != ENOENT)
			return -1;
	}
	if (*cg)
		(*cg)->shared = c->st.cgroup_shared;
	hr_error_clear(err);
	return 0;
}

/* Processes left: the init (by pid and start time) or any in the cgroup. */
static bool has_processes(struct hr_container *c, struct hr_cgroup *cg)
{
	struct hr_error ignored;
	bool populated = false;

	if (c->st.pid > 0 && hr_proc_start_time(c->st.pid) == c->st.pid_start)
		return true;
	return cg && hr_cgroup_is_populated(cg, &populated, &ignored) == 0 && populated;
}

/* --systemd-cgroup: the scope goes with its processes; what systemd cannot
 * be asked (not reachable) does not keep --force from removing the rest. */
static int stop_scope(struct hr_container *c, bool force, struct hr_error *err)
{
	if (!c->st.systemd_unit || hr_systemd_stop(c->st.systemd_unit, c->st.systemd_user, err) == 0)
		return 0;
	if (!force)
		return -1;
	hr_log_warnf("delete --force: %s", err->msg);
	hr_error_clear(err);
	return 0;
}

int hr_lifecycle_delete(const char *root, const char *id, bool force, struct hr_error *err)
{
	struct hr_container *c = NULL;
	struct hr_cgroup *cg = NULL;
	const struct hr_spec *spec = NULL;
	enum hr_status s;
	int rc = -1;

	if (hr_container_open(root, id, HR_OPEN_DAMAGED, &c, err) < 0)
		return -1;
	s = hr_container_status(c);
	if (container_cgroup(c, &cg, err) < 0)
		goto out;
	/* runc: a created container may be deleted; running/paused needs --force */
	if (!force && (s == HR_STATUS_RUNNING || s == HR_STATUS_PAUSED ||
		       (s == HR_STATUS_DAMAGED && has_processes(c, cg)))) {
		hr_error_set(err, 0, "cannot delete container %s that is %s%s: stop it first or use --force", id,
			     hr_status_name(s), s == HR_STATUS_DAMAGED ? " and has processes" : "");
		goto out;
	}
	if (cg && !cg->shared && (s == HR_STATUS_PAUSED || s == HR_STATUS_DAMAGED))
		hr_cgroup_freeze(cg, false, err);
	if (kill_and_reap(c, cg, err) < 0 || stop_scope(c, force, err) < 0)
		goto out;
	if (cg && hr_cgroup_destroy(cg, err) < 0)
		goto out;
	if (!c->damage && c->st.created_done && hr_container_hooks_spec(c, &spec, err) == 0 && spec &&
	    spec->has_hooks && spec->hooks.n_poststop) {
		_cleanup_free_ char *state = hr_state_json_make(c->id, "stopped", c->st.pid, c->st.bundle, spec);
		hr_hooks_run_warn("poststop", spec->hooks.poststop, spec->hooks.n_poststop, state);
	}
	rc = hr_container_remove_dir(c, err);
	/* its user namespace id range, if the policy gave it one (after the dir:
	 * a delete killed in between leaves a stale entry, reclaimed later) */
	if (rc == 0)
		rc = hr_idpool_release(root, id, false, err);
	/* temporary AppArmor profiles whose `profile learn/check` was killed
	 * (its container is the one usually deleted next) */
	if (rc == 0)
		hr_lsm_leases_sweep(root);
out:
	hr_cgroup_free(cg);
	hr_container_free(c);
	return rc;
}
