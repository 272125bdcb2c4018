/* `create`, runtime side: spec -> checks -> state dir -> cgroup -> clone3
 * -> drive the container process to READY. Any failure rolls back all of it. */
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

#include "apparmor/apparmor.h"
#include "container/capabilities.h"
#include "cgroup/cgroup.h"
#include "container/console.h"
#include "hardrun/hardrun.h"
#include "container/hooks.h"
#include "base/log.h"
#include "rootfs/rootfs.h"
#include "state/state.h"
#include "container/sync.h"
#include "base/util.h"

static int load_config(struct hr_launch_ctx *x, struct hr_error *err)
{
	char buf[PATH_MAX];
	_cleanup_free_ char *path = NULL;
	const char *bundle = x->o->bundle ? x->o->bundle : ".";

	if (!realpath(bundle, buf))
		return hr_error_set(err, errno, "bundle `%s`", bundle);
	x->bundle = xstrdup(buf);
	path = xasprintf("%s/config.json", x->bundle);
	if (hr_read_file_at(AT_FDCWD, path, &x->config_text, NULL, err) < 0)
		return -1;
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
static int validate_host(struct hr_launch_ctx *x, struct hr_error *err)
{
	const struct hr_process *p = &x->spec->process;

	if (p->terminal && !x->o->console_socket && !x->o->foreground)
		return hr_error_set(err, 0, "process.terminal is true: use --console-socket (or `run` in the foreground)");
	if (!p->terminal && x->o->console_socket)
		return hr_error_set(err, 0, "--console-socket given but process.terminal is false");
	if (x->spec->linux_.n_net_devices)
		return hr_error_set(err, 0, "linux.netDevices is not supported by hardrun: refusing to run the "
					    "container without the network devices it asks for");
	if (hr_caps_validate(&p->capabilities, err) < 0 || hr_sysctl_validate(x->spec, err) < 0 ||
	    hr_rootfs_validate(x->spec, err) < 0)
		return -1;
	if (p->apparmor_profile && hr_apparmor_check_profile(p->apparmor_profile, err) < 0)
		return -1;
	if (x->spec->linux_.seccomp && hr_launch_compile_seccomp(x, err) < 0)
		return -1;
	return 0;
}

/* The BPF cache is not container state: it lives outside --root, so that
 * nothing listing the root finds it (root: /var/cache/hardrun/seccomp;
 * others: $XDG_CACHE_HOME or ~/.cache, then hardrun/seccomp). It decides
 * what filter a container gets, so it is used only in a directory that is
 * ours and private (the state root's checks); otherwise nothing is cached. */
static char *seccomp_cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *dir = NULL;
	struct hr_error ignored = { 0 };
	int fd;

	if (geteuid() == 0)
		dir = xstrdup("/var/cache/hardrun/seccomp");
	else if (xdg && *xdg == '/')
		dir = xasprintf("%s/hardrun/seccomp", xdg);
	else if (home && *home == '/')
		dir = xasprintf("%s/.cache/hardrun/seccomp", home);
	else
		return NULL;
	fd = hr_state_root_open(dir, true, &ignored);
	if (fd < 0) {
		hr_log_debugf("seccomp cache not used: %s", ignored.msg);
		return NULL;
	}
	close(fd);
	return hr_steal_ptr(dir);
}

int hr_launch_compile_seccomp(struct hr_launch_ctx *x, struct hr_error *err)
{
	_cleanup_free_ char *cache = seccomp_cache_dir();

	if (hr_seccomp_compile(x->spec->linux_.seccomp, cache, &x->l.seccomp, err) < 0)
		return -1;
	x->l.has_seccomp = true;
	return 0;
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
	if (hr_write_file_at(x->c->dirfd, "config.json", x->config_text, strlen(x->config_text), err) < 0)
		return hr_error_wrap(err, "save config");
	/* writable by the container's (possibly remapped) root; umask would strip that */
	if (mkfifoat(x->c->dirfd, "exec.fifo", 0622) < 0 || fchmodat(x->c->dirfd, "exec.fifo", 0622, 0) < 0)
		return hr_error_set(err, errno, "create exec.fifo");
	return 0;
}

