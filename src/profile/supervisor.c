/* The notify loop. A blocking SECCOMP_IOCTL_NOTIF_RECV, not poll: with
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6) the kernel then switches
 * straight from the stopped task to us on the same CPU, which is most of
 * what a round trip costs (about 4 us here, poll adds 3 more). */
#include "profile/supervisor.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/* The thread's wake-up. Not SIGUSR1: a signal sent to `hardrun profile
 * learn` is forwarded to the workload, unless it lands on this thread, the
 * one that leaves its wake-up signal unblocked; SIGRTMAX is rarely sent. */
#define WAKE_SIGNAL SIGRTMAX

static void on_wake(int sig)
{
	(void)sig; /* only to interrupt the RECV ioctl */
}

static bool filter_orphaned(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR));
}

static void answer(struct hr_supervisor *s, const struct seccomp_notif *req, struct seccomp_notif_resp *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->id = req->id;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (s->decide)
		s->decide(s->decide_ud, req, resp);
	/* ENOENT: the task was killed meanwhile; nothing to answer */
	if (ioctl(s->notify_fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
		hr_log_debugf("seccomp supervisor: answering notification %llu: %s",
			      (unsigned long long)req->id, strerror(errno));
	s->answered++;
}

static void *supervise(void *arg)
{
	struct hr_supervisor *s = arg;
	struct seccomp_notif_sizes sizes = { 0 };
	_cleanup_free_ struct seccomp_notif *req = NULL;
	_cleanup_free_ struct seccomp_notif_resp *resp = NULL;
	sigset_t wake;

	sigemptyset(&wake);
	sigaddset(&wake, WAKE_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
	/* the kernel's structs may be larger than the headers we were built with */
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		sizes = (struct seccomp_notif_sizes){ sizeof(*req), sizeof(*resp), sizeof(struct seccomp_data) };
	req = xcalloc(1, sizes.seccomp_notif > sizeof(*req) ? sizes.seccomp_notif : sizeof(*req));
	resp = xcalloc(1, sizes.seccomp_notif_resp > sizeof(*resp) ? sizes.seccomp_notif_resp : sizeof(*resp));
	while (!s->stop) {
		memset(req, 0, sizes.seccomp_notif > sizeof(*req) ? sizes.seccomp_notif : sizeof(*req));
		if (ioctl(s->notify_fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == EINTR || (errno == ENOENT && !filter_orphaned(s->notify_fd)))
				continue;
			if (!filter_orphaned(s->notify_fd)) {
				/* nobody would answer the workload any more: closing the
				 * listener makes its calls fail (ENOSYS) instead of hang */
				s->failed_errno = errno ? errno : EIO;
				close(s->notify_fd);
				s->notify_fd = -1;
			}
			break; /* otherwise no process uses the filter any more */
		}
		hr_recording_add(s->rec, req);
		answer(s, req, resp);
	}
	return NULL;
}

int hr_supervisor_start(struct hr_supervisor *s, int notify_fd, struct hr_recording *rec, struct hr_error *err)
{
	struct sigaction sa = { .sa_handler = on_wake }; /* no SA_RESTART */
	sigset_t all, old;
	__u64 fast = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	int rc;

	s->notify_fd = notify_fd;
	s->rec = rec;
	s->stop = 0;
	if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, fast) < 0)
		hr_log_debugf("seccomp supervisor: no synchronous wake-up (%s), slower", strerror(errno));
	sigaction(WAKE_SIGNAL, &sa, NULL);
	/* the thread takes no signal but its wake-up */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&s->thread, NULL, supervise, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		close(notify_fd);
		s->notify_fd = -1;
		return hr_error_set(err, rc, "starting the seccomp supervisor thread");
	}
	s->running = true;
	return 0;
}

void hr_supervisor_stop(struct hr_supervisor *s)
{
	struct timespec ts;

	if (!s->running)
		return;
	s->stop = 1;
	/* the flag may be read just before the thread blocks: wake it until it ends */
	for (;;) {
		pthread_kill(s->thread, WAKE_SIGNAL);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (pthread_timedjoin_np(s->thread, NULL, &ts) == 0)
			break;
	}
	s->running = false;
	if (s->notify_fd >= 0)
		close(s->notify_fd);
	s->notify_fd = -1;
}
