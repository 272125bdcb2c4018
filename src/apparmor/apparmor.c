/* AppArmor: pre-flight checks in the parent, the exec transition in the
 * container (written through a procfs we have verified), and profile
 * loading through apparmor_parser. Everything fails closed. */
#include "apparmor/apparmor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/apparmor.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/util.h"

#define AA_PROFILES_FILE "/sys/kernel/security/apparmor/profiles"

bool hr_apparmor_enabled(void)
{
	return aa_is_enabled() == 1;
}

/* 1 if `profile` is a line "NAME (mode)" of the kernel's profile list. */
static int profile_listed(const char *list, const char *profile)
{
	size_t n = strlen(profile);

	for (const char *line = list; line && *line;) {
		const char *end = strchrnul(line, '\n');
		if ((size_t)(end - line) > n + 1 && strncmp(line, profile, n) == 0 &&
		    line[n] == ' ' && line[n + 1] == '(')
			return 1;
		line = *end ? end + 1 : NULL;
	}
	return 0;
}

int hr_apparmor_check_profile_on(const char *profile, bool enabled, const char *loaded, struct hr_error *err)
{
	if (!enabled)
		return hr_error_set(err, 0,
				    "AppArmor profile \"%s\" requested but AppArmor is not enabled on this host",
				    profile);
	if (strcmp(profile, "unconfined") == 0)
		return 0;
	/* Where the list is not readable (no securityfs in this namespace),
	 * the container-side write refuses an unknown profile instead. */
	if (!loaded)
		return 0;
	if (!profile_listed(loaded, profile))
		return hr_error_set(err, 0,
				    "AppArmor profile \"%s\" is not loaded (load it with: hardrun apparmor load, or apparmor_parser -r FILE)",
				    profile);
	return 0;
}

char *hr_apparmor_loaded_profiles(void)
{
	char *list = NULL;
	struct hr_error ignored;

	if (hr_read_file_at(AT_FDCWD, AA_PROFILES_FILE, &list, NULL, &ignored) < 0)
		return NULL;
	return list;
}

int hr_apparmor_check_profile(const char *profile, struct hr_error *err)
{
	bool enabled = hr_apparmor_enabled();
	_cleanup_free_ char *list = enabled && strcmp(profile, "unconfined") != 0 ? hr_apparmor_loaded_profiles() : NULL;

	return hr_apparmor_check_profile_on(profile, enabled, list, err);
}

static int check_procfs(int fd, const char *what, struct hr_error *err)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return hr_error_set(err, errno, "refusing to set AppArmor profile: fstatfs %s", what);
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return hr_error_set(err, 0, "refusing to set AppArmor profile: %s is not procfs", what);
	return 0;
}

/* The exec attribute, opened relative to proc (already verified). The
 * AppArmor-specific directory (Linux 5.8+) works without securityfs, which
 * containers rarely mount; aa_is_enabled() is only needed for the legacy
 * shared attribute, to be sure the write goes to AppArmor. */
/* NO_XDEV: a mount over the attribute or a directory on the way (even of
 * another procfs file, which the type check below would pass) fails the
 * open instead of taking the write. thread-self is a plain symlink. */
static int open_attr(int proc, const char *path)
{
	struct open_how how = {
		.flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH,
	};

	return (int)syscall(SYS_openat2, proc, path, &how, sizeof(how));
}

static int open_exec_attr(int proc, const char *profile, const char **path, struct hr_error *err)
{
	int fd;

	*path = "thread-self/attr/apparmor/exec";
	fd = open_attr(proc, *path);
	if (fd < 0 && errno == ENOENT) {
		if (!hr_apparmor_enabled())
			return hr_error_set(err, 0,
					    "AppArmor profile \"%s\" requested but AppArmor is not enabled on this host",
					    profile);
		*path = "thread-self/attr/exec";
		fd = open_attr(proc, *path);
	}
	if (fd < 0 && errno == EXDEV)
		return hr_error_set(err, 0, "refusing to set AppArmor profile: the exec attribute is not on the "
					    "container's procfs (something is mounted over it)");
	if (fd < 0)
		return hr_error_set(err, errno, "opening the AppArmor exec attribute in /proc");
	/* A mount over the attribute itself would also redirect the write. */
	if (check_procfs(fd, "the AppArmor exec attribute", err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Our own label, read under proc: 1 unconfined, 0 confined, -1 unreadable. */
static int label_unconfined(int proc)
{
	_cleanup_free_ char *cur = NULL;
	struct hr_error ignored;

	if (hr_read_file_at(proc, "thread-self/attr/apparmor/current", &cur, NULL, &ignored) < 0 &&
	    hr_read_file_at(proc, "thread-self/attr/current", &cur, NULL, &ignored) < 0)
		return -1;
	cur[strcspn(cur, "\n")] = '\0';
	return strcmp(cur, "unconfined") == 0;
}

/* "stack" when this runtime is itself confined: an exec transition would
 * have to be allowed by our own profile, stacking keeps both in force.
 * The label is read through the verified proc, like the write. */
static const char *transition_verb(int proc)
{
	return label_unconfined(proc) != 0 ? "exec" : "stack";
}

int hr_apparmor_prepare_onexec(const char *profile, struct hr_apparmor_onexec *out, struct hr_error *err)
{
	_cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (proc < 0)
		return hr_error_set(err, errno, "refusing to set AppArmor profile: open /proc");
	if (check_procfs(proc, "/proc", err) < 0)
		return -1;
	out->attr_fd = open_exec_attr(proc, profile, &out->attr_path, err);
	if (out->attr_fd < 0)
		return -1;
	out->cmd = xasprintf("%s %s", transition_verb(proc), profile);
	out->proc_fd = hr_steal_fd(proc);
	return 0;
}

int hr_apparmor_apply_onexec(const char *profile, struct hr_error *err)
{
	struct hr_apparmor_onexec o = { .proc_fd = -1, .attr_fd = -1 };
	int rc = 0;

	if (hr_apparmor_prepare_onexec(profile, &o, err) < 0)
		return -1;
	if (write(o.attr_fd, o.cmd, strlen(o.cmd)) != (ssize_t)strlen(o.cmd))
		rc = hr_error_set(err, errno, "setting AppArmor profile \"%s\" for exec (%s)", profile, o.cmd);
	close(o.attr_fd);
	close(o.proc_fd);
	free(o.cmd);
	return rc;
}

bool hr_apparmor_self_unconfined(void)
{
	_cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

	return proc >= 0 && label_unconfined(proc) == 1;
}
