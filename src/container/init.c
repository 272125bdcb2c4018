/* The container process, from clone3 to execve.
 *
 * THE ORDER OF STEPS (and why each is where it is):
 *  0. pin to the CPU we start on           before the setup charges memory: a tiny
 *     (cpu_pin.c)                          memory.max otherwise breaks on the memory
 *                                          controller's per-CPU charge stock
 *  1. close the runtime's fds, PDEATHSIG   nothing of the runtime leaks (a directory
 *                                          fd is a way out through /proc/self/fd:
 *                                          CVE-2024-21626); a killed `create` does
 *                                          not leave us behind
 *     non-dumpable (exec: at once; create: nobody can reach hardrun's image through
 *     after the time ns offsets)           /proc/PID/exe (CVE-2019-5736); execve resets it
 *  2. namespaces + id maps                 everything after runs inside them; maps
 *                                          first so we can become root in the userns
 *  3. hostname/domainname, lo up           needs the new uts/net ns and privileges
 *  4. mounts (rootfs_prepare)              needs the mount ns; host paths still visible
 *                                          for bind sources
 *  5. createRuntime/createContainer hooks  the spec puts them after namespaces,
 *                                          before pivot_root
 *  6. pivot_root                           from here on only the container's files
 *  7. masked/readonly paths, sysctl, ro /  after pivot, so they apply to the final tree
 *  8. rlimits                              raising a hard limit needs CAP_SYS_RESOURCE
 *  9. session keyring, terminal, cwd,      while still privileged; the executable is
 *     executable lookup                    resolved now so a missing one fails `create`;
 *                                          the cwd is checked to be under our root
 * 10. READY, then wait on exec.fifo        `start` releases us
 * 11. startContainer hooks                 spec: after start, before the user process;
 *                                          each under the seccomp filter, stdio only
 * 12. close every fd but stdio/preserved,  nothing reaches the workload; hooks and
 *     reset signal dispositions and mask,  the runtime ignore SIGPIPE; the affinity
 *     the CPU affinity of step 0           goes back before a filter may refuse it
 * 13. seccomp (when no_new_privs is off)   loading needs CAP_SYS_ADMIN, dropped next
 *     (seccomp_install.c)
 * 14. uid/gid/groups, umask (identity.c)   keep-caps: the listed caps survive the uid
 *     + capabilities (capabilities.c)      change; every set is then set exactly
 * 15. AppArmor exec transition (lsm.c)     applies at execve; /proc verified first
 * 16. no_new_privs (lsm.c)                 after everything that needs privileges
 * 17. seccomp (when no_new_privs is on)    last, so the runtime runs as few syscalls
 *                                          as possible under the workload's filter
 * 18. execve                              exec in a user namespace of its own: through
 *                                          hardrun-exec-finish (exec_finish.c), which
 *                                          needs no copy of hardrun's image
 *
 * `profile learn` and `check` (issue 14) load their supervised filter at
 * step 13 or 17 in place of the config's, with a host policy's seccomp floor
 * beneath it; its notify fd is taken by the runtime (seccomp/handover.c).
 *
 * Steps 1-9 are prepare() (create) or prepare_exec() (exec: join the
 * container's namespaces and root instead of steps 2-7); 10-11 are
 * create-only; 12-18 are the same for both.
 */
#include "container/handoff.h"
#include "container/exec_finish.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apparmor/apparmor.h"
#include "container/capabilities.h"
#include "container/cpu_pin.h"
#include "container/identity.h"
#include "container/lsm.h"
#include "container/console.h"
#include "container/hooks.h"
#include "base/log.h"
#include "base/procfs.h"
#include "rootfs/rootfs.h"
#include "state/state.h"
#include "container/sync.h"
#include "base/util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static pid_t host_pid; /* our pid as the runtime sees it, for hooks */

/* The runtime finished configuring us from outside (id maps, cgroup,
 * oom_score_adj) and tells us our host pid, for hooks and listeners. */
