#include "container/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "container/cpu_pin.h"
#include "base/util.h"

static char *const empty_env[] = { NULL };

/* Waits for the hook with a timeout via pidfd; kills it when it runs over. */
static int wait_hook(pid_t pid, int timeout_s, int *status, struct hr_error *err)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int ms = timeout_s > 0 ? timeout_s * 1000 : -1;

	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		int r;
		do
			r = poll(&p, 1, ms);
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return hr_error_set(err, 0, "timed out after %d s", timeout_s);
		}
	}
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return hr_error_set(err, errno, "wait");
	}
	return 0;
}

/* In the hook process: stdio only (the rest closes at execve; the log fd
 * stays until then for the error below), then the caller's confinement. */
static void confine_hook(const struct hr_hook_confine *c)
{
	struct hr_error err = { 0 };

	if (syscall(SYS_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) < 0)
		hr_error_set(&err, errno, "close_range");
	if (err.msg[0] || c->confine(c->ud, &err) < 0) {
		if (err.msg[0])
			hr_log_error(&err);
		_exit(126);
	}
}

static int run_one(const struct hr_hook *h, const char *state_json, const struct hr_hook_confine *c,
		   struct hr_error *err)
{
	int in[2];
	pid_t pid;
	int status;

	if (pipe2(in, O_CLOEXEC) < 0)
		return hr_error_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return hr_error_set(err, errno, "fork");
	}
	if (pid == 0) {
		char *const fallback_args[] = { h->path, NULL };
		struct hr_error child_err = { 0 };
		/* a hook starts like any new process: SIGPIPE not ignored, the
		 * container process's CPU affinity (not its setup's one CPU) */
		if (hr_reset_signals(&child_err) < 0)
			_exit(127);
		if (hr_cpu_unpin(&child_err) < 0) {
			hr_log_error(&child_err);
			_exit(127);
		}
		dup2(in[0], STDIN_FILENO);
		if (c)
			confine_hook(c);
		execve(h->path, h->args ? h->args : fallback_args, h->env ? h->env : empty_env);
		_exit(127);
	}
	close(in[0]);
	/* a hook that does not read its stdin must not block us */
	signal(SIGPIPE, SIG_IGN);
	(void)hr_write_all(in[1], state_json, strlen(state_json));
	close(in[1]);
	if (wait_hook(pid, h->has_timeout ? h->timeout : 0, &status, err) < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return hr_error_set(err, 0, "could not execute (exit 127)");
	if (c && WIFEXITED(status) && WEXITSTATUS(status) == 126)
		return hr_error_set(err, 0, "could not be confined as the container process (exit 126)");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status))
			return hr_error_set(err, 0, "killed by signal %d", WTERMSIG(status));
		return hr_error_set(err, 0, "exited with status %d", WEXITSTATUS(status));
	}
	return 0;
}

int hr_hooks_run(const char *kind, const struct hr_hook *hooks, size_t n, const char *state_json,
		 struct hr_error *err)
{
	return hr_hooks_run_confined(kind, hooks, n, state_json, NULL, err);
}

int hr_hooks_run_confined(const char *kind, const struct hr_hook *hooks, size_t n, const char *state_json,
			  const struct hr_hook_confine *c, struct hr_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (run_one(&hooks[i], state_json, c, err) < 0)
			return hr_error_wrap(err, "%s hook #%zu `%s`", kind, i, hooks[i].path);
	}
	return 0;
}

void hr_hooks_run_warn(const char *kind, const struct hr_hook *hooks, size_t n, const char *state_json)
{
	for (size_t i = 0; i < n; i++) {
		struct hr_error err = { 0 };
		if (run_one(&hooks[i], state_json, NULL, &err) < 0)
			hr_log_warnf("%s hook #%zu `%s`: %s", kind, i, hooks[i].path, err.msg);
	}
}
