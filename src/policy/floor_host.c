/* What the host offers the policy floor: its own namespaces (to tell a
 * config that joins them), AppArmor, the cgroup v2 controllers. */
#include "policy/rules.h"

#include <string.h>
#include <sys/stat.h>

#include "apparmor/apparmor.h"
#include "base/util.h"

static int stat_ns(const char *path, struct hr_policy_ns_id *out)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	*out = (struct hr_policy_ns_id){ .known = true, .dev = st.st_dev, .ino = st.st_ino };
	return 0;
}

/* The controllers of the cgroup2 root (pure v2 or the unified part of a
 * hybrid host), as a space-separated list; NULL if none. */
static char *cgroup_controllers(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup/cgroup.controllers",
					      "/sys/fs/cgroup/unified/cgroup.controllers" };
	struct hr_error ignored;
	char *list = NULL;

	for (size_t i = 0; i < HR_ARRAY_SIZE(roots); i++)
		if (hr_read_file_at(-1, roots[i], &list, NULL, &ignored) == 0)
			return list;
	return NULL;
}

static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; p && (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

void hr_policy_host_probe(struct hr_policy_host *host)
{
	_cleanup_free_ char *ctl = cgroup_controllers();

	*host = (struct hr_policy_host){ .apparmor_enabled = hr_apparmor_enabled(),
					 .cgroup_memory = has_word(ctl, "memory"),
					 .cgroup_cpu = has_word(ctl, "cpu"),
					 .cgroup_pids = has_word(ctl, "pids"),
					 .resolve_symlinks = true };
	for (int t = 0; t < HR_NS_COUNT; t++) {
		_cleanup_free_ char *path = xasprintf("/proc/self/ns/%s", hr_ns_proc_name(t));
		if (stat_ns(path, &host->ns[t]) < 0)
			host->ns[t].known = false;
	}
}

int hr_policy_ns_identity(const struct hr_policy_host *host, const char *path,
			  struct hr_policy_ns_id *out)
{
	return host->ns_identity ? host->ns_identity(path, out) : stat_ns(path, out);
}

