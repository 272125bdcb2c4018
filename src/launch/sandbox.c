/* `hardrun sandbox`: create, start and wait as `run` does, with the config
 * built in memory and a generated id; the container is deleted (processes,
 * cgroup, state, user namespace range) however the wait ends.
 *
 * As root, its user namespace maps onto a host id range of its own, taken
 * race-free from the id pool under the state root (the host policy's pool,
 * else the one `policy init` writes) under the sandbox's id, as create does
 * for a user namespace the policy injects: two sandboxes, or a sandbox and
 * such a container, never share host ids. The range belongs to this process
 * until the container's state dir exists and to the container after; delete
 * gives it back, and so does a failure before or during create. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#include "hardrun/hardrun.h"
#include "base/log.h"
#include "base/util.h"
#include "launch/launch.h"
#include "policy/floor.h"
#include "state/state.h"

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

static int run_config(const struct hr_sandbox_opts *o, const char *id, const char *config, struct hr_error *err)
{
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
	/* also gives the id range back */
	if (hr_lifecycle_delete(o->root, id, true, &cleanup_err) < 0)
		hr_report_error(&cleanup_err);
	if (created.pidfd >= 0)
		close(created.pidfd);
	if (created.console_master >= 0)
		close(created.console_master);
	return status;
}

/* A delete that failed leaves the container (and its range) behind. */
static bool container_left(const char *root, const char *id)
{
	struct hr_error ignored;
	_cleanup_close_ int rootfd = hr_state_root_open(root, false, &ignored);

	return rootfd >= 0 && hr_state_is_container(rootfd, id);
}

/* The pool the ranges come from: the host policy's, else the default. */
static int id_pool(const char *policy, struct hr_idpool_cfg *pool, struct hr_error *err)
{
	struct hr_policy *p = NULL;

	*pool = (struct hr_idpool_cfg){ HR_USERNS_POOL_START, HR_USERNS_POOL_SIZE, HR_USERNS_RANGE };
	if (hr_policy_load_host(policy, &p, err) < 0)
		return -1;
	if (p && p->user_namespace.pool_size)
		*pool = (struct hr_idpool_cfg){ p->user_namespace.pool_start, p->user_namespace.pool_size,
						p->user_namespace.range };
	hr_policy_free(p);
	return 0;
}

/* The range goes back unless its container still holds it (a delete that
 * failed: `delete --force ID` gives it back). */
static void release_range(const struct hr_sandbox_opts *o, const char *id)
{
	struct hr_error ignored = { 0 };

	if (geteuid() == 0 && !container_left(o->root, id))
		hr_idpool_release(o->root, id, true, &ignored);
}

/* The config for container ID, with its range taken (as root; rootless
 * maps the caller's own ids). dry_run takes none and shows the pool's
 * first range. */
static int prepare(const struct hr_sandbox_opts *o, const char *id, bool dry_run, char **config,
		   struct hr_error *err)
{
	struct hr_idpool_cfg pool = { 0 };
	bool own_range = geteuid() == 0;
	uint32_t start;

	if (own_range && id_pool(o->policy, &pool, err) < 0)
		return -1;
	start = pool.start;
	if (own_range && !dry_run && hr_idpool_allocate(o->root, id, &pool, &start, err) < 0)
		return hr_error_wrap(err, "sandbox: a user namespace id range");
	if (hr_launch_sandbox_config(o, start, pool.range, config, err) < 0) {
		if (!dry_run)
			release_range(o, id);
		return -1;
	}
	return 0;
}

int hr_sandbox_prepare(const struct hr_sandbox_opts *o, char **id, char **config, struct hr_error *err)
{
	*id = sandbox_id();
	*config = NULL;
	if (prepare(o, *id, false, config, err) == 0)
		return 0;
	free(*id);
	*id = NULL;
	return -1;
}

void hr_sandbox_release(const struct hr_sandbox_opts *o, const char *id)
{
	release_range(o, id);
}

int hr_sandbox_run(const struct hr_sandbox_opts *o, bool dry_run, struct hr_error *err)
{
	_cleanup_free_ char *config = NULL;
	_cleanup_free_ char *id = sandbox_id();
	int status;

	if (prepare(o, id, dry_run, &config, err) < 0)
		return -1;
	if (dry_run) {
		fputs(config, stdout);
		return fflush(stdout) == 0 ? 0 : hr_error_set(err, 0, "sandbox: write to stdout");
	}
	status = run_config(o, id, config, err);
	release_range(o, id);
	return status;
}
