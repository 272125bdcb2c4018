#include "base/util.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

void hr_freep(void *p)
{
	free(*(void **)p);
}

void hr_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
	*fd = -1;
}

void hr_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
	*f = NULL;
}

void hr_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void hr_strv_freep(char ***v)
{
	hr_strv_free(*v);
	*v = NULL;
}

size_t hr_strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

static void oom(void)
{
	static const char msg[] = "hardrun: out of memory\n";
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	char *p;
	if (!s)
		return NULL;
	p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return p;
}

ssize_t hr_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(fd, p + done, len - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)w;
	}
	return (ssize_t)done;
}

ssize_t hr_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t r = read(fd, p + done, len - done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

int hr_read_file_at(int dirfd, const char *path, char **out, size_t *len, struct hr_error *err)
{
	return hr_read_file_flags_at(dirfd, path, 0, out, len, err);
}

int hr_read_file_flags_at(int dirfd, const char *path, int oflags, char **out, size_t *len,
			  struct hr_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | oflags);
	_cleanup_free_ char *buf = NULL;
	size_t cap = 4096, used = 0;

	if (fd < 0)
		return hr_error_set(err, errno, "open `%s`", path);
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;
		if (used + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + used, cap - used - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return hr_error_set(err, errno, "read `%s`", path);
		}
		if (r == 0)
			break;
		used += (size_t)r;
	}
	buf[used] = '\0';
	if (len)
		*len = used;
	*out = hr_steal_ptr(buf);
	return 0;
}

int hr_write_file_at(int dirfd, const char *path, const void *data, size_t len, struct hr_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return hr_error_set(err, errno, "open `%s`", path);
	if (hr_write_all(fd, data, len) < 0)
		return hr_error_set(err, errno, "write `%s`", path);
	return 0;
}

int hr_write_existing_at(int dirfd, const char *path, const char *data, struct hr_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen(data);

	if (fd < 0)
		return hr_error_set(err, errno, "open `%s`", path);
	/* cgroupfs and procfs take one value per write(2) */
	if (write(fd, data, len) != (ssize_t)len)
		return hr_error_set(err, errno, "write `%s` to `%s`", data, path);
	return 0;
}

/* "<dir>/.<base>.<16 random hex>": nobody can guess it ahead of us. */
static char *random_sibling(const char *name)
{
	const char *slash = strrchr(name, '/');
	int dirlen = slash ? (int)(slash - name + 1) : 0;
	unsigned char r[8];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		memcpy(r, &ts.tv_nsec, sizeof(r) < sizeof(ts.tv_nsec) ? sizeof(r) : sizeof(ts.tv_nsec));
	}
	return xasprintf("%.*s.%s.%02x%02x%02x%02x%02x%02x%02x%02x", dirlen, name, name + dirlen, r[0], r[1],
			 r[2], r[3], r[4], r[5], r[6], r[7]);
}

/* An unnamed file in name's directory, or (no O_TMPFILE there) a new file
 * under an unpredictable name that must not exist yet; *tmp is that name. */
static int open_anonymous(int dirfd, const char *name, char **tmp, struct hr_error *err)
{
	const char *slash = strrchr(name, '/');
	_cleanup_free_ char *dir = slash ? xstrndup(name, (size_t)(slash - name + (slash == name))) : xstrdup(".");
	int fd = openat(dirfd, dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);

	*tmp = random_sibling(name);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd >= 0 ? fd : hr_error_set(err, errno, "create a temporary file for `%s`", name);
	fd = openat(dirfd, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return hr_error_set(err, errno, "create `%s`", *tmp);
	return fd;
}

/* Gives the anonymous file fd the name tmp (a no-op when it already has it). */
static int name_anonymous(int fd, int dirfd, const char *tmp, bool named, struct hr_error *err)
{
	char proc[64];

	if (named)
		return 0;
	/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the /proc link works for anyone */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, dirfd, tmp, AT_SYMLINK_FOLLOW) < 0)
		return hr_error_set(err, errno, "link `%s`", tmp);
	return 0;
}

int hr_write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, struct hr_error *err)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = open_anonymous(dirfd, name, &tmp, err);
	struct stat st;
	bool named;

	if (fd < 0)
		return -1;
	/* the fallback file has a name (a link count) from the start */
	named = fstat(fd, &st) == 0 && st.st_nlink > 0;
	if (hr_write_all(fd, data, len) < 0) {
		int saved = errno;
		if (named)
			unlinkat(dirfd, tmp, 0);
		return hr_error_set(err, saved, "write `%s`", name);
	}
	if (name_anonymous(fd, dirfd, tmp, named, err) < 0)
		return -1;
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int saved = errno;
		unlinkat(dirfd, tmp, 0);
		return hr_error_set(err, saved, "rename `%s`", name);
	}
	return 0;
}

int hr_unix_connect(const char *path, struct hr_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;

	if (strlen(path) >= sizeof(addr.sun_path))
		return hr_error_set(err, ENAMETOOLONG, "unix socket path `%s`", path);
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return hr_error_set(err, errno, "connect to `%s`", path);
	return hr_steal_fd(fd);
}

int hr_mkdir_p_at(int dirfd, const char *path, mode_t mode, struct hr_error *err)
{
	_cleanup_free_ char *copy = NULL;

	if (!path || !*path)
		return hr_error_set(err, 0, "mkdir: empty path");
	copy = xstrdup(path);
	for (char *p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdirat(dirfd, copy, mode) < 0 && errno != EEXIST)
				return hr_error_set(err, errno, "mkdir `%s`", copy);
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	return 0;
}

bool hr_parse_u64(const char *s, unsigned long long *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

bool hr_parse_i64(const char *s, long long *out)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

long long hr_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The workload starts as a fresh process would: every signal at its
 * default disposition (hooks and the runtime ignore SIGPIPE; a caller may
 * have ignored anything) and none blocked. Handlers are reset by execve
 * anyway; ignored signals are not. The raw syscalls also reach the two
 * realtime signals glibc keeps for itself (32, 33), which its sigaction
 * and sigprocmask refuse or filter: we are single-threaded and about to
 * exec, so nothing of glibc's needs them any more. */
int hr_reset_signals(struct hr_error *err)
{
	/* the kernel's struct sigaction: handler, flags, restorer, mask */
	struct {
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		unsigned long mask;
	} dfl = { SIG_DFL, 0, NULL, 0 };
	unsigned long none = 0;

	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask)) < 0)
			return hr_error_set(err, errno, "reset the disposition of signal %d", sig);
	}
	if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(none)) < 0)
		return hr_error_set(err, errno, "unblock signals");
	return 0;
}

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

int hr_memfd_for_exec(const char *name, struct hr_error *err)
{
	int fd = (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	if (fd < 0 && errno == EINVAL) /* a kernel before MFD_EXEC (6.3) */
		fd = (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		hr_error_set(err, errno, "memfd_create for %s", name);
	return fd;
}

int hr_memfd_seal(int fd, const char *name, struct hr_error *err)
{
	if (fcntl(fd, F_ADD_SEALS, HR_MEMFD_SEALS) < 0)
		return hr_error_set(err, errno, "seal the memfd of %s", name);
	return 0;
}
