/* Reading a cgroup's current settings back (update pairs a new swap limit
 * with the memory limit in force). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "cgroup/internal.h"
#include "cgroup/query.h"
#include "base/util.h"

int hr_cgroup_memory_max(struct hr_cgroup *cg, int64_t *bytes, bool *unlimited, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;
	long long v;

	if (hr_read_file_at(cg->dirfd, "memory.max", &text, NULL, err) < 0)
		return hr_error_wrap(err, "cgroup %s: current memory limit", cg->path);
	text[strcspn(text, "\n")] = '\0';
	*unlimited = strcmp(text, "max") == 0;
	*bytes = -1;
	if (*unlimited)
		return 0;
	if (!hr_parse_i64(text, &v))
		return hr_error_set(err, 0, "cgroup %s: cannot parse memory.max \"%s\"", cg->path, text);
	*bytes = v;
	return 0;
}

unsigned long long hr_cgroup_oom_kills(struct hr_cgroup *cg)
{
	_cleanup_free_ char *text = NULL;
	struct hr_error ignored = { 0 };
	unsigned long long kills = 0;

	if (hr_read_file_at(cg->dirfd, "memory.events", &text, NULL, &ignored) < 0)
		return 0;
	hr_cg_keyed_value(text, "oom_kill", &kills);
	return kills;
}
