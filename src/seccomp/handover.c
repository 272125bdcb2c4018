/* Supervised seccomp (`profile learn` and `profile check`): the container
 * process loads a filter whose notifications go to hardrun's own
 * supervisor, the foreground runtime, instead of a listenerPath agent.
 *
 * Why not send the notify fd over a socket, as for listenerPath: a
 * recording filter notifies every syscall, so the sendmsg that would carry
 * the fd is itself stopped until someone answers it, and nobody holds the
 * fd yet. So the fd is taken, not sent: before loading, the container
 * process tells the runtime which fd number the listener will get (the
 * lowest free one: seccomp(2) allocates like open), loads, and goes on
 * until a notified syscall (at the latest its execve) waits for an answer. The runtime takes that fd out of the
 * process with pidfd_getfd (it is the parent: ptrace access as its own
 * child, or the owner of the child's user namespace) once it is a seccomp
 * notify fd, and from then on answers. What the runtime still does between
 * the load and execve is therefore seen by the supervisor, which discards
 * it (see profile/supervisor.c). */
#include "seccomp/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"

#define HANDOVER_MAGIC 0x68726e66U /* "hrnf" */

struct handover_msg {
	uint32_t magic;
	int32_t fd;
};

int hr_seccomp_record_program(struct hr_seccomp_program *out)
{
	struct sock_filter notify_all = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);

	memset(out, 0, sizeof(*out));
	out->filter = xmalloc(sizeof(notify_all));
	memcpy(out->filter, &notify_all, sizeof(notify_all));
	out->n_insns = 1;
	out->wants_notify = true;
	return 0;
}

int hr_seccomp_load_supervised(const struct hr_seccomp_program *p, int sock, bool make_dumpable,
			       struct hr_error *err)
{
	struct hr_seccomp_program prog = *p;
	struct handover_msg msg = { .magic = HANDOVER_MAGIC };
	int probe, notify_fd = -1;

	/* the fd seccomp(2) will return: the lowest free one */
	probe = fcntl(sock, F_DUPFD_CLOEXEC, 0);
	if (probe < 0)
		return hr_error_set(err, errno, "supervised seccomp: finding a free fd");
	close(probe);
	msg.fd = probe;
	/* A rootless runtime has no CAP_SYS_PTRACE where our memory map was
	 * made (its own user namespace), so pidfd_getfd needs us dumpable.
	 * Non-dumpable keeps other container processes off hardrun's image;
	 * this late the identity, capabilities and fds are the workload's
	 * (with noNewPrivileges, and a fresh container: this is a test run),
	 * and execve sets dumpable again from the workload's binary. */
	if (make_dumpable && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return hr_error_set(err, errno, "supervised seccomp: prctl(PR_SET_DUMPABLE)");
	if (hr_write_all(sock, &msg, sizeof(msg)) < 0)
		return hr_error_set(err, errno, "supervised seccomp: telling the supervisor the fd");
	prog.wants_notify = true;
	if (hr_seccomp_load(&prog, &notify_fd, err) < 0)
		return -1;
	/* Both stay open until execve closes them (O_CLOEXEC): a filter whose
	 * last listener fd is closed answers ENOSYS, and with a complain-mode
	 * filter the process runs on freely until its execve, which is always
	 * notified and so waits until the supervisor holds the fd. A different
	 * fd than announced cannot be reported any more: the supervisor times
	 * out and names it. */
	(void)notify_fd;
	return 0;
}

static bool is_seccomp_notify_fd(int fd)
{
	char path[64], target[64] = { 0 };

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (readlink(path, target, sizeof(target) - 1) < 0)
		return false;
	return strcmp(target, "anon_inode:seccomp notify") == 0;
}

static int read_announcement(int sock, int pidfd, long long deadline, int *fd_nr, struct hr_error *err)
{
	struct handover_msg msg;
	ssize_t n;

	for (;;) {
		struct pollfd p[2] = { { .fd = sock, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
		long long left = deadline - hr_now_ms();
		if (left <= 0)
			return hr_error_set(err, ETIMEDOUT, "supervised seccomp: the container process did not "
							    "announce its filter");
		if (poll(p, 2, (int)left) < 0 && errno != EINTR)
			return hr_error_set(err, errno, "supervised seccomp: poll");
		if (p[0].revents & POLLIN)
			break;
		if (p[1].revents & POLLIN)
			return hr_error_set(err, ESRCH, "supervised seccomp: the container process exited "
							"before loading its filter");
		if (p[0].revents & (POLLHUP | POLLERR))
			return hr_error_set(err, EPIPE, "supervised seccomp: the container process closed "
							"the channel before loading its filter");
	}
	n = read(sock, &msg, sizeof(msg));
	if (n != (ssize_t)sizeof(msg) || msg.magic != HANDOVER_MAGIC || msg.fd < 0)
		return hr_error_set(err, n < 0 ? errno : EPROTO,
				    "supervised seccomp: bad announcement from the container process");
	*fd_nr = msg.fd;
	return 0;
}

int hr_seccomp_take_listener(int sock, int pidfd, int timeout_ms, int *notify_fd, struct hr_error *err)
{
	long long deadline = hr_now_ms() + timeout_ms;
	struct timespec pause = { 0, 50 * 1000 };
	int nr = -1;

	*notify_fd = -1;
	if (read_announcement(sock, pidfd, deadline, &nr, err) < 0)
		return -1;
	/* the load follows the announcement within microseconds; until then
	 * the fd number is free or (never, the process being single-threaded)
	 * something else */
	while (hr_now_ms() < deadline) {
		int fd = (int)syscall(SYS_pidfd_getfd, pidfd, nr, 0);
		if (fd >= 0 && is_seccomp_notify_fd(fd)) {
			*notify_fd = fd;
			return 0;
		}
		if (fd >= 0)
			close(fd);
		else if (errno != EBADF)
			return hr_error_set(err, errno, "supervised seccomp: pidfd_getfd(fd %d) of the container "
							"process", nr);
		nanosleep(&pause, NULL);
	}
	return hr_error_set(err, ETIMEDOUT, "supervised seccomp: fd %d of the container process never became "
					    "its seccomp listener", nr);
}
