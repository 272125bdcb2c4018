/* `update`: new resource limits for a live container, through the policy
 * checkpoint like everything else that changes a container. */
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "cgroup/query.h"
#include "cgroup/systemd.h"
#include "hardrun/hardrun.h"
#include "policy/floor.h"
#include "policy/policy.h"
#include "state/state.h"
#include "base/util.h"

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

static int open_live_cgroup(struct hr_container *c, struct hr_cgroup **cg, struct hr_error *err)
{
	if (!c->st.cgroup_path)
		return hr_error_set(err, 0, "container %s has no cgroup", c->id);
	if (hr_container_open_cgroup(c, cg, err) < 0)
		return -1;
	if (hr_container_status(c) == HR_STATUS_STOPPED)
		return hr_error_set(err, 0, "container not running: %s has exited", c->id);
	return 0;
}

int hr_lifecycle_update(const char *root, const char *id, struct hr_resources *res, const char *policy,
			struct hr_error *err)
{
	struct hr_container *c = NULL;
	struct hr_cgroup *cg = NULL;
	struct hr_host host = { 0 };
	struct hr_policy_result decisions = { 0 };
	const struct hr_spec *spec;
	int rc = -1;

	if (hr_container_load(root, id, &c, err) < 0)
		return -1;
	if (open_live_cgroup(c, &cg, err) < 0 || fill_current_limit(cg, res, err) < 0)
		goto out;
	hr_host_probe(&host, NULL);
	if (hr_host_load_floor(&host, policy, root, id, false, err) < 0 ||
	    hr_container_spec(c, &spec, err) < 0 || hr_policy_check_update(spec, res, &host, &decisions, err) < 0 ||
	    hr_policy_container_update(c, res, err) < 0)
		goto out;
	/* --systemd-cgroup: the unit's properties too, or systemd would put its
	 * old values back the next time it writes the scope's files */
	if (c->st.systemd_unit)
		rc = hr_systemd_update(c->st.systemd_unit, c->st.systemd_user, cg, res, err);
	else
		rc = hr_cgroup_apply_resources(cg, res, HR_CGROUP_SKIP_DEVICES, err);
out:
	hr_policy_result_clear(&decisions);
	hr_host_clear(&host);
	hr_cgroup_free(cg);
	hr_container_free(c);
	return rc;
}
