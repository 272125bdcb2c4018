/* `exec`: a new process inside an existing container. It joins every
 * namespace of the container's init (through its pidfd), its cgroup, and
 * gets the container's seccomp filter plus its own capabilities, AppArmor
 * profile, rlimits and no_new_privs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "hardrun/hardrun.h"
#include "policy/floor.h"
#include "state/state.h"
#include "base/log.h"
#include "base/util.h"
#include "launch/launch.h"

static char **strv_append(char **v, char *const *more)
{
	size_t n = hr_strv_len(v), m = hr_strv_len(more);

	v = xrealloc(v, (n + m + 1) * sizeof(char *));
	for (size_t i = 0; i < m; i++)
		v[n + i] = xstrdup(more[i]);
	v[n + m] = NULL;
	return v;
}

static int parse_user(const char *s, struct hr_user *u, struct hr_error *err)
{
	unsigned long long uid, gid;
	_cleanup_free_ char *copy = xstrdup(s);
	char *colon = strchr(copy, ':');

	if (colon)
		*colon++ = '\0';
	if (!hr_parse_u64(copy, &uid) || uid > UINT32_MAX || (colon && (!hr_parse_u64(colon, &gid) || gid > UINT32_MAX)))
		return hr_error_set(err, 0, "exec: invalid --user \"%s\" (numeric uid[:gid] only)", s);
	u->uid = (uint32_t)uid;
	if (colon)
		u->gid = (uint32_t)gid;
	return 0;
}

static int parse_gids(char *const *gids, struct hr_user *u, struct hr_error *err)
{
	size_t n = hr_strv_len(gids);

	if (!n)
		return 0;
	free(u->additional_gids);
	u->additional_gids = xcalloc(n, sizeof(uint32_t));
	u->n_additional_gids = n;
	for (size_t i = 0; i < n; i++) {
		unsigned long long g;
		if (!hr_parse_u64(gids[i], &g) || g > UINT32_MAX)
			return hr_error_set(err, 0, "exec: invalid --additional-gids \"%s\"", gids[i]);
		u->additional_gids[i] = (uint32_t)g;
	}
	return 0;
}

/* runc's exec without --process: the container's process, changed by flags. */
static int apply_overrides(const struct hr_exec_opts *o, struct hr_process *p, struct hr_error *err)
{
	struct hr_capabilities *c = &p->capabilities;

	if (!o->args || !o->args[0])
		return hr_error_set(err, 0, "exec: give a command, or --process FILE");
	hr_strv_free(p->args);
	p->args = strv_append(NULL, o->args);
	p->terminal = o->tty;
	if (o->cwd) {
		free(p->cwd);
		p->cwd = xstrdup(o->cwd);
	}
	p->env = strv_append(p->env, o->env);
	if (o->user && parse_user(o->user, &p->user, err) < 0)
		return -1;
	if (parse_gids(o->additional_gids, &p->user, err) < 0)
		return -1;
	if (o->caps && o->caps[0]) {
		c->present = true;
		c->bounding = strv_append(c->bounding, o->caps);
		c->effective = strv_append(c->effective, o->caps);
		c->permitted = strv_append(c->permitted, o->caps);
	}
	if (o->no_new_privs)
		p->no_new_privileges = true;
	if (o->apparmor) {
		free(p->apparmor_profile);
		p->apparmor_profile = xstrdup(o->apparmor);
	}
	return 0;
}

/* The container's cgroup, opened to ask the freezer, stays in *cg for the
 * exec (one walk of the cgroup tree instead of two). */
static int check_exec_target(struct hr_container *c, bool ignore_paused, struct hr_cgroup **cg,
			     struct hr_error *err)
{
	enum hr_status s = hr_container_status_cgroup(c, cg);

	if (s == HR_STATUS_RUNNING || s == HR_STATUS_CREATED || (s == HR_STATUS_PAUSED && ignore_paused))
		return 0;
	if (s == HR_STATUS_PAUSED)
		return hr_error_set(err, 0, "cannot exec in a paused container %s: resume it first (or --ignore-paused)", c->id);
	/* runc's words, which the shims know */
	if (s == HR_STATUS_STOPPED)
		return hr_error_set(err, 0, "cannot exec in a stopped container %s: container not running", c->id);
	return hr_error_set(err, 0, "cannot exec in container %s: it is %s", c->id, hr_status_name(s));
}

/* The process to run: --process FILE, or the container's own process
 * (already in *own: see plan_exec) changed by the flags. The container's
 * spec is never written. */
