/* `update`: new resource limits for a live container.
 * (The `plan` branch has the same function going through the policy
 * checkpoint; on merge its version is the one to keep.) */
#include "cgroup/cgroup.h"
#include "cgroup/query.h"
#include "hardrun/hardrun.h"
#include "state/state.h"

/* OCI swap is memory+swap: with only a swap limit, pair it with the
 * current memory.max. */
static int fill_current_limit(struct hr_cgroup *cg, struct hr_resources *res, struct hr_error *err)
{
	int64_t limit;
	bool unlimited;

	if (!res->has_memory || !res->memory.has_swap || res->memory.has_limit || res->memory.swap <= 0)
		return 0;
	if (hr_cgroup_memory_max(cg, &limit, &unlimited, err) < 0)
		return hr_error_wrap(err, "update");
	if (unlimited)
		return hr_error_set(err, 0, "update: --memory-swap needs a memory limit (none is set)");
	res->memory.has_limit = true;
	res->memory.limit = limit;
	return 0;
}

int hr_lifecycle_update(const char *root, const char *id, struct hr_resources *res, struct hr_error *err)
{
	struct hr_container *c = NULL;
	struct hr_cgroup *cg = NULL;
	int rc = -1;

	if (hr_container_load(root, id, &c, err) < 0)
		return -1;
	if (!c->st.cgroup_path) {
		hr_error_set(err, 0, "container %s has no cgroup", id);
		goto out;
	}
	if (hr_cgroup_open(c->st.cgroup_path, &cg, err) < 0)
		goto out;
	if (hr_container_status(c) == HR_STATUS_STOPPED) {
		hr_error_set(err, 0, "container not running: %s has exited", id);
		goto out;
	}
	if (fill_current_limit(cg, res, err) < 0)
		goto out;
	rc = hr_cgroup_apply_resources(cg, res, HR_CGROUP_SKIP_DEVICES, err);
out:
	hr_cgroup_free(cg);
	hr_container_free(c);
	return rc;
}