static bool resources_requested(const struct hr_linux *l)
{
	const struct hr_resources *r = &l->resources;

	return l->has_resources && (r->has_memory || r->has_cpu || r->has_pids || r->has_block_io ||
				    r->n_hugepage_limits || r->n_unified);
}

/* The path is recorded before the cgroup exists, so `delete --force` finds
 * it whatever happens to state.json. */
static int make_cgroup(struct hr_launch_ctx *x, struct hr_error *err)
{
	const struct hr_linux *l = &x->spec->linux_;
	char *planned = NULL;

	if (hr_cgroup_plan_path(l->cgroups_path, x->o->id, &planned, err) < 0)
		return -1;
	x->c->st.cgroup_path = planned;
	if (hr_container_save_record(x->c, err) < 0)
		return -1;
	if (hr_cgroup_create(l->cgroups_path, x->o->id, l->has_resources ? &l->resources : NULL, 0, &x->cg, err) < 0) {
		/* rootless without a delegated cgroup: fine as long as no limit was
		 * asked for (a limit that cannot be applied is an error) */
		bool denied = err->errnum == EACCES || err->errnum == EPERM || err->errnum == EROFS;
		if (geteuid() == 0 || !denied || resources_requested(l))
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
	return 0;
}

static int plan_launch(struct hr_launch_ctx *x, int sync_fds[2], struct hr_error *err)
{
	struct hr_launch *l = &x->l;
	int new_flags = hr_ns_new_flags(x->spec);

	l->spec = x->spec;
	l->process = x->process ? x->process : &x->spec->process;
	l->id = x->o->id;
	l->bundle = x->bundle;
	l->rootfs = x->rootfs;
	l->sync_fd = sync_fds[1];
	l->parent_sync_fd = sync_fds[0];
	l->lock_fd = x->c->dirfd;
	l->preserve_fds = x->o->preserve_fds;
	l->no_pivot = x->o->no_pivot;
	l->no_new_keyring = x->o->no_new_keyring;
	l->new_userns = new_flags & CLONE_NEWUSER;
	l->console_sock = -1;
	l->listener_sock = -1;
	l->runtime_pid = getpid();
	if (!l->exec_mode) {
		l->fifo_fd = openat(x->c->dirfd, "exec.fifo", O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (l->fifo_fd < 0)
			return hr_error_set(err, errno, "open exec.fifo");
	}
	if (l->exec_mode) {
		l->new_userns = false;
		l->needs_fork = hr_spec_find_ns(x->spec, HR_NS_PID) != NULL;
	} else if (hr_ns_open_joins(x->spec, &l->joins, err) < 0) {
		return -1;
	}
	if (l->joins.count) {
		l->unshare_flags = new_flags & ~CLONE_NEWTIME;
		l->needs_fork = (new_flags & CLONE_NEWPID) || l->joins.fds[HR_NS_PID] >= 0;
	}
	if (x->o->console_socket) {
		l->console_sock = hr_unix_connect(x->o->console_socket, err);
		if (l->console_sock < 0)
			return hr_error_wrap(err, "console socket");
	}
	if (l->has_seccomp && x->spec->linux_.seccomp->listener_path) {
		l->listener_sock = hr_unix_connect(x->spec->linux_.seccomp->listener_path, err);
		if (l->listener_sock < 0)
			return hr_error_wrap(err, "seccomp listener");
	}
	return 0;
}

static pid_t clone_container(struct hr_launch_ctx *x, bool *in_cgroup, struct hr_error *err)
{
	struct clone_args args = { .exit_signal = SIGCHLD, .pidfd = (uint64_t)(uintptr_t)&x->pidfd };
	pid_t pid;

	args.flags = CLONE_PIDFD;
	if (!x->l.joins.count && !x->l.exec_mode)
		args.flags |= (unsigned)(hr_ns_new_flags(x->spec) & ~CLONE_NEWTIME);
	if (x->cg) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)x->cg->dirfd;
	}
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && x->cg && (errno == EINVAL || errno == E2BIG || errno == EBADF)) {
		/* older kernel: join the cgroup from outside before the child proceeds */
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		args.cgroup = 0;
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
		*in_cgroup = false;
	} else {
		*in_cgroup = x->cg != NULL;
	}
	if (pid < 0)
		return hr_error_set(err, errno, "clone3 container process");
	if (pid == 0)
		hr_init_container(&x->l);
	return pid;
}

