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
 *   argv: MAGIC SYNC_FD PROC_FD ATTR_PATH ATTR_CMD PATH ARGV0 [ARGS...]
 *   envp: the workload's
 *
 * It runs under the workload's seccomp filter. Unless PROC_FD is "-", it
 * first writes the AppArmor exec transition ATTR_CMD ("exec PROFILE") to
 * ATTR_PATH under PROC_FD, a /proc hardrun verified, opened with the same
 * checks as hardrun's (openat2 beneath it, no mount crossed, no magic link,
 * then the file must be on procfs). hardrun cannot open it for us: the
 * kernel takes writes to it only from the mm that opened it. Then SYNC_FD
 * and PROC_FD become close-on-exec (SYNC_FD's EOF tells the runtime the
 * workload runs) and it executes PATH. A failure goes to SYNC_FD as an
 * error message in the runtime's sync format, and it exits 127. No libc: a static
 * program without a dynamic loader (a container's planted loader is never
 * used) and with no start-up work. Started any other way (a container
 * executing /proc/self/exe of this process), it exits 127 at once. */
#include <asm/unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
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

static long sys4(long nr, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
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

/* {type, errno, "WHAT \"ARG\""}: the runtime adds strerror(errno) */
static void report(int fd, long errnum, const char *what, const char *arg)
{
	struct hr_finish_error msg; /* no initializer: it would be a memset call */
	size_t n = 0, len = length(arg);

	while (*what && n < 64)
		msg.text[n++] = *what++;
	msg.text[n++] = ' ';
	msg.text[n++] = '"';
	for (size_t i = 0; i < len && n < sizeof(msg.text) - 2; i++)
		msg.text[n++] = arg[i];
	msg.text[n++] = '"';
	msg.text[n++] = '\0';
	msg.type = HR_FINISH_SYNC_EXEC_ERROR;
	msg.value = (int32_t)errnum;
	sys3(__NR_write, fd, (long)&msg, (long)(offsetof(struct hr_finish_error, text) + n));
}

/* The AppArmor exec transition: 0 or -errno. */
static long write_exec_label(int proc_fd, const char *path, const char *cmd)
{
	struct open_how how = { .flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH };
	long sfs[16]; /* struct statfs: f_type comes first */
	long fd, rc;
	size_t len = length(cmd);

	fd = sys4(__NR_openat2, proc_fd, (long)path, (long)&how, sizeof(how));
	if (fd < 0)
		return fd;
	rc = sys3(__NR_fstatfs, fd, (long)sfs, 0);
	if (rc == 0 && sfs[0] != PROC_SUPER_MAGIC)
		rc = -EXDEV; /* something other than procfs took the path */
	if (rc == 0)
		rc = sys3(__NR_write, fd, (long)cmd, (long)len);
	if (rc >= 0)
		rc = rc == (long)len ? sys3(__NR_fcntl, proc_fd, F_SETFD, FD_CLOEXEC) : -EIO;
	return rc;
}

__attribute__((used, noreturn)) void hr_finish_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	int sync_fd, proc_fd = -1;
	long rc;

	if (argc < 7 || !same(argv[0], HR_FINISH_MAGIC))
		die();
	sync_fd = parse_fd(argv[1]);
	if (!same(argv[2], "-"))
		proc_fd = parse_fd(argv[2]);
	if (sync_fd < 0 || (proc_fd < 0 && !same(argv[2], "-")))
		die();
	if (proc_fd >= 0) {
		rc = write_exec_label(proc_fd, argv[3], argv[4]);
		if (rc < 0) {
			report(sync_fd, -rc, "setting the AppArmor exec label", argv[4]);
			die();
		}
	}
	rc = sys3(__NR_fcntl, sync_fd, F_SETFD, FD_CLOEXEC);
	if (rc == 0)
		rc = sys3(__NR_execve, (long)argv[5], (long)(argv + 6), (long)envp);
	report(sync_fd, -rc, "exec", argv[5]);
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
