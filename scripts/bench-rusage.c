/* bench-rusage: run a command and report what it cost, for scripts/bench*.
 *
 *   bench-rusage [--no-subreaper] COMMAND [ARG...]
 *
 * Forks and executes COMMAND, waits for it and writes one line to fd 3:
 * "EXIT WALL_US CPU_US MAXRSS_KB": its exit code (128+signal when killed),
 * the wall time from fork to reap, user + system time of COMMAND and of all
 * its descendants, and the largest resident set among them.
 *
 * We are a child subreaper: a descendant whose parent exits without reaping
 * it (bubblewrap's monitor does that to its sandbox) is reparented to us
 * and reaped here, so its CPU time counts too; after COMMAND exits we reap
 * every remaining descendant (for at most 10 s) before reading
 * RUSAGE_CHILDREN. --no-subreaper is for commands that leave a process
 * behind on purpose (`create`): only COMMAND and what it waited for count.
 *
 * Why a separate small program: Linux keeps a process's peak RSS across
 * execve, and a child forked (or vforked) from python starts with python's
 * resident set, so every command would report at least python's size. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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
	int status, code, subreaper = 1;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "--no-subreaper") == 0) {
		subreaper = 0;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: bench-rusage [--no-subreaper] COMMAND [ARG...]\n");
		return 2;
	}
	if (subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("bench-rusage: PR_SET_CHILD_SUBREAPER");
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
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("bench-rusage: waitpid");
			return 2;
		}
	}
	t1 = now_us();
	alarm(10); /* a descendant that never exits must not hang the benchmark */
	while (wait(NULL) > 0 || errno == EINTR)
		;
	getrusage(RUSAGE_CHILDREN, &ru);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	dprintf(3, "%d %lld %lld %ld\n", code, t1 - t0, tv_us(ru.ru_utime) + tv_us(ru.ru_stime), ru.ru_maxrss);
	return 0;
}
