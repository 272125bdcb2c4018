/* `create`, runtime side: spec -> policy checkpoint -> plan -> seccomp
 * (compiled, cached) -> state dir -> cgroup -> execute the plan (spawn.c:
 * clone3, drive the container process to READY). Any failure rolls back
 * all of it. */
#include "launch/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "hardrun/hardrun.h"
#include "policy/floor.h"
#include "base/log.h"
#include "state/state.h"
#include "base/util.h"

static int load_config(struct hr_launch_ctx *x, struct hr_error *err)
{
	char buf[PATH_MAX];
	_cleanup_free_ char *path = NULL;
	const char *bundle = x->o->bundle ? x->o->bundle : ".";

	if (!realpath(bundle, buf))
		return hr_error_set(err, errno, "bundle `%s`", bundle);
	x->bundle = xstrdup(buf);
	if (x->o->config_text) {
		path = xstrdup("sandbox config");
		x->config_text = xstrdup(x->o->config_text);
	} else {
		path = xasprintf("%s/config.json", x->bundle);
		if (hr_read_file_at(AT_FDCWD, path, &x->config_text, NULL, err) < 0)
			return -1;
	}
	if (hr_spec_load_string(x->config_text, path, &x->spec, err) < 0)
		return -1;
	if (!x->spec->has_process)
		return hr_error_set(err, 0, "%s: process: required to create a container", path);
	if (x->spec->root_path[0] == '/')
		x->rootfs = realpath(x->spec->root_path, NULL);
	else {
		_cleanup_free_ char *p = xasprintf("%s/%s", x->bundle, x->spec->root_path);
		x->rootfs = realpath(p, NULL);
	}
	if (!x->rootfs)
		return hr_error_set(err, errno, "%s: root.path: `%s`", path, x->spec->root_path);
	return 0;
}

/* Everything that can be refused is refused before anything is created. */
static int check_policy(struct hr_launch_ctx *x, struct hr_error *err)
{
	struct hr_policy_create_opts po = { .console_socket = x->o->console_socket != NULL,
					    .foreground = x->o->foreground };

	hr_host_probe(&x->host, x->spec->process.apparmor_profile);
	if (hr_host_load_floor(&x->host, x->o->policy, x->o->root, x->o->id, true, err) < 0)
		return -1;
	if (x->host.floor_host)
		x->host.floor_host->seccomp_cache = hr_launch_seccomp_cache_dir();
	return hr_policy_check_create(x->spec, &x->host, &po, &x->decisions, err);
}

static int build_plan(struct hr_launch_ctx *x, struct hr_error *err)
{
	struct hr_plan_opts po = { .console_socket = x->o->console_socket, .no_pivot = x->o->no_pivot,
				   .no_new_keyring = x->o->no_new_keyring, .preserve_fds = x->o->preserve_fds,
				   .seccomp_supervised = x->o->seccomp_supervised,
				   .seccomp_supervisor_sock = x->o->seccomp_supervisor_sock };

	return hr_plan_create(x->spec, &x->host, &po, &x->plan, err);
}

static char *now_rfc3339(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}

/* The cache key exec may take the container's filter by, without reading
 * its rules again: only for the spec's own filter, as compiled, with no
 * policy (exec derives the policy's floor from the rules) and no notify
 * listener. */
static char *lean_exec_key(const struct hr_launch_ctx *x)
{
	const struct hr_seccomp_program *p = &x->l.seccomp;

	if (!x->l.has_seccomp || x->l.seccomp_supervised || x->l.has_seccomp_floor || p->wants_notify ||
	    x->plan.seccomp_listener || x->host.floor || !p->cache_key[0])
		return NULL;
	return xstrdup(p->cache_key);
}

static int make_state(struct hr_launch_ctx *x, struct hr_error *err)
{
	struct hr_state *st;

	if (hr_container_new(x->o->root, x->o->id, &x->c, err) < 0)
		return -1;
	st = &x->c->st;
	st->bundle = xstrdup(x->bundle);
	st->rootfs = xstrdup(x->rootfs);
	st->created = now_rfc3339();
	st->owner = xstrdup("");
	st->annotations = xcalloc(x->spec->n_annotations + 1, sizeof(*st->annotations));
	for (size_t i = 0; i < x->spec->n_annotations; i++) {
		st->annotations[i].key = xstrdup(x->spec->annotations[i].key);
		st->annotations[i].value = xstrdup(x->spec->annotations[i].value);
	}
	st->n_annotations = x->spec->n_annotations;
	/* x->spec is the parse of the text saved here */
	st->hooks = x->spec->has_hooks ? HR_HOOKS_SOME : HR_HOOKS_NONE;
	st->seccomp_key = lean_exec_key(x);
	if (hr_write_file_at(x->c->dirfd, "config.json", x->config_text, strlen(x->config_text), err) < 0)
		return hr_error_wrap(err, "save config");
	/* what the host policy changed: exec and inspect derive the same config */
	if (x->host.floor && hr_policy_save_record(x->c, x->host.floor, &x->decisions, err) < 0)
		return -1;
	/* writable by the container's (possibly remapped) root; umask would strip that */
	if (mkfifoat(x->c->dirfd, "exec.fifo", 0622) < 0 || fchmodat(x->c->dirfd, "exec.fifo", 0622, 0) < 0)
		return hr_error_set(err, errno, "create exec.fifo");
	return 0;
}

