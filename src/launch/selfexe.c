/* CVE-2019-5736: a container that makes the kernel execute /proc/self/exe
 * while a hardrun process is its "self" (an entrypoint "#!/proc/self/exe",
 * or `exec ID /proc/self/exe`) runs hardrun's image with the container's
 * dynamic loader, which can keep an O_PATH handle on the binary and reopen
 * it for writing once hardrun has exited. Non-dumpable does not help: the
 * process reads its own /proc/self/exe.
 *
 * Defence: the verbs that put a process into a container (create, run,
 * exec) never reach it with the host file. exec into a container with a
 * user namespace of its own ends through hardrun-exec-finish instead and
 * copies nothing (container/exec_finish.c says why that is safe); it calls
 * ensure_protected_late only when it does not. As root the file's mappings
 * are replaced in place by anonymous copies and /proc/self/exe becomes a
 * sealed, empty memfd (selfexe_remap.c); otherwise hardrun re-executes
 * itself from a memfd copy sealed against writes. Either way the only file
 * a container can ever reach is private and immutable.
 * A binary on a read-only mount is already out of reach (the container
 * cannot remount a mount of another mount namespace) and is not copied. */
#include "launch/selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

extern char **environ;

static char **remembered_argv;
static bool protected_now;

static int open_self(struct hr_error *err)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		hr_error_set(err, errno, "open /proc/self/exe (needed to protect hardrun's binary from containers)");
	return fd;
}

static bool fd_is_protected(int fd)
{
	struct statvfs vfs;
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals >= 0 && (seals & HR_MEMFD_SEALS) == HR_MEMFD_SEALS)
		return true;
	return fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

bool hr_selfexe_is_protected(struct hr_error *err)
{
	_cleanup_close_ int fd = open_self(err);

	return fd >= 0 && fd_is_protected(fd);
}

/* The bytes exec and the mappings need: the ELF header, the program
 * headers and what they cover. The rest is section headers, symbols and,
 * in a -g build, debug information (1.5 of 2.2 MB, ~0.4 ms of copying per
 * start); *eh is read when the answer is shorter than the file. */
static off_t loaded_size(int fd, off_t size, ElfW(Ehdr) *eh)
{
	ElfW(Phdr) ph;
	off_t end;

	if (pread(fd, eh, sizeof(*eh), 0) != (ssize_t)sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_phentsize != sizeof(ph) || eh->e_phnum == 0 || eh->e_phnum >= PN_XNUM)
		return size;
	end = (off_t)(eh->e_phoff + eh->e_phnum * sizeof(ph));
	for (size_t i = 0; i < eh->e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh->e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
			return size;
		if ((off_t)(ph.p_offset + ph.p_filesz) > end)
			end = (off_t)(ph.p_offset + ph.p_filesz);
	}
	return end < size ? end : size;
}

static int copy_loaded(int from, int to, struct hr_error *err)
{
	struct stat st;
	ElfW(Ehdr) eh;
	off_t off = 0, len;

	if (fstat(from, &st) < 0)
		return hr_error_set(err, errno, "stat /proc/self/exe");
	len = loaded_size(from, st.st_size, &eh);
	while (off < len) {
		ssize_t n = sendfile(to, from, &off, (size_t)(len - off));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return hr_error_set(err, n < 0 ? errno : EIO, "copy hardrun's binary into a memfd");
	}
	if (len < st.st_size) { /* a valid ELF file: no section headers */
		eh.e_shoff = 0;
		eh.e_shnum = 0;
		eh.e_shstrndx = SHN_UNDEF;
		if (pwrite(to, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
			return hr_error_set(err, errno, "write the ELF header of hardrun's memfd copy");
	}
	return 0;
}

/* A memfd sealed against writes: empty, or holding what the program
 * headers of `self` cover (self >= 0). -1 with err when it cannot be. */
static int sealed_memfd(int self, struct hr_error *err)
{
	_cleanup_close_ int fd = hr_memfd_for_exec("hardrun", err);

	if (fd < 0 || (self >= 0 && copy_loaded(self, fd, err) < 0) || hr_memfd_seal(fd, "hardrun", err) < 0)
		return -1;
	return hr_steal_fd(fd);
}

int hr_selfexe_ensure_protected(char **argv, struct hr_error *err)
{
	_cleanup_close_ int self = open_self(err);
	_cleanup_close_ int copy = -1;

	if (self < 0)
		return -1;
	if (fd_is_protected(self)) {
		/* the copy's comm is "memfd:hardrun"; tools expect ours */
		(void)prctl(PR_SET_NAME, "hardrun", 0, 0, 0);
		protected_now = true;
		return 0;
	}
	/* in place: an empty sealed memfd as exe (nothing to copy into it) */
	copy = sealed_memfd(-1, err);
	if (copy < 0)
		return -1;
	if (hr_selfexe_remap(self, copy) == 0) {
		hr_log_debugf("selfexe: running from anonymous copies (remapped in place), exe a sealed empty memfd");
		protected_now = true;
		return 0;
	}
	close(copy);
	copy = sealed_memfd(self, err);
	if (copy < 0)
		return -1;
	hr_log_debugf("selfexe: re-executing from the sealed copy");
	syscall(SYS_execveat, copy, "", argv, environ, AT_EMPTY_PATH);
	return hr_error_set(err, errno, "re-execute hardrun from its sealed copy (refusing to run containers "
					"from a binary they could overwrite)");
}

void hr_selfexe_remember_argv(char **argv)
{
	remembered_argv = argv;
}

int hr_selfexe_ensure_protected_late(struct hr_error *err)
{
	if (protected_now)
		return 0;
	if (!remembered_argv)
		return hr_error_set(err, 0, "internal error: hardrun's image was not protected before entering a "
					   "container, and its argv is unknown");
	return hr_selfexe_ensure_protected(remembered_argv, err);
}
