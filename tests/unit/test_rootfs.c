/* Root filesystem: option parsing and sysctl validation as tables, path
 * resolution inside a root, and full prepare/pivot/finalize runs in forked
 * children (mount ns; user+mount+pid ns) that report back through a pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/rootfs.h"
#include "spec/spec.h"
#include "base/util.h"
#include "rootfs/internal.h"

#define MQUEUE_MAGIC 0x19800202 /* not exported by linux/magic.h */

/* ---------------------------------------------------------------- options */

struct opt_case {
	const char *opts;              /* comma-separated list, one option per element */
	unsigned long flags, clear, propagation;
	unsigned long long attr_set, attr_clr;
	bool bind, recursive, idmap;
	const char *data;
};

static const struct opt_case opt_cases[] = {
	{ "ro", MS_RDONLY, 0, 0, 0, 0, false, false, false, NULL },
	{ "ro,rw", 0, MS_RDONLY, 0, 0, 0, false, false, false, NULL },
	{ "nosuid,nodev,noexec", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, 0, 0, 0, false, false, false, NULL },
	{ "suid,dev,exec", 0, MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, 0, 0, false, false, false, NULL },
	{ "sync,dirsync,mand", MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK, 0, 0, 0, 0, false, false, false, NULL },
	{ "async,nomand", 0, MS_SYNCHRONOUS | MS_MANDLOCK, 0, 0, 0, false, false, false, NULL },
	{ "noatime,nodiratime", MS_NOATIME | MS_NODIRATIME, 0, 0, 0, 0, false, false, false, NULL },
	{ "atime,diratime", 0, MS_NOATIME | MS_NODIRATIME, 0, 0, 0, false, false, false, NULL },
	{ "relatime,strictatime", MS_RELATIME | MS_STRICTATIME, 0, 0, 0, 0, false, false, false, NULL },
	{ "norelatime,nostrictatime", 0, MS_RELATIME | MS_STRICTATIME, 0, 0, 0, false, false, false, NULL },
	{ "lazytime,silent", MS_LAZYTIME | MS_SILENT, 0, 0, 0, 0, false, false, false, NULL },
	{ "nolazytime,loud", 0, MS_LAZYTIME | MS_SILENT, 0, 0, 0, false, false, false, NULL },
	{ "remount", MS_REMOUNT, 0, 0, 0, 0, false, false, false, NULL },
	{ "nosymfollow", MS_NOSYMFOLLOW, 0, 0, 0, 0, false, false, false, NULL },
	{ "bind", MS_BIND, 0, 0, 0, 0, true, false, false, NULL },
	{ "rbind,ro", MS_BIND | MS_REC | MS_RDONLY, 0, 0, 0, 0, true, true, false, NULL },
	{ "private", 0, 0, MS_PRIVATE, 0, 0, false, false, false, NULL },
	{ "rprivate", 0, 0, MS_PRIVATE | MS_REC, 0, 0, false, false, false, NULL },
	{ "shared", 0, 0, MS_SHARED, 0, 0, false, false, false, NULL },
	{ "rshared", 0, 0, MS_SHARED | MS_REC, 0, 0, false, false, false, NULL },
	{ "slave", 0, 0, MS_SLAVE, 0, 0, false, false, false, NULL },
	{ "rslave", 0, 0, MS_SLAVE | MS_REC, 0, 0, false, false, false, NULL },
	{ "unbindable", 0, 0, MS_UNBINDABLE, 0, 0, false, false, false, NULL },
	{ "runbindable", 0, 0, MS_UNBINDABLE | MS_REC, 0, 0, false, false, false, NULL },
	{ "shared,rslave", 0, 0, MS_SLAVE | MS_REC, 0, 0, false, false, false, NULL },
	{ "rro,rnosuid,rnodev,rnoexec", 0, 0, 0,
	  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0,
	  false, false, false, NULL },
	{ "rro,rrw", 0, 0, 0, 0, MOUNT_ATTR_RDONLY, false, false, false, NULL },
	{ "rsuid,rdev,rexec,rdiratime", 0, 0, 0, 0,
	  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME,
	  false, false, false, NULL },
	{ "rnosymfollow,rnodiratime", 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW | MOUNT_ATTR_NODIRATIME, 0,
	  false, false, false, NULL },
	{ "rnoatime", 0, 0, 0, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, false, false, false, NULL },
	{ "rnoatime,rstrictatime", 0, 0, 0, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, false, false, false, NULL },
	{ "rstrictatime,ratime", 0, 0, 0, 0, MOUNT_ATTR__ATIME, false, false, false, NULL },
	{ "rrelatime", 0, 0, 0, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, false, false, false, NULL },
	{ "idmap", 0, 0, 0, 0, 0, false, false, true, NULL },
	{ "mode=755,size=65536k", 0, 0, 0, 0, 0, false, false, false, "mode=755,size=65536k" },
	{ "nosuid,newinstance,ptmxmode=0666,mode=0620,gid=5", MS_NOSUID, 0, 0, 0, 0, false, false, false,
	  "newinstance,ptmxmode=0666,mode=0620,gid=5" },
	{ "", 0, 0, 0, 0, 0, false, false, false, NULL },
};