static int load_exec_process(const struct hr_exec_opts *o, struct hr_container *c, struct hr_process *own,
			     struct hr_error *err)
{
	if (o->process_file)
		return hr_process_load_file(o->process_file, own, err) < 0 ? -1
			: hr_policy_container_process(c, own, err);
	/* --cap and the rest first: the container's policy judges the result */
	if (apply_overrides(o, own, err) < 0)
		return -1;
	return hr_policy_container_process(c, own, err);
}

/* exec's lean path (issue 16): create recorded the BPF cache key of the
 * container's filter, so the saved config is read without its seccomp
 * rules (~400 objects: most of the parse) and the filter is taken by that
 * key. Not with a policy, whose floor is derived again from the rules. */
static bool lean_exec_possible(const struct hr_exec_opts *o, struct hr_container *c)
{
	struct hr_policy_record rec;
	struct hr_error ignored = { 0 };
	int recorded;

	if (!c->st.seccomp_key || hr_policy_host_present(o->policy))
		return false;
	recorded = hr_container_load_policy(c, &rec, &ignored);
	hr_policy_record_clear(&rec);
	return recorded == 0;
}

static int read_container_spec(const struct hr_exec_opts *o, struct hr_launch_ctx *x, const struct hr_spec **spec,
			       struct hr_error *err)
{
	_cleanup_free_ char *cache = NULL;
	bool elided = false;
	int r;

	if (!lean_exec_possible(o, x->c))
		return hr_container_spec(x->c, spec, err);
	if (hr_container_spec_lean(x->c, spec, &elided, err) < 0)
		return -1;
	if (!elided)
		return 0;
	cache = hr_launch_seccomp_cache_dir();
	r = hr_seccomp_load_cached((*spec)->linux_.seccomp, cache, x->c->st.seccomp_key, &x->l.seccomp, err);
	if (r < 0)
		return -1;
	if (r == 1) {
		x->l.has_seccomp = x->seccomp_preloaded = true;
		hr_log_debugf("exec: the container's seccomp filter by the cache key create recorded (rules not read)");
		return 0;
	}
	/* the cache entry is gone: the whole config, compiled again */
	hr_spec_free(hr_steal_ptr(x->c->spec));
	return hr_container_spec(x->c, spec, err);
}

/* The container's spec, the process, the checkpoint, then the exec plan. */
static int plan_exec(const struct hr_exec_opts *o, struct hr_launch_ctx *x, struct hr_process *own,
		     struct hr_error *err)
{
	const struct hr_spec *spec;
	struct hr_plan_opts po = { .console_socket = o->console_socket, .preserve_fds = o->preserve_fds };

	/* the container's process as saved, copied before the policy floor is
	 * applied to the container's spec in place (the config is parsed once;
	 * a second parse for this copy cost 0.26 ms per exec) */
	if (read_container_spec(o, x, &spec, err) < 0)
		return -1;
	if (!o->process_file)
		hr_process_copy(own, &spec->process);
	hr_log_step("exec: read the saved config");
	if (hr_policy_container_spec(x->c, &spec, err) < 0)
		return -1;
	if (o->process_label)
		return hr_error_set(err, 0, "exec: --process-label: SELinux is not supported by hardrun");
	if (load_exec_process(o, x->c, own, err) < 0)
		return -1;
	if (own->terminal && !o->console_socket && o->detach)
		return hr_error_set(err, 0, "exec: a terminal with --detach needs --console-socket");
	hr_host_probe(&x->host, own->apparmor_profile);
	if (hr_host_load_floor(&x->host, o->policy, o->root, o->id, false, err) < 0)
		return -1;
	if (x->seccomp_preloaded && x->host.floor) /* appeared since lean_exec_possible */
		return hr_error_set(err, 0, "exec: a host policy appeared while exec started; run it again");
	if (x->host.floor_host)
		x->host.floor_host->seccomp_cache = hr_launch_seccomp_cache_dir();
	hr_log_step("exec: process, host probe, policy floor");
	if (hr_policy_check_exec(spec, own, &x->host, &x->decisions, err) < 0 ||
	    hr_plan_exec(spec, own, &x->host, &po, &x->plan, err) < 0)
		return -1;
	hr_log_step("exec: policy checkpoint and plan");
	x->spec = (struct hr_spec *)spec; /* borrowed: x->spec is reset before the ctx is freed */
	x->bundle = xstrdup(x->c->st.bundle ? x->c->st.bundle : "/");
	x->rootfs = xstrdup(x->c->st.rootfs ? x->c->st.rootfs : "/");
	return 0;
}

/* A container without a new mount namespace lives in a chroot: the
 * exec'd process must enter the same root (the pid was checked just now). */
