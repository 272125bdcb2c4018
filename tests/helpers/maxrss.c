/* maxrss OUT COMMAND [ARG...]: runs COMMAND and writes its peak resident set
 * in KiB (ru_maxrss of the reaped child) to the file OUT; exits with
 * COMMAND's status. Static and small, so the size the child has before it
 * execs (Linux keeps that peak across execve) is ours, not a shell's. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: maxrss OUT COMMAND [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0)
		return perror("maxrss: fork"), 2;
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("maxrss: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return perror("maxrss: wait4"), 2;
	out = fopen(argv[1], "w");
	if (!out || fprintf(out, "%ld\n", ru.ru_maxrss) < 0 || fclose(out) != 0)
		return perror("maxrss: write"), 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
