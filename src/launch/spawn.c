/* Executing a plan, for create and exec alike: open what it names, clone3
 * the container process with the handoff, configure it from outside (id
 * maps, cgroup, oom_score_adj) and serve its requests until READY. */
#include "launch/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "container/cpu_pin.h"
#include "container/exec_finish.h"
#include "container/hooks.h"
#include "container/namespaces.h"
#include "container/sync.h"
#include "base/log.h"
#include "launch/selfexe.h"
#include "state/state.h"
#include "base/util.h"

/* The BPF cache is not container state: it lives outside --root, so that
 * nothing listing the root finds it (root: /var/cache/hardrun/seccomp;
 * others: $XDG_CACHE_HOME or ~/.cache, then hardrun/seccomp). It decides
 * what filter a container gets, so it is used only in a directory that is
 * ours and private (the state root's checks); otherwise nothing is cached. */
char *hr_launch_seccomp_cache_dir(void)
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

/* profile learn/check (issue 14): the plan's supervised program, copied */
static int supervised_seccomp(struct hr_launch_ctx *x)
{
	const struct hr_seccomp_program *p = x->plan.opts.seccomp_supervised;

	x->l.seccomp = *p;
	x->l.seccomp.filter = xmalloc(p->n_insns * sizeof(struct sock_filter));
	memcpy(x->l.seccomp.filter, p->filter, p->n_insns * sizeof(struct sock_filter));
	x->l.has_seccomp = true;
	x->l.seccomp_supervised = true;
	x->l.supervisor_unprivileged = geteuid() != 0;
	return 0;
}

int hr_launch_compile_seccomp(struct hr_launch_ctx *x, struct hr_error *err)
{
	_cleanup_free_ char *cache = NULL;

	if (x->seccomp_preloaded) /* only for the container's own filter, unsupervised */
		return x->plan.seccomp && x->plan.seccomp->syscalls_elided && !x->plan.opts.seccomp_supervised
			? 0 : hr_error_set(err, 0, "exec: the cached seccomp filter does not fit the plan");
	if (!x->plan.seccomp)
		return x->plan.opts.seccomp_supervised ? supervised_seccomp(x) : 0;
	cache = hr_launch_seccomp_cache_dir();
	if (x->plan.opts.seccomp_supervised) { /* the policy's floor, beneath the supervised filter */
		if (hr_seccomp_compile(x->plan.seccomp, cache, &x->l.seccomp_floor, err) < 0)
			return -1;
		x->l.has_seccomp_floor = true;
		return supervised_seccomp(x);
	}
	if (hr_seccomp_compile(x->plan.seccomp, cache, &x->l.seccomp, err) < 0)
		return -1;
	x->l.has_seccomp = true;
	return 0;
}

/* Opens what the plan names: the namespaces to join, exec.fifo, the
 * console socket and the seccomp listener. */