static char **split_opts(const char *s)
{
	char **v = xcalloc(strlen(s) + 2, sizeof(char *));
	_cleanup_free_ char *copy = xstrdup(s);
	char *save = NULL;
	size_t n = 0;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		v[n++] = xstrdup(o);
	return v;
}

static void test_options_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < HR_ARRAY_SIZE(opt_cases); i++) {
		const struct opt_case *c = &opt_cases[i];
		_cleanup_strv_ char **v = split_opts(c->opts);
		struct hr_mount_flags mf;
		struct hr_error err = { 0 };

		if (hr_mount_parse_options(v, &mf, &err) < 0)
			fail_msg("\"%s\": %s", c->opts, err.msg);
		if (mf.flags != c->flags || mf.clear != c->clear || mf.propagation != c->propagation ||
		    mf.attr_set != c->attr_set || mf.attr_clr != c->attr_clr || mf.bind != c->bind ||
		    mf.recursive != c->recursive || mf.idmap != c->idmap)
			fail_msg("\"%s\": flags %#lx clear %#lx prop %#lx set %#llx clr %#llx bind %d rec %d idmap %d",
				 c->opts, mf.flags, mf.clear, mf.propagation, mf.attr_set, mf.attr_clr,
				 mf.bind, mf.recursive, mf.idmap);
		if (c->data)
			assert_string_equal(mf.data, c->data);
		else
			assert_null(mf.data);
		hr_mount_flags_clear(&mf);
	}
}

static void test_options_edge_cases(void **state)
{
	char *joined[] = { "nosuid,nodev", "size=1m", NULL };
	char *ridmap[] = { "ridmap", NULL };
	char *copyup[] = { "tmpcopyup", NULL };
	struct hr_mount_flags mf;
	struct hr_error err = { 0 };

	(void)state;
	assert_int_equal(hr_mount_parse_options(NULL, &mf, &err), 0);
	assert_int_equal(mf.flags, 0);
	assert_int_equal(hr_mount_parse_options(joined, &mf, &err), 0);
	assert_int_equal(mf.flags, MS_NOSUID | MS_NODEV);
	assert_string_equal(mf.data, "size=1m");
	hr_mount_flags_clear(&mf);
	assert_int_equal(hr_mount_parse_options(ridmap, &mf, &err), 0);
	assert_true(mf.idmap && mf.idmap_recursive);
	hr_mount_flags_clear(&mf);
	assert_int_equal(hr_mount_parse_options(copyup, &mf, &err), 0);
	assert_true(mf.tmpcopyup);
	assert_null(mf.data);
	hr_mount_flags_clear(&mf);
}

static void test_ms_to_mount_attr(void **state)
{
	unsigned long long set, clr;

	(void)state;
	hr_ms_to_mount_attr(MS_RDONLY | MS_NOSUID | MS_NOATIME, MS_NODEV, &set, &clr);
	assert_int_equal(set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME);
	assert_int_equal(clr, MOUNT_ATTR_NODEV | MOUNT_ATTR__ATIME);
	hr_ms_to_mount_attr(0, MS_RDONLY | MS_NOATIME, &set, &clr);
	assert_int_equal(set, 0);
	assert_int_equal(clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME);
	hr_ms_to_mount_attr(MS_BIND | MS_REC, 0, &set, &clr);
	assert_int_equal(set | clr, 0);
}

/* ---------------------------------------------------------------- sysctl */

static struct hr_spec *load_spec(const char *json)
{
	struct hr_error err = { 0 };
	struct hr_spec *s = NULL;

	if (hr_spec_load_string(json, "config.json", &s, &err) < 0)
		fail_msg("%s", err.msg);
	return s;
}

static void expect_sysctl(const char *namespaces, const char *key, const char *want_err)
{
	_cleanup_free_ char *json = xasprintf(
		"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
		"\"linux\":{\"namespaces\":[%s],\"sysctl\":{\"%s\":\"1\"}}}", namespaces, key);
	struct hr_spec *s = load_spec(json);
	struct hr_error err = { 0 };
	int r = hr_sysctl_validate(s, &err);

	if (want_err) {
		if (r != -1)
			fail_msg("sysctl %s with [%s] accepted", key, namespaces);
		assert_string_equal(err.msg, want_err);
	} else if (r != 0) {
		fail_msg("sysctl %s with [%s]: %s", key, namespaces, err.msg);
	}
	hr_spec_free(s);
}

