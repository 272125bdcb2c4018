/* `hardrun sandbox`: create, start and wait as `run` does, with the config
 * built in memory and a generated id; the container is deleted (processes,
 * cgroup, state, user namespace range) however the wait ends. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#include "hardrun/hardrun.h"
#include "base/log.h"
#include "base/util.h"
#include "launch/launch.h"

/* A terminating signal reaches the program first; one that ignores it (a
 * container's init has no default action) is killed this much later. */
#define SANDBOX_GRACE_MS 2000

static const int terminating[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };

static char *sandbox_id(void)
{
	unsigned int r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (unsigned int)getpid() * 2654435761u;
	return xasprintf("sandbox-%d-%08x", (int)getpid(), r);
}

static int run_config(const struct hr_sandbox_opts *o, const char *config, struct hr_error *err)
{
	_cleanup_free_ char *id = sandbox_id();
	struct hr_create_opts co = { .root = o->root, .id = id, .bundle = "/", .foreground = true,
				     .policy = o->policy, .config_text = config };
	struct hr_created created = { .pidfd = -1, .console_master = -1 };
	struct hr_error cleanup_err = { 0 };
	int status;
	sigset_t term;

	/* a signal during create is handled by the wait, not by dying with the
	 * container half made (the wait reads pending ones from its signalfd) */
	sigemptyset(&term);
	for (size_t i = 0; i < HR_ARRAY_SIZE(terminating); i++)
		sigaddset(&term, terminating[i]);
	sigprocmask(SIG_BLOCK, &term, NULL);
	if (hr_lifecycle_create(&co, &created, err) < 0)
		return -1;
	hr_log_debugf("sandbox: container %s", id);
	if (hr_lifecycle_start(o->root, id, err) < 0)
		status = -1;
	else
		status = hr_wait_foreground_grace(created.pid, created.pidfd, created.console_master,
						  SANDBOX_GRACE_MS, err);
	if (hr_lifecycle_delete(o->root, id, true, &cleanup_err) < 0)
		hr_report_error(&cleanup_err);
	if (created.pidfd >= 0)
		close(created.pidfd);
	if (created.console_master >= 0)
		close(created.console_master);
	return status;
}

int hr_sandbox_config(const struct hr_sandbox_opts *o, char **config, struct hr_error *err)
{
	return hr_launch_sandbox_config(o, config, err);
}

int hr_sandbox_run(const struct hr_sandbox_opts *o, bool dry_run, struct hr_error *err)
{
	_cleanup_free_ char *config = NULL;

	if (hr_launch_sandbox_config(o, &config, err) < 0)
		return -1;
	if (dry_run) {
		fputs(config, stdout);
		return fflush(stdout) == 0 ? 0 : hr_error_set(err, 0, "sandbox: write to stdout");
	}
	return run_config(o, config, err);
}
