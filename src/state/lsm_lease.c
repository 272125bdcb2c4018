#include "state/lsm_lease.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apparmor/apparmor.h"
#include "base/log.h"
#include "base/util.h"
#include "state/state.h"

/* Only names of the temporary profiles hardrun makes are ever unloaded. */
static bool temporary_label(const char *name)
{
	return strncmp(name, "hardrun-learn-", 14) == 0 || strncmp(name, "hardrun-check-", 14) == 0;
}

/* The lease directory, flocked: take and sweep never interleave, so a
 * sweep cannot unload a profile whose new lease it has not seen. */
static int open_locked(const char *root, bool create, struct hr_error *err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", root, HR_LSM_LEASE_DIR);
	int fd;

	if (create && mkdir(path, 0700) < 0 && errno != EEXIST)
		return hr_error_set(err, errno, "create %s", path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return hr_error_set(err, errno, "open %s", path);
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return hr_error_set(err, errno, "lock %s", path);
	}
	return fd;
}

int hr_lsm_lease_take(const char *root, const char *label, struct hr_error *err)
{
	_cleanup_close_ int dir = -1;
	char line[64];
	pid_t self = getpid();
	int n;

	if (!temporary_label(label) || strchr(label, '/'))
		return hr_error_set(err, 0, "\"%s\" is not a temporary profile name of hardrun's", label);
	dir = open_locked(root, true, err);
	if (dir < 0)
		return hr_error_wrap(err, "record the temporary AppArmor profile %s", label);
	n = snprintf(line, sizeof(line), "%d %llu\n", (int)self, hr_proc_start_time(self));
	if (hr_write_file_atomic_at(dir, label, line, (size_t)n, err) < 0)
		return hr_error_wrap(err, "record the temporary AppArmor profile %s", label);
	return 0;
}

void hr_lsm_lease_drop(const char *root, const char *label)
{
	_cleanup_free_ char *path = xasprintf("%s/%s/%s", root, HR_LSM_LEASE_DIR, label);

	if (unlink(path) < 0 && errno != ENOENT)
		hr_log_warnf("remove %s: %s", path, strerror(errno));
}

static bool owner_alive(int dir, const char *name)
{
	_cleanup_free_ char *text = NULL;
	struct hr_error ignored = { 0 };
	unsigned long long start;
	int pid;

	if (hr_read_file_at(dir, name, &text, NULL, &ignored) < 0 || sscanf(text, "%d %llu", &pid, &start) != 2)
		return false; /* unreadable: a take that died half-way; the profile is ours either way */
	return pid > 0 && start != 0 && hr_proc_start_time((pid_t)pid) == start;
}

static void sweep_one(int dir, const char *label)
{
	struct hr_error err = { 0 };

	if (owner_alive(dir, label))
		return;
	/* ENOENT: not loaded (any more), or no AppArmor to load it in */
	if (hr_apparmor_remove_profile(label, &err) == 0)
		hr_log_warnf("unloaded the temporary AppArmor profile %s: the hardrun that loaded it is gone", label);
	else if (err.errnum != ENOENT) {
		hr_log_warnf("temporary AppArmor profile %s of a dead hardrun: %s (kept for the next sweep)", label,
			     err.msg);
		return;
	}
	if (unlinkat(dir, label, 0) < 0 && errno != ENOENT)
		hr_log_warnf("remove the lease of %s: %s", label, strerror(errno));
}

void hr_lsm_leases_sweep(const char *root)
{
	struct hr_error ignored = { 0 };
	_cleanup_close_ int dir = -1;
	DIR *d;
	struct dirent *de;

	if (!root)
		return;
	dir = open_locked(root, false, &ignored);
	if (dir < 0)
		return;
	d = fdopendir(dup(dir));
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && temporary_label(de->d_name))
			sweep_one(dir, de->d_name);
	closedir(d);
}