static void test_sysctl_validate(void **state)
{
	const char *all = "{\"type\":\"ipc\"},{\"type\":\"network\"},{\"type\":\"uts\"},{\"type\":\"mount\"}";

	(void)state;
	expect_sysctl(all, "kernel.shmmax", NULL);
	expect_sysctl(all, "kernel.shm_rmid_forced", NULL);
	expect_sysctl(all, "kernel.msgmnb", NULL);
	expect_sysctl(all, "kernel.sem", NULL);
	expect_sysctl(all, "fs.mqueue.msg_max", NULL);
	expect_sysctl(all, "net.ipv4.ip_forward", NULL);
	expect_sysctl(all, "net.ipv4.conf.eth0/1.forwarding", NULL);
	expect_sysctl(all, "kernel.domainname", NULL);
	expect_sysctl(all, "kernel.hostname", NULL);
	expect_sysctl(all, "kernel.panic",
		      "sysctl \"kernel.panic\" is not namespaced and cannot be set in a container");
	expect_sysctl(all, "vm.swappiness",
		      "sysctl \"vm.swappiness\" is not namespaced and cannot be set in a container");
	expect_sysctl(all, "kernel.semaphore_thing",
		      "sysctl \"kernel.semaphore_thing\" is not namespaced and cannot be set in a container");
	expect_sysctl("{\"type\":\"mount\"}", "net.ipv4.ip_forward",
		      "sysctl \"net.ipv4.ip_forward\" is not allowed in the host's network namespace");
	expect_sysctl("{\"type\":\"mount\"}", "kernel.shmmax",
		      "sysctl \"kernel.shmmax\" is not allowed in the host's ipc namespace");
	expect_sysctl("{\"type\":\"mount\"}", "kernel.domainname",
		      "sysctl \"kernel.domainname\" is not allowed in the host's uts namespace");
	expect_sysctl("{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"}", "net.ipv4.ip_forward",
		      "sysctl \"net.ipv4.ip_forward\" is not allowed in the host's network namespace");
	expect_sysctl(all, "net..ip_forward",
		      "sysctl \"net..ip_forward\" is not a valid sysctl name");
	expect_sysctl(all, "net.ipv4.conf.../..",
		      "sysctl \"net.ipv4.conf.../..\" is not a valid sysctl name");
}

/* ------------------------------------------------------ paths inside root */

static char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/hr-rootfs-test-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void rm_rf(const char *path)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", path);

	(void)!system(cmd);
}

static void test_path_clean(void **state)
{
	static const char *const cases[][2] = {
		{ "/", "/" }, { "", "/" }, { "a/b", "/a/b" }, { "/a//b/", "/a/b" },
		{ "/a/./b/../c", "/a/c" }, { "/../../etc", "/etc" }, { "..", "/" },
	};

	(void)state;
	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *c = hr_path_clean(cases[i][0]);
		assert_string_equal(c, cases[i][1]);
	}
}

/* Symlinks that point out of the root (absolute, relative with "..", and
 * dangling) resolve and create inside it; the outside stays untouched. */