/* The path is recorded before the cgroup exists, so `delete --force` finds
 * it whatever happens to state.json. */
/* An existing cgroup with processes in it (runc 1.1 runs a second
 * container there with a warning; so do we, but it is not ours). */
static bool cgroup_has_processes(const char *path)
{
	struct hr_cgroup *cg = NULL;
	struct hr_error ignored = { 0 };
	bool populated = false;

	if (hr_cgroup_open(path, &cg, &ignored) == 0)
		hr_cgroup_is_populated(cg, &populated, &ignored);
	hr_cgroup_free(cg);
	return populated;
}

static int make_cgroup(struct hr_launch_ctx *x, struct hr_error *err)
{
	const struct hr_plan *p = &x->plan;
	char *planned = NULL;

	if (x->o->systemd_cgroup)
		return hr_launch_systemd_cgroup(x, err);
	if (hr_cgroup_plan_path(p->cgroups_path, x->id, &planned, err) < 0)
		return -1;
	x->c->st.cgroup_path = planned;
	/* recorded before we join it, so no delete ever takes it for ours */
	x->c->st.cgroup_shared = cgroup_has_processes(planned);
	if (hr_container_save_record(x->c, err) < 0)
		return -1;
	if (hr_cgroup_create(p->cgroups_path, x->id, p->resources, x->c->st.cgroup_shared ? HR_CGROUP_ALLOW_SHARED : 0,
			     &x->cg, err) < 0) {
		/* rootless without a delegated cgroup: fine as long as no limit was
		 * asked for (a limit that cannot be applied is an error) */
		bool denied = err->errnum == EACCES || err->errnum == EPERM || err->errnum == EROFS;
		if (geteuid() == 0 || !denied || p->limits_requested)
			return -1;
		hr_log_debugf("running without a cgroup: %s", err->msg);
		hr_error_clear(err);
		x->cg = NULL;
		free(x->c->st.cgroup_path);
		x->c->st.cgroup_path = NULL;
		return hr_container_save_record(x->c, err);
	}
	if (strcmp(x->cg->path, planned) != 0)
		return hr_error_set(err, 0, "cgroup: created `%s`, not the recorded `%s`", x->cg->path, planned);
	x->cg->shared |= x->c->st.cgroup_shared;
	return 0;
}

static void rollback(struct hr_launch_ctx *x)
{
	struct hr_error ignored = { 0 };

	if (x->pid > 0) {
		kill(x->pid, SIGKILL);
		waitpid(x->pid, NULL, 0);
	}
	hr_launch_systemd_rollback(x);
	if (x->cg)
		hr_cgroup_destroy(x->cg, &ignored);
	if (x->c)
		hr_container_remove_dir(x->c, &ignored);
	/* a user namespace id range this create took (never another's) */
	if (x->host.floor && x->host.floor->user_namespace.mode == HR_POLICY_INJECT)
		hr_idpool_release(x->o->root, x->o->id, true, &ignored);
	if (x->console_master >= 0)
		close(x->console_master);
	if (x->pidfd >= 0)
		close(x->pidfd);
	x->pidfd = x->console_master = -1;
}

/* create, in order; each one is a --debug step */
static const struct {
	const char *what;
	int (*run)(struct hr_launch_ctx *x, struct hr_error *err);
} create_steps[] = {
	{ "read and validate config.json", load_config },
	{ "policy checkpoint (what the host can enforce: capabilities, AppArmor, sysctls)", check_policy },
	{ "plan (namespaces, id maps, mounts, capability masks, seccomp, cgroup, hooks)", build_plan },
	{ "compile the seccomp filter (BPF cache)", hr_launch_compile_seccomp },
	{ "state directory", make_state },
	{ "cgroup", make_cgroup },
	{ "container process up to READY", hr_launch_spawn },
	{ "systemd scope: its placeholder process goes", hr_launch_systemd_release },
};

int hr_lifecycle_create(const struct hr_create_opts *o, struct hr_created *out, struct hr_error *err)
{
	struct hr_launch_ctx x = { .o = o, .id = o->id, .pid_file = o->pid_file, .pidfd = -1, .sync_fd = -1, .console_master = -1, .placeholder = -1,
				.l = { .fifo_fd = -1, .target_rootfd = -1, .console_sock = -1, .listener_sock = -1,
				       .finish_fd = -1 } };
	int rc;

	for (int t = 0; t < HR_NS_COUNT; t++)
		x.l.joins.fds[t] = -1;
	rc = hr_id_check(o->id, err);
	for (size_t i = 0; rc == 0 && i < HR_ARRAY_SIZE(create_steps); i++) {
		rc = create_steps[i].run(&x, err);
		hr_log_step("create: %s", create_steps[i].what);
	}
	if (rc < 0) {
		hr_launch_explain_oom(x.cg, err);
		rollback(&x);
	} else if (out) {
		out->pid = x.pid;
		out->pidfd = hr_steal_fd(x.pidfd);
		out->console_master = hr_steal_fd(x.console_master);
	}
	if (x.pidfd >= 0)
		close(x.pidfd);
	hr_launch_ctx_free(&x);
	return rc;
}