static int wait_runtime_setup(struct hr_launch *l, struct hr_error *err)
{
	struct hr_sync_msg msg;

	if (hr_sync_expect(l->sync_fd, HR_SYNC_MAPS_DONE, &msg, NULL, err) < 0)
		return -1;
	host_pid = msg.value;
	return 0;
}

static int become_userns_root(struct hr_error *err)
{
	/* root in the new namespace, so that mounts and files are made as root */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return hr_error_set(err, errno, "become root in the user namespace (is container uid/gid 0 mapped?)");
	return 0;
}

static int fork_into_pid_ns(struct hr_launch *l, struct hr_error *err)
{
	int p[2];
	pid_t child;

	if (pipe2(p, O_CLOEXEC) < 0)
		return hr_error_set(err, errno, "pipe");
	child = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
	if (child < 0)
		return hr_error_set(err, errno, "fork into the pid namespace");
	if (child > 0) {
		/* CLONE_PARENT: the runtime reaps the grandchild, we just vanish.
		 * PID goes out before the grandchild may speak (it waits for the
		 * pipe), or the runtime could read its READY first. */
		hr_sync_send(l->sync_fd, HR_SYNC_PID, child, NULL, -1);
		(void)!write(p[1], &child, sizeof(child));
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &host_pid, sizeof(host_pid)) != sizeof(host_pid))
		return hr_error_set(err, errno, "read own pid");
	close(p[0]);
	return hr_die_with_parent(0, err);
}

/* Slow path: join namespaces by path, create the rest, and fork into a
 * pid namespace when one was joined or created (it applies to children). */
static int enter_namespaces(struct hr_launch *l, struct hr_error *err)
{
	if (hr_ns_join_all(&l->joins, err) < 0)
		return -1;
	hr_ns_join_close(&l->joins);
	if (l->unshare_flags && unshare(l->unshare_flags) < 0)
		return hr_error_set(err, errno, "create namespaces");
	if (l->unshare_flags & CLONE_NEWUSER) {
		if (hr_sync_send(l->sync_fd, HR_SYNC_USERNS_READY, 0, NULL, -1) < 0)
			return hr_error_set(err, errno, "signal runtime for id maps");
		if (wait_runtime_setup(l, err) < 0 || become_userns_root(err) < 0)
			return -1;
	}
	if (l->needs_fork)
		return fork_into_pid_ns(l, err);
	return 0;
}

static int setup_time_ns(const struct hr_spec *spec, struct hr_error *err)
{
	const struct hr_namespace *ns = hr_spec_find_ns(spec, HR_NS_TIME);
	_cleanup_free_ char *offsets = NULL;

	if (!ns || ns->path)
		return 0;
	/* the calling process stays; execve moves it into time_for_children */
	if (unshare(CLONE_NEWTIME) < 0)
		return hr_error_set(err, errno, "create time namespace");
	if (!spec->linux_.has_time_offsets)
		return 0;
	offsets = xasprintf("monotonic %lld %u\nboottime %lld %u\n",
			    (long long)spec->linux_.monotonic_secs, spec->linux_.monotonic_nanosecs,
			    (long long)spec->linux_.boottime_secs, spec->linux_.boottime_nanosecs);
	return hr_write_existing_at(AT_FDCWD, "/proc/self/timens_offsets", offsets, err);
}

static bool new_network_ns(const struct hr_spec *spec)
{
	const struct hr_namespace *ns = hr_spec_find_ns(spec, HR_NS_NETWORK);

	return ns && !ns->path;
}

static int setup_identity_names(const struct hr_spec *spec, struct hr_error *err)
{
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return hr_error_set(err, errno, "set hostname \"%s\"", spec->hostname);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return hr_error_set(err, errno, "set domainname \"%s\"", spec->domainname);
	return 0;
}