static void test_mkpath_stays_inside(void **state)
{
	_cleanup_free_ char *top = make_tmpdir();
	_cleanup_free_ char *root = xasprintf("%s/root", top);
	_cleanup_free_ char *outside = xasprintf("%s/outside", top);
	_cleanup_free_ char *rel = xasprintf("../../../../../..%s/outside", top);
	_cleanup_close_ int rootfd = -1;
	struct hr_error err = { 0 };
	struct stat st;
	int fd;

	(void)state;
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(outside, 0755), 0);
	rootfd = open(root, O_PATH | O_DIRECTORY);
	assert_true(rootfd >= 0);
	assert_int_equal(symlinkat(outside, rootfd, "abs"), 0);
	assert_int_equal(symlinkat(rel, rootfd, "rel"), 0);
	assert_int_equal(symlinkat("/nonexistent/deeper", rootfd, "dangling"), 0);
	assert_int_equal(symlinkat("/etc", rootfd, "etclink"), 0);

	fd = hr_mkpath_in_root(rootfd, "/abs/a/b", HR_NODE_DIR, &err);
	if (fd < 0)
		fail_msg("%s", err.msg);
	close(fd);
	fd = hr_mkpath_in_root(rootfd, "/rel/c", HR_NODE_FILE, &err);
	if (fd < 0)
		fail_msg("%s", err.msg);
	close(fd);
	fd = hr_mkpath_in_root(rootfd, "/dangling", HR_NODE_DIR, &err);
	if (fd < 0)
		fail_msg("%s", err.msg);
	close(fd);
	fd = hr_mkpath_in_root(rootfd, "/etclink/hr-test-file", HR_NODE_FILE, &err);
	if (fd < 0)
		fail_msg("%s", err.msg);
	close(fd);

	{
		_cleanup_free_ char *in_ab = xasprintf("%s%s/a/b", root, outside);
		_cleanup_free_ char *in_c = xasprintf("%s%s/c", root, outside);
		_cleanup_free_ char *in_dangling = xasprintf("%s/nonexistent/deeper", root);
		_cleanup_free_ char *in_etc = xasprintf("%s/etc/hr-test-file", root);
		_cleanup_free_ char *out_a = xasprintf("%s/a", outside);
		_cleanup_free_ char *out_c = xasprintf("%s/c", outside);

		assert_int_equal(stat(in_ab, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(stat(in_c, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(stat(in_dangling, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(lstat(in_etc, &st), 0);
		assert_int_equal(access(out_a, F_OK), -1);
		assert_int_equal(access(out_c, F_OK), -1);
		assert_int_equal(access("/etc/hr-test-file", F_OK), -1);
		assert_int_equal(access("/nonexistent", F_OK), -1);
	}
	/* a symlink loop is an error, not a hang */
	assert_int_equal(symlinkat("/loop2", rootfd, "loop1"), 0);
	assert_int_equal(symlinkat("/loop1", rootfd, "loop2"), 0);
	assert_int_equal(hr_mkpath_in_root(rootfd, "/loop1/x", HR_NODE_DIR, &err), -1);
	rm_rf(top);
}

/* ----------------------------------------------- full runs in a child ns */

static char g_fail[8192];

static void failf(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void failf(int line, const char *fmt, ...)
{
	size_t len = strlen(g_fail);
	va_list ap;
	int saved = errno;

	snprintf(g_fail + len, sizeof(g_fail) - len, "line %d: ", line);
	len = strlen(g_fail);
	va_start(ap, fmt);
	vsnprintf(g_fail + len, sizeof(g_fail) - len, fmt, ap);
	va_end(ap);
	len = strlen(g_fail);
	snprintf(g_fail + len, sizeof(g_fail) - len, " (errno: %s)\n", strerror(saved));
}

#define CHECK(cond, ...) do { if (!(cond)) failf(__LINE__, __VA_ARGS__); } while (0)

static int write_errno(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int e;

	if (fd < 0)
		return errno;
	e = write(fd, "x", 1) == 1 ? 0 : errno;
	close(fd);
	return e;
}

static bool file_is(const char *path, const char *want)
{
	_cleanup_free_ char *got = NULL;
	struct hr_error err = { 0 };

	return hr_read_file_at(AT_FDCWD, path, &got, NULL, &err) == 0 && strcmp(got, want) == 0;
}

static long fs_type(const char *path)
{
	struct statfs s;

	return statfs(path, &s) == 0 ? (long)s.f_type : -1;
}

static bool is_ro(const char *path)
{
	struct statvfs s;

	return statvfs(path, &s) == 0 && (s.f_flag & ST_RDONLY);
}

static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

struct scenario {
	const char *top;      /* temp dir: bundle/, host-target/, lockedsrc/ */
	bool userns;
	bool no_pivot;
	bool rshared;         /* linux.rootfsPropagation = rshared */
};

static char *scenario_json(const struct scenario *sc)
{
	return xasprintf(
		"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
		"\"mounts\":["
		"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
		"{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
		"{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]},"
		"{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
		"{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\",\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
		"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
		"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]},"
		"{\"destination\":\"/evil/newdir/sub\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
		"{\"destination\":\"/evil2/bound\",\"type\":\"bind\",\"source\":\"data\",\"options\":[\"rbind\",\"ro\"]},"
		"{\"destination\":\"/etclink/hostfile\",\"type\":\"bind\",\"source\":\"hostfile\",\"options\":[\"bind\",\"ro\"]},"
		"{\"destination\":\"/rw\",\"source\":\"data\",\"options\":[\"bind\",\"rro\",\"nosuid\"]}%s"
		"],\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"ipc\"}%s],"
		"\"maskedPaths\":[\"/proc/kcore\",\"/proc/timer_list\",\"/secretdir\",\"/secretfile\",\"/nonexistent/x\"],"
		"\"readonlyPaths\":[\"/proc/sys\",\"/rodir\",\"/nonexistent2\"],"
		"\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229,\"fileMode\":384}],"
		"%s\"sysctl\":{\"kernel.shmmni\":\"1234\"}}}",
		sc->userns ? ",{\"destination\":\"/locked\",\"type\":\"bind\",\"source\":\"../lockedsrc\",\"options\":[\"bind\",\"rw\"]}"
			   /* idmapping needs privilege over the source fs: host side only */
			   : ",{\"destination\":\"/idmapped\",\"type\":\"bind\",\"source\":\"data\",\"options\":[\"rbind\",\"idmap\"],"
			     "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
			     "\"gidMappings\":[{\"containerID\":0,\"hostID\":2000,\"size\":1}]}",
		sc->userns ? ",{\"type\":\"user\"},{\"type\":\"pid\"}" : "",
		sc->rshared ? "\"rootfsPropagation\":\"rshared\"," : "");
}

static void write_file(const char *dir, const char *name, const char *content)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	struct hr_error err = { 0 };

	if (hr_write_file_at(AT_FDCWD, p, content, strlen(content), &err) < 0)
		fail_msg("%s", err.msg);
}

static void mkdirs(const char *top, const char *const *dirs)
{
	for (; *dirs; dirs++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", top, *dirs);
		struct hr_error err = { 0 };
		if (hr_mkdir_p_at(AT_FDCWD, p, 0755, &err) < 0)
			fail_msg("%s", err.msg);
	}
}

static void build_bundle(const char *top)
{
	static const char *const dirs[] = {
		"bundle/rootfs/bin", "bundle/rootfs/proc", "bundle/rootfs/sys", "bundle/rootfs/dev",
		"bundle/rootfs/tmp", "bundle/rootfs/etc", "bundle/rootfs/secretdir", "bundle/rootfs/rodir",
		"bundle/data", "host-target", "lockedsrc", NULL,
	};
	_cleanup_free_ char *rootfs = xasprintf("%s/bundle/rootfs", top);
	_cleanup_free_ char *target = xasprintf("%s/host-target", top);
	_cleanup_free_ char *rel = xasprintf("../../../../../../../..%s/host-target", top);
	_cleanup_free_ char *cp = xasprintf("cp /bin/busybox %s/bin/busybox", rootfs);
	_cleanup_close_ int rfd = -1;

	mkdirs(top, dirs);
	assert_int_equal(system(cp), 0);
	write_file(rootfs, "secretdir/secret", "secret");
	write_file(rootfs, "rodir/f", "ro");
	write_file(rootfs, "secretfile", "secret");
	write_file(top, "bundle/data/file", "data");
	write_file(top, "bundle/hostfile", "hostfile");
	write_file(top, "host-target/marker", "marker");
	write_file(top, "lockedsrc/f", "locked");
	rfd = open(rootfs, O_PATH | O_DIRECTORY);
	assert_true(rfd >= 0);
	assert_int_equal(symlinkat(target, rfd, "evil"), 0);
	assert_int_equal(symlinkat(rel, rfd, "evil2"), 0);
	assert_int_equal(symlinkat("/etc", rfd, "etclink"), 0);
}

/* The optional fields of the mountinfo line of "/" ("shared:N", "master:N"). */
static char *root_mount_line(void)
{
	_cleanup_free_ char *all = NULL;
	struct hr_error err = { 0 };
	char *save = NULL;

	if (hr_read_file_at(AT_FDCWD, "/proc/self/mountinfo", &all, NULL, &err) < 0)
		return xstrdup("");
	for (char *l = strtok_r(all, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char mnt[256];
		if (sscanf(l, "%*d %*d %*s %*s %255s", mnt) == 1 && strcmp(mnt, "/") == 0)
			return xstrdup(l);
	}
	return xstrdup("");
}

/* What the workload would see; runs after finalize, with / = rootfs. */
static void check_inside(const struct scenario *sc)
{
	_cleanup_free_ char *target_in = xasprintf("%s/host-target/newdir/sub", sc->top);
	char buf[64];
	struct stat st;
	ssize_t n;
	int fd;

	CHECK(access("/bin/busybox", X_OK) == 0, "busybox missing: not in the rootfs");
	CHECK(fs_type("/proc") == PROC_SUPER_MAGIC, "/proc is not procfs");
	CHECK(fs_type("/evil/newdir/sub") == TMPFS_MAGIC, "tmpfs through /evil symlink missing");
	CHECK(fs_type(target_in) == TMPFS_MAGIC, "tmpfs not at the in-rootfs path %s", target_in);
	CHECK(file_is("/evil2/bound/file", "data"), "bind through relative escape symlink missing");
	CHECK(write_errno("/evil2/bound/file") == EROFS, "ro bind is writable");
	CHECK(file_is("/etc/hostfile", "hostfile"), "file bind through /etclink missing");
	CHECK(file_is("/rw/file", "data") && is_ro("/rw"), "rro bind not read-only");
	/* devices */
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
	      "/dev/null is not 1:3");
	CHECK(write_errno("/dev/null") == 0, "/dev/null not writable");
	fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 4) == 4 && buf[0] == 0 && buf[3] == 0, "/dev/zero unreadable");
	if (fd >= 0)
		close(fd);
	CHECK(stat("/dev/fuse", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(10, 229),
	      "/dev/fuse (linux.devices) missing");
	if (!sc->userns)
		CHECK((st.st_mode & 07777) == 0600, "/dev/fuse mode %o", st.st_mode & 07777);
	n = readlink("/dev/ptmx", buf, sizeof(buf) - 1);
	CHECK(n == 8 && memcmp(buf, "pts/ptmx", 8) == 0, "/dev/ptmx is not a symlink to pts/ptmx");
	n = readlink("/dev/fd", buf, sizeof(buf) - 1);
	CHECK(n == 13 && memcmp(buf, "/proc/self/fd", 13) == 0, "/dev/fd link");
	CHECK(access("/dev/stderr", F_OK) == 0, "/dev/stderr link");
	CHECK(stat("/dev/pts/ptmx", &st) == 0 && S_ISCHR(st.st_mode), "/dev/pts/ptmx missing");
	CHECK(write_errno("/dev/shm/x") == 0, "/dev/shm not writable");
	CHECK(fs_type("/dev/mqueue") == MQUEUE_MAGIC, "/dev/mqueue not mqueue");
	CHECK(is_ro("/sys"), "/sys not read-only");
	CHECK(is_ro("/sys/fs/cgroup"), "/sys/fs/cgroup not read-only");
	/* sysctl written before /proc/sys went read-only */
	CHECK(file_is("/proc/sys/kernel/shmmni", "1234\n"), "sysctl kernel.shmmni not set");
	CHECK(write_errno("/proc/sys/kernel/shmmni") == EROFS, "/proc/sys writable");
	CHECK(write_errno("/rodir/f") == EROFS, "readonly path writable");
	CHECK(file_is("/rodir/f", "ro"), "readonly path unreadable");
	/* masked */
	for (size_t i = 0; i < 3; i++) {
		static const char *const masked[] = { "/proc/kcore", "/proc/timer_list", "/secretfile" };
		if (i < 2 && access(masked[i], F_OK) < 0)
			continue; /* not in this kernel: skipped like runc does */
		fd = open(masked[i], O_RDONLY);
		CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 0, "%s not masked", masked[i]);
		if (fd >= 0)
			close(fd);
	}
	CHECK(count_entries("/secretdir") == 0, "/secretdir not masked");
	CHECK(write_errno("/secretdir/x") == EROFS, "masked dir writable");
	/* read-only root */
	CHECK(write_errno("/newfile") == EROFS, "root is writable");
	{
		_cleanup_free_ char *line = root_mount_line();
		if (sc->rshared)
			CHECK(strstr(line, " shared:") != NULL, "root not shared: %s", line);
		else
			CHECK(strstr(line, " shared:") == NULL, "root is shared: %s", line);
	}
	if (sc->userns)
		CHECK(file_is("/locked/f", "locked") && write_errno("/locked/f") == EROFS,
		      "locked read-only flag was dropped");
	else
		CHECK(stat("/idmapped/file", &st) == 0 && st.st_uid == 1000 && st.st_gid == 2000,
		      "idmapped mount shows %u:%u", st.st_uid, st.st_gid);
}

/* Host paths still visible between prepare and pivot: nothing escaped. */
static void check_host_untouched(const char *top)
{
	_cleanup_free_ char *marker = xasprintf("%s/host-target/marker", top);
	_cleanup_free_ char *newdir = xasprintf("%s/host-target/newdir", top);
	_cleanup_free_ char *bound = xasprintf("%s/host-target/bound", top);
	_cleanup_free_ char *target = xasprintf("%s/host-target", top);

	CHECK(file_is(marker, "marker"), "host target changed");
	CHECK(access(newdir, F_OK) < 0, "mkdir escaped to the host: %s", newdir);
	CHECK(access(bound, F_OK) < 0, "bind escaped to the host: %s", bound);
	CHECK(access("/etc/hostfile", F_OK) < 0, "file bind escaped to host /etc");
	CHECK(fs_type(target) != TMPFS_MAGIC, "host target got a tmpfs");
}

static void run_container(const struct scenario *sc)
{
	_cleanup_free_ char *bundle = xasprintf("%s/bundle", sc->top);
	_cleanup_free_ char *rootfs = xasprintf("%s/bundle/rootfs", sc->top);
	_cleanup_free_ char *json = scenario_json(sc);
	struct hr_rootfs_opts opts = { .rootfs = rootfs, .no_pivot = sc->no_pivot, .in_userns = sc->userns };
	struct hr_spec *spec = NULL;
	struct hr_error err = { 0 };

	if (hr_spec_load_string(json, "config.json", &spec, &err) < 0 || chdir(bundle) < 0) {
		failf(__LINE__, "setup: %s", err.msg);
		return;
	}
	if (hr_rootfs_prepare(spec, &opts, &err) < 0) {
		failf(__LINE__, "prepare: %s", err.msg);
		return;
	}
	check_host_untouched(sc->top);
	if (hr_rootfs_pivot(&opts, &err) < 0 || hr_rootfs_finalize(spec, &err) < 0) {
		failf(__LINE__, "%s", err.msg);
		return;
	}
	check_inside(sc);
	hr_spec_free(spec);
}

static void report_and_exit(int fd)
{
	(void)!hr_write_all(fd, g_fail, strlen(g_fail));
	_exit(0);
}

/* In the userns run the child first makes a read-only bind as real root, so
 * that flag is locked once it enters the new user namespace. */
static void lock_readonly_source(const char *top)
{
	_cleanup_free_ char *src = xasprintf("%s/lockedsrc", top);

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(src, src, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, src, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID, NULL) < 0)
		failf(__LINE__, "lock read-only source");
}

static void child_userns(const struct scenario *sc, int report_fd, int sync_rd, int sync_wr)
{
	char c;
	pid_t pid;
	int status;

	lock_readonly_source(sc->top);
	if (unshare(CLONE_NEWUSER) < 0) {
		failf(__LINE__, "unshare user");
		report_and_exit(report_fd);
	}
	(void)!write(sync_wr, "u", 1);          /* parent writes our maps */
	if (read(sync_rd, &c, 1) != 1 || c != 'm') {
		failf(__LINE__, "parent did not write maps");
		report_and_exit(report_fd);
	}
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC) < 0) {
		failf(__LINE__, "unshare mnt/pid/ipc");
		report_and_exit(report_fd);
	}
	pid = fork();
	if (pid == 0) {
		run_container(sc);
		report_and_exit(report_fd);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		failf(__LINE__, "container child died");
	_exit(0);
}

static void write_maps(pid_t pid)
{
	static const char *const files[] = { "uid_map", "gid_map" };

	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *p = xasprintf("/proc/%d/%s", (int)pid, files[i]);
		struct hr_error err = { 0 };
		if (hr_write_existing_at(AT_FDCWD, p, "0 0 65536\n", &err) < 0)
			fail_msg("%s", err.msg);
	}
}

