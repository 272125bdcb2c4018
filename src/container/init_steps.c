/* Small container-side steps of hr_init_container, each fail-closed. */
#include "container/handoff.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Closes every fd from first on except those listed (negative entries are
 * ignored). The runtime's fds (cgroup dirs, state dir, lock, log) must be
 * gone before the container process touches any path of the container:
 * a directory fd reachable as /proc/self/fd/N is a way out (CVE-2024-21626). */
int hr_close_fds_except(unsigned int first, const int *keep, size_t n, struct hr_error *err)
{
	int sorted[64];
	size_t m = 0;
	unsigned int from = first;

	for (size_t i = 0; i < n && m < HR_ARRAY_SIZE(sorted); i++)
		if (keep[i] >= 0 && (unsigned int)keep[i] >= first)
			sorted[m++] = keep[i];
	qsort(sorted, m, sizeof(int), cmp_int);
	for (size_t i = 0; i < m; i++) {
		if ((unsigned int)sorted[i] > from && syscall(SYS_close_range, from, sorted[i] - 1, 0) < 0)
			return hr_error_set(err, errno, "close the runtime's file descriptors");
		if ((unsigned int)sorted[i] + 1 > from)
			from = (unsigned int)sorted[i] + 1;
	}
	if (syscall(SYS_close_range, from, ~0U, 0) < 0)
		return hr_error_set(err, errno, "close the runtime's file descriptors");
	return 0;
}

/* Changes into the process cwd, resolved inside the root without magic
 * links (/proc/self/fd/N, /proc/PID/cwd), then checks the kernel sees the
 * new cwd under our root: getcwd() of a directory outside it is not a
 * plain absolute path ("(unreachable)/..."). */
int hr_enter_cwd(const char *cwd, struct hr_error *err)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
	_cleanup_close_ int dir = -1;
	char buf[PATH_MAX];
	long n;

	if (fd < 0)
		return hr_error_set(err, errno, "open the container's root");
	dir = (int)syscall(SYS_openat2, fd, cwd, &how, sizeof(how));
	if (dir < 0 || fchdir(dir) < 0)
		return hr_error_set(err, errno, "chdir to cwd \"%s\" in the container", cwd);
	n = syscall(SYS_getcwd, buf, sizeof(buf));
	if (n < 0 || buf[0] != '/')
		return hr_error_set(err, n < 0 ? errno : 0, "cwd \"%s\" is outside the container's root", cwd);
	return 0;
}

/* A new session keyring keeps the host's keys out of the container's
 * reach; only a kernel without keyrings (ENOSYS) is tolerated. */
int hr_join_session_keyring(struct hr_error *err)
{
	if (syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL) >= 0)
		return 0;
	if (errno == ENOSYS) {
		hr_log_warnf("no kernel keyring support: the container shares no session keyring");
		return 0;
	}
	return hr_error_set(err, errno, "join a new session keyring");
}

/* PR_SET_PDEATHSIG, then make sure the parent was not already gone. */
int hr_die_with_parent(pid_t parent, struct hr_error *err)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return hr_error_set(err, errno, "prctl(PR_SET_PDEATHSIG)");
	/* in a new pid namespace the parent is outside it: getppid() is 0 */
	if (parent > 0 && getppid() != 0 && getppid() != parent)
		return hr_error_set(err, 0, "the runtime exited before the container process was set up");
	return 0;
}

int hr_set_dumpable(bool dumpable, struct hr_error *err)
{
	if (prctl(PR_SET_DUMPABLE, dumpable ? 1 : 0, 0, 0, 0) < 0)
		return hr_error_set(err, errno, "prctl(PR_SET_DUMPABLE, %d)", dumpable ? 1 : 0);
	return 0;
}