/* Configures the child from outside, then lets it proceed. */
static int setup_child(struct hr_launch_ctx *x, bool in_cgroup, struct hr_error *err)
{
	const struct hr_process *p = x->l.process;

	if (x->cg && !in_cgroup && hr_cgroup_enter(x->cg, x->pid, err) < 0)
		return -1;
	if (x->l.new_userns && !x->l.joins.count && hr_ns_write_id_maps(x->pid, x->spec, err) < 0)
		return hr_error_wrap(err, "write id maps");
	if (p->has_oom_score_adj) {
		char path[64], val[32];
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)x->pid);
		snprintf(val, sizeof(val), "%d", p->oom_score_adj);
		if (hr_write_existing_at(AT_FDCWD, path, val, err) < 0)
			return hr_error_wrap(err, "set oomScoreAdj");
	}
	if (hr_sync_send(x->sync_fd, HR_SYNC_MAPS_DONE, x->pid, NULL, -1) < 0)
		return hr_error_set(err, errno, "signal container process");
	return 0;
}

static int run_runtime_hooks(struct hr_launch_ctx *x, struct hr_error *err)
{
	const struct hr_hooks *h = &x->spec->hooks;
	_cleanup_free_ char *state = hr_state_json_make(x->o->id, "creating", x->pid, x->bundle, x->spec);
	/* the deprecated prestart sees "created", as crun sends and the
	 * runtime-tools validation expects */
	_cleanup_free_ char *prestart = hr_state_json_make(x->o->id, "created", x->pid, x->bundle, x->spec);

	if (hr_hooks_run("prestart", h->prestart, h->n_prestart, prestart, err) < 0 ||
	    hr_hooks_run("createRuntime", h->create_runtime, h->n_create_runtime, state, err) < 0)
		return -1;
	if (hr_sync_send(x->sync_fd, HR_SYNC_HOOKS_DONE, 0, NULL, -1) < 0)
		return hr_error_set(err, errno, "signal container process");
	return 0;
}

/* The init pid and its start time, in the record before the process runs
 * on (a recycled pid has another start time, so it is never killed). */
static int record_pid(struct hr_launch_ctx *x, struct hr_error *err)
{
	x->c->st.pid = x->pid;
	x->c->st.pid_start = hr_proc_start_time(x->pid);
	return hr_container_save_record(x->c, err);
}

/* Serves the container process's requests until it reports READY. */
static int drive_child(struct hr_launch_ctx *x, struct hr_error *err)
{
	struct hr_sync_msg msg;
	int fd;

	for (;;) {
		if (hr_sync_recv(x->sync_fd, &msg, &fd, err) < 0)
			return -1;
		switch (msg.type) {
		case HR_SYNC_ERROR:
			hr_error_set(err, 0, "%s", msg.text);
			err->errnum = msg.value;
			return -1;
		case HR_SYNC_USERNS_READY:
			if (hr_ns_write_id_maps(x->pid, x->spec, err) < 0)
				return hr_error_wrap(err, "write id maps");
			hr_log_step("runtime: id maps written");
			if (hr_sync_send(x->sync_fd, HR_SYNC_MAPS_DONE, x->pid, NULL, -1) < 0)
				return hr_error_set(err, errno, "signal container process");
			break;
		case HR_SYNC_PID:
			/* the pid-namespace fork: the grandchild is the container */
			waitpid(x->pid, NULL, 0);
			if (x->pidfd >= 0)
				close(x->pidfd);
			x->pid = msg.value;
			x->pidfd = (int)syscall(SYS_pidfd_open, x->pid, 0);
			if (!x->l.exec_mode && record_pid(x, err) < 0)
				return -1;
			break;
		case HR_SYNC_HOOKS:
			if (run_runtime_hooks(x, err) < 0)
				return -1;
			hr_log_step("runtime: prestart and createRuntime hooks");
			break;
		case HR_SYNC_CONSOLE:
			x->console_master = fd;
			break;
		case HR_SYNC_READY:
			return 0;
		default:
			return hr_error_set(err, 0, "protocol error: unexpected message %u", msg.type);
		}
	}
}