static int open_plan_fds(struct hr_launch_ctx *x, struct hr_error *err)
{
	const struct hr_plan *p = &x->plan;
	struct hr_launch *l = &x->l;

	if (p->wait_for_start) {
		l->fifo_fd = openat(x->c->dirfd, "exec.fifo", O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (l->fifo_fd < 0)
			return hr_error_set(err, errno, "open exec.fifo");
	}
	if (hr_ns_open_paths(p->join_paths, &l->joins, err) < 0)
		return -1;
	if (p->host_side_sources && hr_rootfs_open_sources(x->spec, x->bundle, x->rootfs, &l->sources, err) < 0)
		return -1;
	if (p->opts.console_socket) {
		l->console_sock = hr_unix_connect(p->opts.console_socket, err);
		if (l->console_sock < 0)
			return hr_error_wrap(err, "console socket");
	}
	if (l->seccomp_supervised) { /* profile learn/check (issue 14) */
		l->listener_sock = fcntl(p->opts.seccomp_supervisor_sock, F_DUPFD_CLOEXEC, 3);
		if (l->listener_sock < 0)
			return hr_error_set(err, errno, "seccomp supervisor socket");
	} else if (l->has_seccomp && p->seccomp_listener) {
		l->listener_sock = hr_unix_connect(p->seccomp_listener, err);
		if (l->listener_sock < 0)
			return hr_error_wrap(err, "seccomp listener");
	}
	return 0;
}

/* The handoff the container process gets: the plan (its fds come next). */
static void fill_handoff(struct hr_launch_ctx *x, int sync_fds[2])
{
	const struct hr_plan *p = &x->plan;
	struct hr_launch *l = &x->l;

	l->spec = x->spec;
	l->process = p->process;
	l->id = x->id;
	l->bundle = x->bundle;
	l->rootfs = x->rootfs;
	l->sync_fd = sync_fds[1];
	l->parent_sync_fd = sync_fds[0];
	l->lock_fd = x->c->dirfd;
	l->preserve_fds = p->opts.preserve_fds;
	l->no_pivot = p->opts.no_pivot;
	l->no_new_keyring = p->opts.no_new_keyring;
	l->new_userns = p->new_userns;
	l->unshare_flags = p->unshare_flags;
	l->needs_fork = p->needs_fork;
	l->join_target = p->exec;
	l->join_flags = p->join_target_flags;
	l->wait_for_start = p->wait_for_start;
	l->runtime_pid = getpid();
}

static pid_t clone3_into_cgroup(struct hr_launch_ctx *x, bool *in_cgroup)
{
	struct clone_args args = { .exit_signal = SIGCHLD, .pidfd = (uint64_t)(uintptr_t)&x->pidfd };
	pid_t pid;

	args.flags = CLONE_PIDFD;
	args.flags |= (unsigned)x->plan.clone_ns_flags;
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
	return pid;
}

/* With host-side sources the child starts in the rootfs directory: the
 * kernel carries the cwd into its new mount namespace, where the rootfs
 * tree is attached onto it (hr_rootfs_prepare). Our own cwd is restored. */
static pid_t clone_container(struct hr_launch_ctx *x, bool *in_cgroup, struct hr_error *err)
{
	_cleanup_close_ int saved = -1;
	pid_t pid;

	if (x->l.sources.open) {
		saved = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (saved < 0 || chdir(x->rootfs) < 0)
			return hr_error_set(err, errno, "chdir to rootfs \"%s\"", x->rootfs);
	}
	pid = clone3_into_cgroup(x, in_cgroup);
	if (pid == 0)
		hr_init_container(&x->l);
	if (pid < 0)
		hr_error_set(err, errno, "clone3 container process");
	if (saved >= 0 && fchdir(saved) < 0 && pid > 0) {
		/* the runtime's relative paths (--pid-file) would go wrong */
		hr_error_set(err, errno, "restore the working directory");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
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
	_cleanup_free_ char *state = hr_state_json_make(x->id, "creating", x->pid, x->bundle, x->spec);
	/* the deprecated prestart sees "created", as crun sends and the
	 * runtime-tools validation expects */
	_cleanup_free_ char *prestart = hr_state_json_make(x->id, "created", x->pid, x->bundle, x->spec);

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
			if (!x->plan.exec && record_pid(x, err) < 0)
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

/* Under a tiny memory.max, the charge stock the setup left on the CPU the
 * container process is pinned to (container/cpu_pin.c) goes back to the
 * counter before READY, so that the workload can use the whole limit on
 * any CPU (cgroup/charge_stock.c). The drain takes effect on the writer's
 * CPU only, so the runtime runs there for it. Before created_done: a
 * create killed in between is cleaned up like any other. */
static int drain_charge_stock(struct hr_launch_ctx *x, struct hr_error *err)
{
	struct hr_error ignored = { 0 };
	int cpu, rc = 0;

	if (!x->plan.drain_charge_stock || !x->cg)
		return 0;
	/* someone else's processes run there: its memory.high is not ours to
	 * lower, however briefly */
	if (x->cg->shared) {
		hr_log_debugf("runtime: the memory charge stock stays: the cgroup is shared");
		return 0;
	}
	/* not pinned: one CPU, where the kernel drains synchronously anyway */
	cpu = hr_cpu_pinned(x->pid);
	if (cpu < 0)
		return 0;
	if (hr_cpu_pin_to(cpu)) {
		rc = hr_cgroup_drain_charge_stock(x->cg, err);
		hr_log_step("runtime: memory charge stock of CPU %d drained", cpu);
	} else {
		hr_log_debugf("runtime: the memory charge stock stays: cannot run on CPU %d", cpu);
	}
	/* our affinity as it would have been, as the container process gets */
	if (hr_cpu_unpin(rc < 0 ? &ignored : err) < 0)
		rc = -1;
	return rc;
}

/* The process cloned next must never reach a container with hardrun's
 * host file as its image: exec may end through hardrun-exec-finish;
 * otherwise the image is made anonymous now (create and run did that when
 * they started, selfexe.c). */
static int protect_image(struct hr_launch_ctx *x, struct hr_error *err)
{
	if (x->plan.exec) {
		bool userns = x->l.join_flags & CLONE_NEWUSER;
		struct hr_exec_finish_target t = {
			.listener = x->plan.seccomp_listener != NULL,
			.maps_runtime_ids = userns && hr_ns_maps_own_ids(x->c->st.pid),
			.suid_dumpable = userns && hr_exec_finish_suid_dumpable(),
		};
		x->l.finish_fd = hr_exec_finish_prepare(&x->l, &t);
	}
	if (x->l.finish_fd >= 0) {
		hr_log_debugf("exec: ends through hardrun-exec-finish (a sealed memfd), no copy of hardrun");
		return 0;
	}
	return hr_selfexe_ensure_protected_late(err);
}

/* exec into a container with a user namespace of its own: none of its
 * processes can reach a non-dumpable process of ours, whose memory belongs
 * to our user namespace (container/exec_finish.c). Then the runtime itself
 * joins the container's pid namespace for its children, and the exec
 * process is cloned straight into it instead of forking once more after
 * its setns: one fork and one exit less. Non-dumpable first, so that the
 * process is born so. (Without a user namespace, a container granted
 * CAP_SYS_PTRACE could reach it while it still has the host's mount
 * namespace: CVE-2016-9962.) A runtime without CAP_SYS_ADMIN in its own
 * user namespace (rootless) may not join it: its process forks as before. */
static int clone_into_pid_ns(struct hr_launch_ctx *x, struct hr_error *err)
{
	const int both = CLONE_NEWUSER | CLONE_NEWPID;

	if (!x->plan.exec || !x->l.needs_fork || (x->l.join_flags & both) != both)
		return 0;
	if (setns(x->l.target_pidfd, CLONE_NEWPID) < 0) {
		hr_log_debugf("exec: the runtime cannot join the pid namespace itself (%m): its process forks into it");
		return 0;
	}
	/* we ourselves are not in that namespace: only the child is */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return hr_error_set(err, errno, "prctl(PR_SET_DUMPABLE, 0)");
	x->l.join_flags &= ~CLONE_NEWPID;
	x->l.needs_fork = false;
	return 0;
}

int hr_launch_spawn(struct hr_launch_ctx *x, struct hr_error *err)
{
	int fds[2];
	bool in_cgroup = false;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return hr_error_set(err, errno, "socketpair");
	x->sync_fd = fds[0];
	fill_handoff(x, fds);
	/* before anything outside sees us (the console socket, a listener):
	 * protecting the image may re-execute hardrun from the start */
	if (protect_image(x, err) < 0 || open_plan_fds(x, err) < 0 || clone_into_pid_ns(x, err) < 0) {
		close(fds[1]);
		return -1;
	}
	hr_log_step("runtime: execute the plan (sync socket, fifo, namespaces to join)");
	x->pid = clone_container(x, &in_cgroup, err);
	close(fds[1]);
	if (x->pid < 0)
		return -1;
	hr_log_step("runtime: clone3 the container process (pid %d)", (int)x->pid);
	if (x->plan.exec)
		return setup_child(x, in_cgroup, err) < 0 || drive_child(x, err) < 0 ||
		       hr_sync_wait_exec(x->sync_fd, err) < 0 ? -1 : 0;
	/* recorded before the child runs, so a killed create can be cleaned up */
	if (record_pid(x, err) < 0 || hr_container_save(x->c, err) < 0 || setup_child(x, in_cgroup, err) < 0 ||
	    drive_child(x, err) < 0 || drain_charge_stock(x, err) < 0)
		return -1;
	x->c->st.created_done = true;
	if (hr_container_save(x->c, err) < 0)
		return -1;
	if (x->pid_file && hr_write_pid_file(x->pid_file, x->pid, err) < 0)
		return -1;
	return 0;
}

void hr_launch_ctx_free(struct hr_launch_ctx *x)
{
	hr_ns_join_close(&x->l.joins);
	hr_rootfs_sources_close(&x->l.sources);
	if (x->l.fifo_fd >= 0)
		close(x->l.fifo_fd);
	if (x->l.finish_fd >= 0)
		close(x->l.finish_fd);
	if (x->l.target_rootfd >= 0)
		close(x->l.target_rootfd);
	if (x->l.console_sock >= 0)
		close(x->l.console_sock);
	if (x->l.listener_sock >= 0)
		close(x->l.listener_sock);
	if (x->sync_fd >= 0)
		close(x->sync_fd);
	hr_seccomp_program_clear(&x->l.seccomp);
	hr_seccomp_program_clear(&x->l.seccomp_floor);
	hr_cgroup_free(x->cg);
	hr_container_free(x->c);
	hr_spec_free(x->spec);
	hr_host_clear(&x->host);
	hr_policy_result_clear(&x->decisions);
	free(x->config_text);
	free(x->bundle);
	free(x->rootfs);
}