static int run_create_hooks(struct hr_launch *l, struct hr_error *err)
{
	const struct hr_hooks *h = &l->spec->hooks;
	struct hr_sync_msg msg;
	_cleanup_free_ char *state = NULL;

	if (!l->spec->has_hooks)
		return 0;
	if (h->n_prestart || h->n_create_runtime) {
		if (hr_sync_send(l->sync_fd, HR_SYNC_HOOKS, 0, NULL, -1) < 0)
			return hr_error_set(err, errno, "signal runtime for hooks");
		if (hr_sync_expect(l->sync_fd, HR_SYNC_HOOKS_DONE, &msg, NULL, err) < 0)
			return -1;
	}
	if (!h->n_create_container)
		return 0;
	state = hr_state_json_make(l->id, "creating", host_pid, l->bundle, l->spec);
	/* the spec: createContainer hooks run with the rootfs as their cwd,
	 * which hr_rootfs_prepare left there */
	return hr_hooks_run("createContainer", h->create_container, h->n_create_container, state, err);
}

static int apply_rlimits(const struct hr_process *p, struct hr_error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return hr_error_set(err, errno, "set rlimit %s (soft %llu, hard %llu)", p->rlimits[i].type,
					    (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	}
	return 0;
}

static int setup_terminal(struct hr_launch *l, struct hr_error *err)
{
	const struct hr_process *p = l->process;
	_cleanup_close_ int master = -1;

	if (!p->terminal)
		return 0;
	master = hr_console_setup(p->has_console_size, p->console_height, p->console_width, p->user.uid, p->user.gid,
				  err);
	if (master < 0)
		return -1;
	if (l->console_sock >= 0)
		return hr_console_send(l->console_sock, master, err);
	if (hr_sync_send(l->sync_fd, HR_SYNC_CONSOLE, 0, NULL, master) < 0)
		return hr_error_set(err, errno, "send pty master to runtime");
	return 0;
}

static bool is_executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* Resolves args[0] with the container's PATH, as execvp would. */
static int find_executable(const struct hr_process *p, char **out, struct hr_error *err)
{
	const char *name = p->args[0];
	const char *path = hr_env_get(p->env, "PATH");
	_cleanup_free_ char *copy = NULL;
	char *save = NULL;

	if (strchr(name, '/')) {
		if (!is_executable(name))
			return hr_error_set(err, errno ? errno : EACCES, "exec: \"%s\"", name);
		*out = xstrdup(name);
		return 0;
	}
	copy = xstrdup(path ? path : DEFAULT_PATH);
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *cand = xasprintf("%s/%s", *dir ? dir : ".", name);
		if (is_executable(cand)) {
			*out = hr_steal_ptr(cand);
			return 0;
		}
	}
	return hr_error_set(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

/* HOME from the container's /etc/passwd when the config sets none (as runc). */
static char **build_env(const struct hr_process *p)
{
	size_t n = hr_strv_len(p->env);
	char **env = xcalloc(n + 2, sizeof(char *));
	_cleanup_fclose_ FILE *f = NULL;
	char line[1024];
	const char *home = "/";

	for (size_t i = 0; i < n; i++)
		env[i] = xstrdup(p->env[i]);
	if (hr_env_get(p->env, "HOME"))
		return env;
	f = fopen("/etc/passwd", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *fields[7] = { 0 }, *save = NULL, *tok = line;
		int nf = 0;
		for (char *s; nf < 7 && (s = strsep(&tok, ":")); nf++)
			fields[nf] = s;
		(void)save;
		if (nf >= 6 && (uint32_t)strtoul(fields[2], NULL, 10) == p->user.uid) {
			env[n] = xasprintf("HOME=%s", fields[5]);
			return env;
		}
	}
	env[n] = xasprintf("HOME=%s", home);
	return env;
}

static int wait_for_start(struct hr_launch *l, struct hr_error *err)
{
	_cleanup_close_ int fifo = -1;

	/* blocks until `start` opens the fifo for reading; we only hold an
	 * O_PATH fd of the fifo itself, never of the state directory */
	fifo = hr_procfs_reopen(l->fifo_fd, O_WRONLY, "exec.fifo", err);
	if (fifo < 0)
		return -1;
	if (write(fifo, "0", 1) != 1)
		return hr_error_set(err, errno, "write exec.fifo");
	close(l->fifo_fd);
	l->fifo_fd = -1;
	return 0;
}

/* Steps 13-17, in this order (see the top of this file for why). */
static int confine_workload(struct hr_launch *l, struct hr_exec_label *deferred, struct hr_error *err)
{
	const struct hr_process *p = l->process;

	if (!p->no_new_privileges && hr_seccomp_install(l, host_pid, err) < 0)
		return -1;
	if (hr_identity_apply(p, err) < 0)
		return -1;
	/* the profile is chosen before no_new_privs, as runc does, so the
	 * transition is decided while we are still unrestricted */
	if (hr_lsm_apply_exec_label(p, deferred, err) < 0 || hr_lsm_set_no_new_privs(p, err) < 0)
		return -1;
	if (p->no_new_privileges && hr_seccomp_install(l, host_pid, err) < 0)
		return -1;
	return 0;
}

/* Steps 13-18; returns only on failure. exec may end through
 * hardrun-exec-finish (exec_finish.c), which keeps the sync socket to
 * report its own failure and closes it when the workload starts. */
static void exec_workload(struct hr_launch *l, const char *exe, char **env, struct hr_error *err)
{
	struct hr_exec_label label = { .aa = { .proc_fd = -1, .attr_fd = -1 } };

	if (l->finish_fd >= 0 && fcntl(l->sync_fd, F_SETFD, 0) < 0) {
		hr_error_set(err, errno, "keep the sync socket open for hardrun-exec-finish");
		return;
	}
	if (confine_workload(l, l->finish_fd >= 0 ? &label : NULL, err) < 0)
		return;
	if (l->finish_fd >= 0) {
		hr_exec_finish(l, exe, l->process->args, env, &label, err);
		return;
	}
	execve(exe, l->process->args, env);
	hr_error_set(err, errno, "exec \"%s\"", exe);
}

static int prepare_process(struct hr_launch *l, char **exe, struct hr_error *err);

/* exec: join every namespace of the container's init at once through its
 * pidfd (the kernel orders user first), then fork into its pid namespace. */
static int prepare_exec(struct hr_launch *l, char **exe, struct hr_error *err)
{
	if (wait_runtime_setup(l, err) < 0)
		return -1;
	if (setns(l->target_pidfd, l->join_flags) < 0)
		return hr_error_set(err, errno, "join the namespaces of the container");
	hr_log_step("exec: joined the container's namespaces");
	/* as runc: root of the joined user namespace, so that what we make
	 * (the terminal's pty, the session keyring) is made by mapped ids; the
	 * runtime's own ids are unmapped there, and the kernel refuses to
	 * chown a pty they own. A namespace without uid 0 keeps them. */
	if ((l->join_flags & CLONE_NEWUSER) && become_userns_root(err) < 0 && err->errnum != EINVAL)
		return -1;
	close(l->target_pidfd);
	l->target_pidfd = -1;
	/* without a mount namespace to join, the container's root is a chroot */
	if (l->target_rootfd >= 0 && (fchdir(l->target_rootfd) < 0 || chroot(".") < 0))
		return hr_error_set(err, errno, "enter the root of the container");
	if (l->target_rootfd >= 0)
		close(hr_steal_fd(l->target_rootfd));
	if (l->needs_fork && fork_into_pid_ns(l, err) < 0)
		return -1;
	return prepare_process(l, exe, err);
}

/* Steps 1-9: everything before the container can be started. */
static int prepare(struct hr_launch *l, char **exe, struct hr_error *err)
{
	const struct hr_spec *spec = l->spec;
	struct hr_rootfs_opts ro = { .rootfs = l->rootfs, .no_pivot = l->no_pivot, .in_userns = l->new_userns,
				     .cgroup_ns = hr_spec_find_ns(spec, HR_NS_CGROUP) != NULL,
				     .shares_mount_ns = hr_rootfs_shares_mount_ns(spec),
				     .sources = l->sources.open ? &l->sources : NULL };

	if (wait_runtime_setup(l, err) < 0)
		return -1;
	if (l->new_userns && !(l->unshare_flags & CLONE_NEWUSER) && become_userns_root(err) < 0)
		return -1;
	if ((l->joins.count || l->unshare_flags) && enter_namespaces(l, err) < 0)
		return -1;
	hr_log_step("container: namespaces and id maps");
	if (setup_time_ns(spec, err) < 0 || setup_identity_names(spec, err) < 0)
		return -1;
	if (new_network_ns(spec) && hr_net_loopback_up(err) < 0)
		return -1;
	/* from here nothing needs our own /proc files writable (timens_offsets
	 * did); hooks and later exec'd processes must not reach this image */
	if (hr_set_dumpable(false, err) < 0)
		return -1;
	/* relative bind sources resolve against the bundle; with host-side
	 * sources nothing is looked up here (cwd: the rootfs, from the runtime) */
	if (!ro.sources && chdir(l->bundle) < 0)
		return hr_error_set(err, errno, "chdir to bundle `%s`", l->bundle);
	hr_log_step("container: time ns, hostname, loopback");
	if (hr_rootfs_prepare(spec, &ro, err) < 0)
		return -1;
	hr_rootfs_sources_close(&l->sources);
	hr_log_step("container: mount the rootfs, its mounts and /dev");
	if (run_create_hooks(l, err) < 0)
		return -1;
	hr_log_step("container: createContainer hooks");
	if (hr_rootfs_pivot(&ro, err) < 0)
		return -1;
	hr_log_step("container: pivot_root (or chroot) into the rootfs");
	if (hr_rootfs_finalize(spec, err) < 0)
		return -1;
	hr_log_step("container: sysctls, read-only and masked paths, read-only root");
	return prepare_process(l, exe, err);
}

/* Steps 8-9, shared with exec: rlimits, keyring, terminal, cwd, executable. */
static int prepare_process(struct hr_launch *l, char **exe, struct hr_error *err)
{
	const struct hr_process *p = l->process;

	if (apply_rlimits(p, err) < 0)
		return -1;
	if (!l->no_new_keyring && hr_join_session_keyring(err) < 0)
		return -1;
	if (setup_terminal(l, err) < 0 || hr_enter_cwd(p->cwd, err) < 0)
		return -1;
	if (find_executable(p, exe, err) < 0)
		return -1;
	hr_log_step("container: rlimits, keyring, terminal, cwd, executable lookup");
	return 0;
}

/* Keeps only what the container process itself needs; everything else
 * the runtime had open (state dir, lock, cgroup dirs, log) is closed. */
static int close_runtime_fds(struct hr_launch *l, struct hr_error *err)
{
	/* the --log file stays: errors after `create` has exited (a failing
	 * startContainer hook, execve) have nowhere else to go */
	const int fixed[] = { l->sync_fd,      l->fifo_fd,       l->console_sock, l->listener_sock,
			      l->target_pidfd, l->target_rootfd, hr_log_fd(),     l->sources.root_tree,
			      l->finish_fd };
	size_t n = 0, max = HR_ARRAY_SIZE(fixed) + HR_NS_COUNT + l->sources.n;
	_cleanup_free_ int *keep = xmalloc(max * sizeof(int));

	for (size_t i = 0; i < HR_ARRAY_SIZE(fixed); i++)
		keep[n++] = fixed[i];
	for (int t = 0; t < HR_NS_COUNT; t++)
		keep[n++] = l->joins.fds[t];
	for (size_t i = 0; i < l->sources.n; i++)
		keep[n++] = l->sources.bind_trees[i];
	return hr_close_fds_except(3 + (unsigned int)l->preserve_fds, keep, n, err);
}

/* Workload fds: everything above stdio and the preserved fds is closed on exec. */
static int mark_fds_cloexec(int preserve_fds, struct hr_error *err)
{
	if (syscall(SYS_close_range, 3 + preserve_fds, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) < 0)
		return hr_error_set(err, errno, "close_range");
	return 0;
}

/* startContainer hooks run under the workload's seccomp filter (the spec:
 * in the container, as the workload). A notify fd has no listener here:
 * notified syscalls of the hook fail with ENOSYS. */
static int seccomp_for_hook(void *ud, struct hr_error *err)
{
	const struct hr_launch *l = ud;
	int notify_fd = -1;

	if (!l->has_seccomp)
		return 0;
	if (hr_seccomp_load(&l->seccomp, &notify_fd, err) < 0)
		return -1;
	if (notify_fd >= 0)
		close(notify_fd);
	return 0;
}

void hr_init_container(struct hr_launch *l)
{
	struct hr_error err = { 0 };
	_cleanup_free_ char *exe = NULL;
	char **env;
	const struct hr_process *p = l->process;

	/* first, before the setup charges memory: cpu_pin.c says why */
	hr_cpu_pin();
	/* exec enters a running container: its processes must not reach this
	 * image (/proc/PID/exe) until execve replaces it */
	if (close_runtime_fds(l, &err) < 0 || hr_die_with_parent(l->runtime_pid, &err) < 0 ||
	    (l->join_target && hr_set_dumpable(false, &err) < 0))
		hr_sync_fail(l->sync_fd, &err);
	if ((l->join_target ? prepare_exec(l, &exe, &err) : prepare(l, &exe, &err)) < 0)
		hr_sync_fail(l->sync_fd, &err);
	env = build_env(p);
	/* create is done once we report READY; its exit must not kill us */
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0) {
		hr_error_set(&err, errno, "prctl(PR_SET_PDEATHSIG, 0)");
		hr_sync_fail(l->sync_fd, &err);
	}
	if (hr_sync_send(l->sync_fd, HR_SYNC_READY, 0, NULL, -1) < 0)
		_exit(1);
	/* exec keeps the channel to report failures until execve closes it;
	 * create's runtime is gone once we wait for `start` */
	if (l->wait_for_start) {
		close(l->sync_fd);
		l->sync_fd = -1;
		if (wait_for_start(l, &err) < 0)
			goto fail;
	}
	if (l->wait_for_start && l->spec->has_hooks && l->spec->hooks.n_start_container) {
		_cleanup_free_ char *state = hr_state_json_make(l->id, "running", host_pid, l->bundle, l->spec);
		struct hr_hook_confine as_workload = { .confine = seccomp_for_hook, .ud = l };
		if (hr_hooks_run_confined("startContainer", l->spec->hooks.start_container,
					  l->spec->hooks.n_start_container, state, &as_workload, &err) < 0)
			goto fail;
	}
	if (mark_fds_cloexec(l->preserve_fds, &err) < 0 || hr_reset_signals(&err) < 0)
		goto fail;
	hr_log_step("container: released; fds and signals for the workload");
	/* before the workload's seccomp filter, which may refuse the call */
	if (hr_cpu_unpin(&err) < 0)
		goto fail;
	/* nothing is logged from here on: the workload's seccomp filter is in
	 * place and may not allow the write */
	exec_workload(l, exe, env, &err);
fail:
	if (l->sync_fd >= 0)
		hr_sync_fail(l->sync_fd, &err);
	/* `create` is gone by now: the log (and stderr) is where this can go */
	hr_log_error(&err);
	_exit(127);
}
