/* bench-rusage: run a command and report what it cost, for scripts/bench*.
 *
 *   bench-rusage COMMAND [ARG...]
 *
 * Forks and executes COMMAND, waits for it and writes one line to fd 3:
 * "EXIT WALL_US CPU_US MAXRSS_KB": its exit code (128+signal when killed),
 * the wall time from fork to reap, user + system time of COMMAND and of every
 * descendant it waited for, and the largest resident set among them.
 *
 * Why a separate small program: Linux keeps a process's peak RSS across
 * execve, and a child forked (or vforked) from python starts with python's
 * resident set, so every command would report at least python's size. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long tv_us(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	long long t0, t1;
	int status, code;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-rusage COMMAND [ARG...]\n");
		return 2;
	}
	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		perror("bench-rusage: fork");
		return 2;
	}
	if (pid == 0) {
		close(3);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "bench-rusage: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("bench-rusage: wait4");
			return 2;
		}
	}
	t1 = now_us();
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	dprintf(3, "%d %lld %lld %ld\n", code, t1 - t0, tv_us(ru.ru_utime) + tv_us(ru.ru_stime), ru.ru_maxrss);
	return 0;
}
