/* create -> start -> take the listener -> supervise -> wait -> delete. */
#include "profile/supervised_run.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "hardrun/hardrun.h"

#define TAKE_LISTENER_TIMEOUT_MS 10000

struct ticker {
	const struct hr_supervised_run *r;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop, running;
};

static void *tick_loop(void *arg)
{
	struct ticker *t = arg;
	struct timespec ts;

	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += t->r->tick_ms / 1000;
		ts.tv_nsec += (long)(t->r->tick_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&t->wake, &t->lock, &ts);
		if (t->stop)
			break;
		pthread_mutex_unlock(&t->lock);
		t->r->tick(t->r->tick_ud);
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

static void ticker_start(struct ticker *t, const struct hr_supervised_run *r)
{
	sigset_t all, old;

	*t = (struct ticker){ .r = r };
	if (!r->tick || r->tick_ms <= 0)
		return;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->wake, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	t->running = pthread_create(&t->thread, NULL, tick_loop, t) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void ticker_stop(struct ticker *t)
{
	if (!t->running)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->wake);
}

int hr_supervised_run_check_spec(const char *what, const char *config_path, const struct hr_spec *spec,
				 struct hr_error *err)
{
	if (spec->has_hooks && spec->hooks.n_start_container)
		return hr_error_set(err, 0, "%s: %s: hooks.startContainer run under the container's seccomp filter, "
					    "which %s replaces; remove them for this run",
				    what, config_path, what);
	return 0;
}

int hr_supervised_run_load_spec(const char *bundle, const char *config_text, struct hr_spec **spec,
				char **source, struct hr_error *err)
{
	*source = config_text ? xstrdup("the sandbox's config") : xasprintf("%s/config.json", bundle ? bundle : ".");
	if (config_text)
		return hr_spec_load_string(config_text, *source, spec, err);
	return hr_spec_load_file(*source, spec, err);
}

char *hr_supervised_run_id(void)
{
	static atomic_int seq;

	return xasprintf("profile-%d-%d", (int)getpid(), atomic_fetch_add(&seq, 1));
}

static int create_started(const struct hr_supervised_run *r, int child_sock, struct hr_created *c,
			  struct hr_error *err)
{
	struct hr_create_opts o = {
		.root = r->root, .id = r->id, .bundle = r->bundle, .config_text = r->config_text,
		.foreground = true, .policy = r->policy, .seccomp_supervised = r->prog, .seccomp_supervisor_sock = child_sock,
	};
	struct hr_error ignored = { 0 };

	if (hr_lifecycle_create(&o, c, err) < 0)
		return -1;
	if (c->pidfd < 0)
		c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd < 0) {
		hr_error_set(err, errno, "pidfd_open of the container process");
	} else if (hr_lifecycle_start(r->root, r->id, err) == 0) {
		return 0;
	}
	hr_lifecycle_delete(r->root, r->id, true, &ignored);
	return -1;
}

static int supervise_and_wait(const struct hr_supervised_run *r, int sock, const struct hr_created *c,
			      int *status, struct hr_error *err)
{
	struct hr_supervisor sup = { .notify_fd = -1, .decide = r->decide, .decide_ud = r->decide_ud };
	struct ticker ticker;
	int notify_fd;

	if (r->prog && hr_seccomp_take_listener(sock, c->pidfd, TAKE_LISTENER_TIMEOUT_MS, &notify_fd, err) < 0)
		return -1;
	if (r->prog && hr_supervisor_start(&sup, notify_fd, r->rec, err) < 0)
		return -1;
	ticker_start(&ticker, r);
	*status = hr_wait_foreground(c->pid, c->pidfd, c->console_master, err);
	ticker_stop(&ticker);
	/* processes that outlived the init (no pid namespace) are still answered
	 * until delete has killed them */
	if (*status >= 0) {
		struct hr_error del = { 0 };
		if (hr_lifecycle_delete(r->root, r->id, true, &del) < 0)
			hr_log_error(&del);
	}
	hr_supervisor_stop(&sup);
	if (r->supervisor_failed)
		*r->supervisor_failed = sup.failed_errno;
	return *status < 0 ? -1 : 0;
}

int hr_supervised_run(const struct hr_supervised_run *r, int *status, struct hr_error *err)
{
	struct hr_created c = { .pidfd = -1, .console_master = -1 };
	struct hr_error ignored = { 0 };
	_cleanup_close_ int parent_sock = -1, child_sock = -1;
	int sv[2], rc;

	*status = -1;
	if (r->prog && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return hr_error_set(err, errno, "socketpair for the seccomp supervisor");
	if (r->prog) {
		parent_sock = sv[0];
		child_sock = sv[1];
	}
	if (create_started(r, child_sock, &c, err) < 0)
		return -1;
	if (child_sock >= 0)
		close(hr_steal_fd(child_sock));
	rc = supervise_and_wait(r, parent_sock, &c, status, err);
	if (rc < 0 && *status < 0) {
		/* never supervised: nothing may keep running unanswered */
		hr_lifecycle_kill(r->root, r->id, SIGKILL, true, &ignored);
		hr_lifecycle_delete(r->root, r->id, true, &ignored);
	}
	if (c.pidfd >= 0)
		close(c.pidfd);
	if (c.console_master >= 0)
		close(c.console_master);
	return rc;
}
