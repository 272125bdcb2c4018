/* try-syscall: performs one system call by name, for seccomp tests inside
 * containers (static, no libseccomp: raw syscall(2)).
 *
 *   try-syscall NAME [ARG...]
 *
 * ARGs are numbers (decimal, 0x hex or 0 octal, as strtoull) or, for
 * path-taking calls, strings: a non-numeric ARG is passed as a pointer to
 * the string. Prints "NAME: RESULT" (the return value) or
 * "NAME: errno N (EXXX)" and always exits 0 (2 on usage errors).
 *
 *   try-syscall getpid               -> getpid: 1
 *   try-syscall unshare 0x10000000   -> unshare: errno 1 (EPERM)
 *   try-syscall mount none /mnt tmpfs 0 0
 *   try-syscall clone3               -> clone3: errno 38 (ENOSYS)
 *   try-syscall nr:1000              -> nr:1000: errno 38 (ENOSYS)
 *
 * clone/clone3/fork-like calls that succeed make the child _exit(0) at once.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct entry {
	const char *name;
	long nr;
};

#define E(n) { #n, SYS_##n }
static const struct entry table[] = {
	E(getpid), E(getppid), E(getuid), E(unshare), E(mount), E(umount2), E(setns),
	E(personality), E(keyctl), E(add_key), E(request_key), E(bpf), E(ptrace),
	E(perf_event_open), E(userfaultfd), E(clone), E(clone3), E(chmod), E(mkdir),
	E(socket), E(kexec_load), E(init_module), E(finit_module), E(delete_module),
	E(open), E(openat), E(pivot_root), E(swapon), E(swapoff), E(reboot),
	E(open_by_handle_at), E(chroot), E(sethostname), E(syslog), E(acct),
	E(io_uring_setup), E(process_vm_readv), E(kcmp), E(settimeofday), E(uname),
	E(fsopen), E(open_tree), E(move_mount), E(quotactl), E(iopl), E(ioperm),
	E(modify_ldt), E(umask), E(getcwd), E(write), E(kill), E(setuid), E(setgid),
	E(capset), E(prctl), E(mknod), E(chown), E(unlink), E(rmdir),
};

static const struct {
	int num;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" },
	{ EIO, "EIO" }, { EBADF, "EBADF" }, { ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" }, { ENOSPC, "ENOSPC" },
	{ EROFS, "EROFS" }, { ERANGE, "ERANGE" }, { ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" }, { ENODEV, "ENODEV" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { ENOTSUP, "ENOTSUP" }, { E2BIG, "E2BIG" }, { EXDEV, "EXDEV" },
	{ ENOEXEC, "ENOEXEC" }, { ENXIO, "ENXIO" }, { ESPIPE, "ESPIPE" }, { ELOOP, "ELOOP" },
};

static const char *errname(int e)
{
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].num == e)
			return errnames[i].name;
	return "?";
}

static long parse_arg(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (*s && *end == '\0' && errno == 0)
		return (long)v;
	return (long)(uintptr_t)s;
}

int main(int argc, char **argv)
{
	long a[6] = { 0 };
	const struct entry *e = NULL;
	long rc;

	if (argc < 2 || argc > 8) {
		fprintf(stderr, "usage: try-syscall NAME [ARG...] (up to 6 args)\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, argv[1]) == 0)
			e = &table[i];
	/* "nr:N": a raw syscall number, e.g. one newer than any profile knows */
	static struct entry raw;
	if (!e && strncmp(argv[1], "nr:", 3) == 0) {
		raw.name = argv[1];
		raw.nr = strtol(argv[1] + 3, NULL, 0);
		e = &raw;
	}
	if (!e) {
		fprintf(stderr, "try-syscall: unknown syscall name \"%s\"\n", argv[1]);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		a[i - 2] = parse_arg(argv[i]);
	rc = syscall(e->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (rc < 0) {
		int err = errno;
		printf("%s: errno %d (%s)\n", e->name, err, errname(err));
		return 0;
	}
	if ((e->nr == SYS_clone || e->nr == SYS_clone3) && rc == 0)
		_exit(0);
	if (e->nr == SYS_clone || e->nr == SYS_clone3)
		waitpid((pid_t)rc, NULL, __WALL);
	printf("%s: %ld\n", e->name, rc);
	return 0;
}
