/* Path resolution confined to a root directory fd. Everything goes through
 * openat2(RESOLVE_IN_ROOT): ".." and absolute symlinks stop at the root, so
 * a hostile rootfs cannot point a mount or a device node at the host. */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/util.h"

#define MAX_SYMLINK_HOPS 40

int hr_open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	/* EAGAIN: a concurrent rename raced with ".." resolution; retry */
	for (int i = 0; i < 32; i++) {
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (fd >= 0 || (errno != EAGAIN && errno != EINTR))
			break;
	}
	return fd;
}

char *hr_path_clean(const char *path)
{
	size_t n = strlen(path);
	char *out = xmalloc(n + 2);
	size_t len = 0;
	const char *p = path;

	while (*p) {
		const char *start, *end;
		size_t clen;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		start = p;
		end = strchr(start, '/');
		if (!end)
			end = start + strlen(start);
		clen = (size_t)(end - start);
		p = end;
		if (clen == 1 && start[0] == '.')
			continue;
		if (clen == 2 && start[0] == '.' && start[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* drop the '/' too */
			continue;
		}
		out[len++] = '/';
		memcpy(out + len, start, clen);
		len += clen;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

static int mkpath(int rootfd, const char *path, enum hr_node_kind kind, int hops,
		  struct hr_error *err);

/* The last component exists but could not be opened: a dangling symlink.
 * Create its target instead, resolved inside the root like the kernel would. */
static int follow_dangling(int rootfd, int pfd, const char *parent, const char *name,
			   enum hr_node_kind kind, int hops, struct hr_error *err)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(pfd, name, target, sizeof(target) - 1);
	_cleanup_free_ char *next = NULL;
	int fd;

	if (n < 0)
		return 0; /* not a symlink: lost a race with a creator, just reopen */
	target[n] = '\0';
	next = target[0] == '/' ? xstrdup(target) : xasprintf("%s/%s", parent, target);
	fd = mkpath(rootfd, next, kind, hops + 1, err);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int create_node(int pfd, const char *name, enum hr_node_kind kind)
{
	int fd;

	if (kind == HR_NODE_DIR)
		return mkdirat(pfd, name, 0755);
	fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int mkpath(int rootfd, const char *path, enum hr_node_kind kind, int hops,
		  struct hr_error *err)
{
	_cleanup_free_ char *parent = NULL;
	_cleanup_close_ int pfd = -1;
	const char *name, *slash;
	int fd = hr_open_in_root(rootfd, path, O_PATH);

	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return hr_error_set(err, errno, "open `%s`", path);
	if (hops > MAX_SYMLINK_HOPS)
		return hr_error_set(err, ELOOP, "create `%s`", path);
	slash = strrchr(path, '/');
	parent = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	if (parent[0] == '\0') {
		free(parent);
		parent = xstrdup("/");
	}
	name = slash ? slash + 1 : path;
	pfd = mkpath(rootfd, parent, HR_NODE_DIR, hops + 1, err);
	if (pfd < 0)
		return -1;
	if (name[0] != '\0' && strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
		if (create_node(pfd, name, kind) < 0) {
			if (errno != EEXIST)
				return hr_error_set(err, errno, "%s `%s`",
						    kind == HR_NODE_DIR ? "mkdir" : "create", path);
			if (follow_dangling(rootfd, pfd, parent, name, kind, hops, err) < 0)
				return -1;
		}
	}
	fd = hr_open_in_root(rootfd, path, O_PATH);
	if (fd < 0)
		return hr_error_set(err, errno, "open `%s`", path);
	return fd;
}

int hr_mkpath_in_root(int rootfd, const char *path, enum hr_node_kind kind, struct hr_error *err)
{
	_cleanup_free_ char *clean = hr_path_clean(path);

	return mkpath(rootfd, clean, kind, 0, err);
}

int hr_parent_in_root(int rootfd, const char *path, char **name_buf, const char **name,
		      struct hr_error *err)
{
	_cleanup_free_ char *clean = hr_path_clean(path);
	char *slash = strrchr(clean, '/');
	int pfd;

	if (strcmp(clean, "/") == 0)
		return hr_error_set(err, EINVAL, "`%s` has no parent", path);
	*slash = '\0';
	pfd = mkpath(rootfd, clean[0] ? clean : "/", HR_NODE_DIR, 0, err);
	if (pfd < 0)
		return -1;
	*name_buf = xstrdup(slash + 1);
	*name = *name_buf;
	return pfd;
}