static char *run_scenario(const struct scenario *sc)
{
	int report[2], to_child[2], to_parent[2];
	char buf[8192];
	size_t used = 0;
	ssize_t n;
	pid_t pid;
	int status;

	assert_int_equal(pipe(report), 0);
	assert_int_equal(pipe(to_child), 0);
	assert_int_equal(pipe(to_parent), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(report[0]);
		g_fail[0] = '\0';
		if (sc->userns)
			child_userns(sc, report[1], to_child[0], to_parent[1]);
		if (unshare(CLONE_NEWNS | CLONE_NEWIPC) < 0)
			failf(__LINE__, "unshare");
		else
			run_container(sc);
		report_and_exit(report[1]);
	}
	close(report[1]);
	close(to_child[0]);
	close(to_parent[1]);
	if (sc->userns) {
		char c;
		if (read(to_parent[0], &c, 1) == 1) {
			write_maps(pid);
			assert_int_equal(write(to_child[1], "m", 1), 1);
		}
	}
	while ((n = read(report[0], buf + used, sizeof(buf) - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	close(report[0]);
	close(to_child[1]);
	close(to_parent[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return xstrdup(buf);
}

static char *host_mountinfo(void)
{
	char *s = NULL;
	struct hr_error err = { 0 };

	assert_int_equal(hr_read_file_at(AT_FDCWD, "/proc/self/mountinfo", &s, NULL, &err), 0);
	return s;
}

static void run_and_check(bool userns, bool no_pivot, bool rshared)
{
	_cleanup_free_ char *top = make_tmpdir();
	struct scenario sc = { .top = top, .userns = userns, .no_pivot = no_pivot, .rshared = rshared };
	_cleanup_free_ char *before = host_mountinfo();
	_cleanup_free_ char *failures = NULL;
	_cleanup_free_ char *after = NULL;

	build_bundle(top);
	failures = run_scenario(&sc);
	after = host_mountinfo();
	check_host_untouched(top);
	rm_rf(top);
	if (failures[0] || g_fail[0])
		fail_msg("%s%s", failures, g_fail);
	/* nothing leaked into the host's mount table */
	assert_string_equal(before, after);
}

static int need_root(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	g_fail[0] = '\0';
	return 0;
}

static void test_container_mountns(void **state)
{
	(void)state;
	run_and_check(false, false, false);
}

static void test_container_no_pivot(void **state)
{
	(void)state;
	run_and_check(false, true, false);
}

static void test_container_userns(void **state)
{
	(void)state;
	run_and_check(true, false, false);
}

/* rootfsPropagation "rshared": the rootfs' parent is made private so
 * pivot_root works, and "/" is shared again after the pivot. */
static void test_container_rshared(void **state)
{
	(void)state;
	run_and_check(false, false, true);
}

/* Runs hr_rootfs_prepare in a child mount ns on an empty rootfs (plus a
 * /plink -> /proc/sys symlink); returns its error message. */
static char *prepare_error(const char *top, const char *mounts)
{
	_cleanup_free_ char *rootfs = xasprintf("%s/rootfs", top);
	_cleanup_free_ char *json = xasprintf(
		"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"mounts\":[%s],"
		"\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}", mounts);
	_cleanup_free_ char *plink = xasprintf("%s/plink", rootfs);
	int report[2];
	char buf[2048] = "";
	pid_t pid;

	(void)mkdir(rootfs, 0755);
	(void)symlink("/proc/sys", plink);
	assert_int_equal(pipe(report), 0);
	pid = fork();
	if (pid == 0) {
		struct hr_rootfs_opts opts = { .rootfs = rootfs };
		struct hr_spec *spec = NULL;
		struct hr_error err = { 0 };

		close(report[0]);
		if (unshare(CLONE_NEWNS) < 0 || hr_spec_load_string(json, "c", &spec, &err) < 0 ||
		    chdir(top) < 0)
			_exit(1);
		if (hr_rootfs_prepare(spec, &opts, &err) == 0)
			strcpy(err.msg, "(no error)");
		(void)!hr_write_all(report[1], err.msg, strlen(err.msg));
		_exit(0);
	}
	close(report[1]);
	(void)!hr_read_all(report[0], buf, sizeof(buf) - 1);
	close(report[0]);
	waitpid(pid, NULL, 0);
	return xstrdup(buf);
}

/* Errors name the operation, the mount and the rootfs. */
static void test_prepare_errors(void **state)
{
	_cleanup_free_ char *top = make_tmpdir();
	static const struct { const char *mounts, *want; } cases[] = {
		{ "{\"destination\":\"/x\",\"type\":\"nosuchfs\",\"source\":\"none\"}",
		  "mount \"none\" on \"/x\" in rootfs \"%s\": No such device (unknown filesystem type)" },
		{ "{\"destination\":\"/x\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"mode=zzz\"]}",
		  "mount \"tmpfs\" on \"/x\" in rootfs \"%s\": Invalid argument (option \"mode=zzz\")"
		  " (kernel: tmpfs: Bad value for 'mode')" },
		{ "{\"destination\":\"/x\",\"source\":\"/nonexistent-src\",\"options\":[\"bind\"]}",
		  "mount \"/nonexistent-src\" on \"/x\" in rootfs \"%s\": No such file or directory" },
		{ "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
		  "{\"destination\":\"/plink/kernel\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}",
		  "mount \"tmpfs\" on \"/plink/kernel\" in rootfs \"%s\": destination \"/proc/sys/kernel\" is "
		  "inside /proc: only a proc filesystem may be mounted there" },
		{ "{\"destination\":\"/p\",\"type\":\"bind\",\"source\":\"/proc\",\"options\":[\"bind\",\"idmap\"],"
		  "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
		  "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}",
		  "mount \"/proc\" on \"/p\" in rootfs \"%s\": idmapped mounts are not supported by the "
		  "filesystem of \"/proc\"" },
		{ "{\"destination\":\"/p\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"bind\",\"idmap\"]}",
		  "mount \"/tmp\" on \"/p\" in rootfs \"%s\": idmapped mount needs both uidMappings and gidMappings" },
		{ "{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"bind\",\"tmpcopyup\"]}",
		  "mount \"/tmp\" on \"/x\" in rootfs \"%s\": tmpcopyup applies to tmpfs mounts only" },
	};

	(void)state;
	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *got = prepare_error(top, cases[i].mounts);
		_cleanup_free_ char *rootfs = xasprintf("%s/rootfs", top);
		_cleanup_free_ char *want = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		want = xasprintf(cases[i].want, rootfs);
#pragma GCC diagnostic pop
		assert_string_equal(got, want);
	}
	rm_rf(top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_table),
		cmocka_unit_test(test_options_edge_cases),
		cmocka_unit_test(test_ms_to_mount_attr),
		cmocka_unit_test(test_sysctl_validate),
		cmocka_unit_test(test_path_clean),
		cmocka_unit_test(test_mkpath_stays_inside),
		cmocka_unit_test_setup(test_container_mountns, need_root),
		cmocka_unit_test_setup(test_container_no_pivot, need_root),
		cmocka_unit_test_setup(test_container_userns, need_root),
		cmocka_unit_test_setup(test_container_rshared, need_root),
		cmocka_unit_test_setup(test_prepare_errors, need_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
