/* ptracer STOPFILE OUTFILE CONTROL_PID: a container process that watches
 * /proc for new processes until STOPFILE exists and, for each one that is
 * still the runtime (comm "hardrun"; the runtime's process before it
 * executes the workload, as during `exec`, and hardrun-exec-finish), tries
 * what CVE-2016-9962 did, over and over until it is no longer hardrun's:
 * open its fds through /proc/PID/fd and PTRACE_ATTACH to it. First, as a control, it
 * attaches to CONTROL_PID (an ordinary process of the container, not its
 * descendant): if that fails, ptrace is blocked for other reasons and the
 * attempts prove nothing. Writes "control=ok|failed seen=N fds=N
 * attached=N" to OUTFILE. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PID (1 << 22)

static unsigned char seen[MAX_PID / 8];

static int read_comm(int pid, char *buf, size_t len)
{
	char path[64];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = (int)read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int attach(int pid)
{
	int status;

	if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0)
		return -1;
	waitpid(pid, &status, __WALL);
	return 0;
}

static int is_runtime(int pid)
{
	char comm[64];

	return read_comm(pid, comm, sizeof(comm)) == 0 && strstr(comm, "hardrun") != NULL;
}

/* Whether any fd of the process can be opened; closes dirfd. */
static int reachable_fds(int dirfd)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;
	int found = 0;

	if (!d) {
		close(dirfd);
		return 0;
	}
	while ((de = readdir(d)) && !found) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		/* listing shows numbers only (the directory is root's); an fd
		 * opens through the link only with ptrace access */
		fd = openat(dirfd, de->d_name, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			found = 1;
			close(fd);
		}
	}
	closedir(d);
	return found;
}

/* One attempt on a runtime process. */
static void attack_once(int pid, long *fds, long *attached)
{
	char path[64];
	int fd;

	/* opening and listing the directory is allowed to root (the owner of a
	 * non-dumpable process's); what counts is opening an fd through it */
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && reachable_fds(fd) && is_runtime(pid))
		(*fds)++;
	else if (fd >= 0)
		close(fd);
	if (attach(pid) == 0) {
		/* stopped now: what it runs cannot change under us */
		if (is_runtime(pid))
			(*attached)++;
		ptrace(PTRACE_DETACH, pid, 0, 0);
		/* an attach that raced the process's execve leaves a SIGSTOP
		 * pending after the detach: the workload must not stay stopped */
		kill(pid, SIGCONT);
	}
}

/* A new process: attacked again and again for as long as it is hardrun's
 * (through every stage: its setup, then hardrun-exec-finish, whose comm
 * is "memfd:hardrun-e..."); 1 when it was. */
static int try_pid(int pid, long *fds, long *attached)
{
	if (!is_runtime(pid))
		return 0;
	do
		attack_once(pid, fds, attached);
	while (is_runtime(pid));
	return 1;
}

int main(int argc, char **argv)
{
	long n_seen = 0, fds = 0, attached = 0;
	int control, self = getpid();
	FILE *out;

	if (argc != 4)
		return 2;
	control = attach(atoi(argv[3])) == 0;
	if (control)
		ptrace(PTRACE_DETACH, atoi(argv[3]), 0, 0);
	while (access(argv[1], F_OK) != 0) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		if (!d)
			return 3;
		while ((de = readdir(d))) {
			int pid = atoi(de->d_name);

			if (pid <= 0 || pid >= MAX_PID || pid == self || (seen[pid / 8] & (1 << (pid % 8))))
				continue;
			seen[pid / 8] |= (unsigned char)(1 << (pid % 8));
			n_seen += try_pid(pid, &fds, &attached);
		}
		closedir(d);
	}
	out = fopen(argv[2], "w");
	if (!out)
		return 4;
	fprintf(out, "control=%s seen=%ld fds=%ld attached=%ld\n", control ? "ok" : "failed", n_seen, fds, attached);
	return fclose(out) == 0 ? 0 : 4;
}