int hr_write_pid_file(const char *path, pid_t pid, struct hr_error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	/* atomic: a reader never sees a half-written pid */
	if (hr_write_file_atomic_at(AT_FDCWD, path, buf, (size_t)n, err) < 0)
		return hr_error_wrap(err, "write pid file");
	return 0;
}

int hr_launch_spawn(struct hr_launch_ctx *x, struct hr_error *err)
{
	int fds[2];
	bool in_cgroup;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return hr_error_set(err, errno, "socketpair");
	x->sync_fd = fds[0];
	if (plan_launch(x, fds, err) < 0) {
		close(fds[1]);
		return -1;
	}
	hr_log_step("runtime: plan (sync socket, fifo, namespaces to join)");
	x->pid = clone_container(x, &in_cgroup, err);
	close(fds[1]);
	if (x->pid < 0)
		return -1;
	hr_log_step("runtime: clone3 the container process (pid %d)", (int)x->pid);
	if (x->l.exec_mode)
		return setup_child(x, in_cgroup, err) < 0 || drive_child(x, err) < 0 ||
		       hr_sync_wait_exec(x->sync_fd, err) < 0 ? -1 : 0;
	/* recorded before the child runs, so a killed create can be cleaned up */
	if (record_pid(x, err) < 0 || hr_container_save(x->c, err) < 0 || setup_child(x, in_cgroup, err) < 0 ||
	    drive_child(x, err) < 0)
		return -1;
	x->c->st.created_done = true;
	if (hr_container_save(x->c, err) < 0)
		return -1;
	if (x->o->pid_file && hr_write_pid_file(x->o->pid_file, x->pid, err) < 0)
		return -1;
	return 0;
}

static void rollback(struct hr_launch_ctx *x)
{
	struct hr_error ignored = { 0 };

	if (x->pid > 0) {
		kill(x->pid, SIGKILL);
		waitpid(x->pid, NULL, 0);
	}
	if (x->cg)
		hr_cgroup_destroy(x->cg, &ignored);
	if (x->c)
		hr_container_remove_dir(x->c, &ignored);
	if (x->console_master >= 0)
		close(x->console_master);
	if (x->pidfd >= 0)
		close(x->pidfd);
	x->pidfd = x->console_master = -1;
}

void hr_launch_ctx_free(struct hr_launch_ctx *x)
{
	hr_ns_join_close(&x->l.joins);
	if (x->l.fifo_fd >= 0)
		close(x->l.fifo_fd);
	if (x->l.target_rootfd >= 0)
		close(x->l.target_rootfd);
	if (x->l.console_sock >= 0)
		close(x->l.console_sock);
	if (x->l.listener_sock >= 0)
		close(x->l.listener_sock);
	if (x->sync_fd >= 0)
		close(x->sync_fd);
	hr_seccomp_program_clear(&x->l.seccomp);
	hr_cgroup_free(x->cg);
	hr_container_free(x->c);
	hr_spec_free(x->spec);
	free(x->config_text);
	free(x->bundle);
	free(x->rootfs);
}

/* create, in order; each one is a --debug step */
static const struct {
	const char *what;
	int (*run)(struct hr_launch_ctx *x, struct hr_error *err);
} create_steps[] = {
	{ "read and validate config.json", load_config },
	{ "check what the host can enforce (capabilities, AppArmor, seccomp)", validate_host },
	{ "state directory", make_state },
	{ "cgroup", make_cgroup },
	{ "container process up to READY", hr_launch_spawn },
};

int hr_lifecycle_create(const struct hr_create_opts *o, struct hr_created *out, struct hr_error *err)
{
	struct hr_launch_ctx x = { .o = o, .pidfd = -1, .sync_fd = -1, .console_master = -1,
				.l = { .fifo_fd = -1, .target_rootfd = -1, .console_sock = -1, .listener_sock = -1 } };
	int rc;

	for (int t = 0; t < HR_NS_COUNT; t++)
		x.l.joins.fds[t] = -1;
	rc = hr_id_check(o->id, err);
	for (size_t i = 0; rc == 0 && i < HR_ARRAY_SIZE(create_steps); i++) {
		rc = create_steps[i].run(&x, err);
		hr_log_step("create: %s", create_steps[i].what);
	}
	if (rc < 0) {
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
