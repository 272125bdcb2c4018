/* hardrun-exec-finish: the last step of `hardrun exec`, as its own tiny
 * program (issue 16).
 *
 * The process `exec` puts into a container is set up by hardrun's code
 * (namespaces, cwd, identity, capabilities, no_new_privs, the seccomp
 * filter) and then, instead of calling execve itself, executes this
 * program from a sealed memfd, which executes the workload. So the
 * workload is never started by a process whose /proc/self/exe is
 * hardrun's host file (CVE-2019-5736: "#!/proc/self/exe" would start
 * hardrun's image in the container), without copying hardrun's image
 * first (0.5 ms per exec). See src/container/exec_finish.c for when it is
 * used and why that is safe.
 *
 *   argv: MAGIC SYNC_FD PATH ARGV0 [ARGS...]    envp: the workload's
 *
 * It runs under the workload's seccomp filter and makes two syscalls
 * before execve: fcntl (SYNC_FD close-on-exec, so that its EOF tells the
 * runtime the workload runs) and, on failure, one write of an error
 * message to SYNC_FD in the runtime's sync format. No libc: a static
 * program without a dynamic loader (a container's planted loader is never
 * used) and with no start-up work. Started any other way (a container
 * executing /proc/self/exe of this process), it exits 127 at once. */
#include <asm/unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "finish/protocol.h"

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
}

static __attribute__((noreturn)) void die(void)
{
	for (;;)
		sys3(__NR_exit_group, 127, 0, 0);
}

static size_t length(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static int parse_fd(const char *s)
{
	int fd = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || fd > 100000)
			return -1;
		fd = fd * 10 + (*s - '0');
	}
	return fd;
}

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* {type, errno, "exec \"PATH\""}: the runtime adds strerror(errno) */
static void report(int fd, long errnum, const char *path)
{
	struct hr_finish_error msg; /* no initializer: it would be a memset call */
	size_t n = 0, len = length(path);
	const char *pre = "exec \"";

	while (*pre)
		msg.text[n++] = *pre++;
	for (size_t i = 0; i < len && n < sizeof(msg.text) - 2; i++)
		msg.text[n++] = path[i];
	msg.text[n++] = '"';
	msg.text[n++] = '\0';
	msg.type = HR_FINISH_SYNC_EXEC_ERROR;
	msg.value = (int32_t)errnum;
	sys3(__NR_write, fd, (long)&msg, (long)(offsetof(struct hr_finish_error, text) + n));
}

__attribute__((used, noreturn)) void hr_finish_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	int sync_fd;
	long rc;

	if (argc < 4 || !same(argv[0], HR_FINISH_MAGIC))
		die();
	sync_fd = parse_fd(argv[1]);
	if (sync_fd < 0)
		die();
	rc = sys3(__NR_fcntl, sync_fd, F_SETFD, FD_CLOEXEC);
	if (rc == 0)
		rc = sys3(__NR_execve, (long)argv[2], (long)(argv + 3), (long)envp);
	report(sync_fd, -rc, argv[2]);
	die();
}

/* the kernel enters with the stack pointer at argc, 16-byte aligned */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call hr_finish_main\n"
	"	hlt\n");
