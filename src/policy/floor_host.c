/* What the host offers the policy floor: its own namespaces (to tell a
 * config that joins them), AppArmor, the cgroup pids controller. */
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

static bool cgroup_has_pids(void)
{
	_cleanup_free_ char *list = NULL;
	struct hr_error ignored;

	if (hr_read_file_at(-1, "/sys/fs/cgroup/cgroup.controllers", &list, NULL, &ignored) < 0)
		return false;
	for (char *tok = strtok(list, " \n"); tok; tok = strtok(NULL, " \n"))
		if (strcmp(tok, "pids") == 0)
			return true;
	return false;
}

void hr_policy_host_probe(struct hr_policy_host *host)
{
	*host = (struct hr_policy_host){ .apparmor_enabled = hr_apparmor_enabled(),
					 .cgroup_pids = cgroup_has_pids(),
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