static int open_target_root(struct hr_launch_ctx *x, struct hr_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/root", (int)x->c->st.pid);
	x->l.target_rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (x->l.target_rootfd < 0 || hr_proc_start_time(x->c->st.pid) != x->c->st.pid_start)
		return hr_error_set(err, errno, "cannot exec in container %s: its root is not reachable", x->c->id);
	return 0;
}

/* The container's cgroup, or with --cgroup an existing sub-cgroup of it
 * (runc's [controller:]path; cgroup v2 has one tree, so the controller
 * part names nothing and is dropped). Never a path out of the container. */
static int open_exec_cgroup(struct hr_launch_ctx *x, const char *sub, struct hr_error *err)
{
	_cleanup_free_ char *path = NULL;
	const char *colon = sub ? strchr(sub, ':') : NULL;

	if (!sub)
		return x->cg ? 0 : hr_container_open_cgroup(x->c, &x->cg, err);
	if (x->cg) { /* the container's own, from check_exec_target */
		hr_cgroup_free(x->cg);
		x->cg = NULL;
	}
	if (colon)
		sub = colon + 1;
	if (!*sub || *sub == '/' || strcmp(sub, "..") == 0 || strncmp(sub, "../", 3) == 0 || strstr(sub, "/../") ||
	    (strlen(sub) >= 3 && strcmp(sub + strlen(sub) - 3, "/..") == 0))
		return hr_error_set(err, 0, "exec: --cgroup \"%s\" must be a path inside the container's cgroup", sub);
	path = xasprintf("%s/%s", x->c->st.cgroup_path, sub);
	return hr_cgroup_open(path, &x->cg, err);
}

static int open_exec_target(struct hr_launch_ctx *x, const char *sub_cgroup, struct hr_error *err)
{
	x->l.target_pidfd = (int)syscall(SYS_pidfd_open, x->c->st.pid, 0);
	if (x->l.target_pidfd < 0 || hr_proc_start_time(x->c->st.pid) != x->c->st.pid_start)
		return hr_error_set(err, 0, "cannot exec in container %s: it is not running", x->c->id);
	if (x->plan.enter_target_root && open_target_root(x, err) < 0)
		return -1;
	if (hr_launch_compile_seccomp(x, err) < 0)
		return -1;
	hr_log_step("exec: seccomp filter (compiled or cached)");
	if (x->c->st.cgroup_path && open_exec_cgroup(x, sub_cgroup, err) < 0)
		return hr_error_wrap(err, "cgroup of container %s", x->c->id);
	return 0;
}

int hr_lifecycle_exec(const struct hr_exec_opts *o, struct hr_created *out, struct hr_error *err)
{
	struct hr_launch_ctx x = { .id = o->id, .pidfd = -1, .sync_fd = -1, .console_master = -1,
				   .l = { .fifo_fd = -1, .target_rootfd = -1, .console_sock = -1, .listener_sock = -1,
					 .finish_fd = -1, .target_pidfd = -1 } };
	struct hr_process own = { 0 };
	int rc;

	for (int t = 0; t < HR_NS_COUNT; t++)
		x.l.joins.fds[t] = -1;
	rc = hr_container_load(o->root, o->id, &x.c, err);
	hr_log_step("exec: start, state of the container");
	if (rc == 0)
		rc = check_exec_target(x.c, o->ignore_paused, &x.cg, err);
	if (rc == 0)
		rc = plan_exec(o, &x, &own, err);
	if (rc == 0)
		rc = open_exec_target(&x, o->cgroup, err);
	/* a frozen container's new process waits for `resume`, which must be
	 * able to take the lock; the pidfd and cgroup fd pin what we need */
	if (rc == 0 && o->ignore_paused)
		hr_container_unlock(x.c);
	if (rc == 0)
		rc = hr_launch_spawn(&x, err);
	if (rc == 0 && o->pid_file)
		rc = hr_write_pid_file(o->pid_file, x.pid, err);
	if (rc < 0 && x.pid > 0) {
		kill(x.pid, SIGKILL);
		waitpid(x.pid, NULL, 0);
	} else if (rc == 0 && out) {
		out->pid = x.pid;
		out->pidfd = hr_steal_fd(x.pidfd);
		out->console_master = hr_steal_fd(x.console_master);
	}
	if (x.l.target_pidfd >= 0)
		close(x.l.target_pidfd);
	/* the spec belongs to the container */
	x.spec = NULL;
	hr_process_clear(&own);
	hr_launch_ctx_free(&x);
	return rc;
}
