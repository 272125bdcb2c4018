/* The host file out of reach without a second start (issue 16).
 *
 * What CVE-2019-5736 needs is a process inside a container whose
 * /proc/PID/exe (mm->exe_file) or one of whose mappings is hardrun's host
 * file. Re-executing from a sealed memfd copy removes both, at the price of
 * a second start of hardrun (exec, dynamic loader, page faults: ~1 ms of
 * CPU on every create, run and exec). This does the same in place: every
 * mapping of the host file is replaced by anonymous memory holding its
 * current bytes (moved over it with mremap), then PR_SET_MM_MAP points
 * mm->exe_file at a sealed, empty memfd. Afterwards the process holds no
 * reference to the host file at all (no mapping, no fd, not its exe), as
 * after the re-exec, and shares no page cache with anything: a container
 * that executes /proc/self/exe gets ENOEXEC, and a kernel bug that writes
 * through a read-only file (Dirty Pipe) has no file of ours to write to.
 * What clone and fork hand to the container process is this address space.
 *
 * - The copies are of the bytes in memory, so relocated data, RELRO and
 *   the written data segment stay as they are.
 * - The kernel refuses the new exe while any mapping of the old file
 *   remains (EBUSY); we check again ourselves in /proc/self/maps, so that
 *   the guarantee does not rest on that kernel check.
 * - Needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN (root), x86_64 (on arm64
 *   the text would lose PROT_BTI) and no AddressSanitizer (its redzones
 *   between globals make the copy of the data segment fault). Anything
 *   refused or unexpected returns -1 and the caller re-executes from a
 *   sealed copy, which replaces whatever was remapped. */
#include "launch/selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

#define MAX_VMAS 32

struct self_vma {
	uintptr_t start, end;
	int prot;
	off_t offset;
};

struct self_maps {
	struct self_vma v[MAX_VMAS];
	size_t n;
};

static int parse_prot(const char *perms)
{
	return (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
	       (perms[2] == 'x' ? PROT_EXEC : 0);
}

/* The mappings of the file dev:ino in /proc/self/maps; -1 when unreadable
 * or more than MAX_VMAS (then we do not know them all). */
static int self_maps_of(dev_t dev, ino_t ino, struct self_maps *out)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/maps", "re");
	char line[512], perms[8];
	uintmax_t start, end, off, inode;
	unsigned int maj, min;

	out->n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%jx-%jx %7s %jx %x:%x %ju", &start, &end, perms, &off, &maj, &min, &inode) != 7)
			return -1;
		if (inode != (uintmax_t)ino || makedev(maj, min) != dev)
			continue;
		if (out->n == MAX_VMAS)
			return -1;
		out->v[out->n++] = (struct self_vma){ (uintptr_t)start, (uintptr_t)end, parse_prot(perms), (off_t)off };
	}
	return ferror(f) ? -1 : 0;
}

/* Fields 1..52 of /proc/self/stat (f[1] is the pid), read without malloc. */
static int read_self_stat(unsigned long long f[53])
{
	char buf[1024];
	_cleanup_close_ int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	char *p, *end;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the comm may hold spaces and parentheses */
	if (!p || p[1] != ' ' || !p[2])
		return -1;
	p += 3; /* field 3, the state */
	memset(f, 0, 53 * sizeof(f[0]));
	for (int i = 4; i <= 52; i++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		f[i] = strtoull(p + 1, &end, 10);
		p = end;
	}
	return 0;
}

/* mm->exe_file through PR_SET_MM_MAP, which needs CAP_CHECKPOINT_RESTORE or
 * CAP_SYS_ADMIN in our user namespace (PR_SET_MM_EXE_FILE would need
 * CAP_SYS_RESOURCE, which container hosts often drop). PR_SET_MM_MAP also
 * sets the mm's bounds: they are given as they are (the brk last, with no
 * allocation after reading it). */
static int set_exe_file(int exe)
{
	struct prctl_mm_map m = { .exe_fd = (uint32_t)exe };
	unsigned long long f[53];

	if (read_self_stat(f) < 0)
		return -1;
	m.start_code = f[26];
	m.end_code = f[27];
	m.start_stack = f[28];
	m.start_data = f[45];
	m.end_data = f[46];
	m.start_brk = f[47];
	m.arg_start = f[48];
	m.arg_end = f[49];
	m.env_start = f[50];
	m.env_end = f[51];
	m.brk = (uint64_t)syscall(SYS_brk, 0);
	return prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&m, sizeof(m), 0);
}

/* The mapping's current bytes, in anonymous memory moved over it. A
 * mapping without read access holds nothing anyone can use: it becomes
 * anonymous memory without access. */
static int remap_vma_anonymous(const struct self_vma *v)
{
	size_t len = v->end - v->start;
	void *tmp;

	if (!(v->prot & PROT_READ))
		return mmap((void *)v->start, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
				       MAP_FAILED ? -1 : 0;
	/* populated at once: one fault-free copy instead of a fault per page */
	tmp = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (tmp == MAP_FAILED)
		return -1;
	memcpy(tmp, (const void *)v->start, len);
	if (mprotect(tmp, len, v->prot) < 0 || mremap(tmp, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, v->start) == MAP_FAILED) {
		munmap(tmp, len);
		return -1;
	}
	return 0;
}

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define REMAP_HERE true
#else
#define REMAP_HERE false
#endif

int hr_selfexe_remap(int self, int exe)
{
	struct self_maps maps;
	struct stat host;

	if (!REMAP_HERE || fstat(self, &host) < 0 || self_maps_of(host.st_dev, host.st_ino, &maps) < 0 || maps.n == 0)
		return -1;
	for (size_t i = 0; i < maps.n; i++)
		if (remap_vma_anonymous(&maps.v[i]) < 0) {
			hr_log_debugf("selfexe: remapping %#" PRIxPTR " failed: %s", maps.v[i].start, strerror(errno));
			return -1;
		}
	if (set_exe_file(exe) < 0) {
		hr_log_debugf("selfexe: PR_SET_MM_MAP with the sealed memfd as exe: %s", strerror(errno));
		return -1;
	}
	/* our own check that nothing maps the host file any more */
	if (self_maps_of(host.st_dev, host.st_ino, &maps) < 0 || maps.n != 0)
		return -1;
	return 0;
}
