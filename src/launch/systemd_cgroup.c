/* create with --systemd-cgroup: the container's cgroup is a transient
 * systemd scope (cgroup/systemd.h). Its cgroup path and unit are recorded
 * before the scope exists, so delete --force finds both whatever happens. */
#include "launch/launch.h"

#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "cgroup/cgroup.h"
#include "cgroup/systemd.h"
#include "state/state.h"

int hr_launch_systemd_cgroup(struct hr_launch_ctx *x, struct hr_error *err)
{
	const struct hr_plan *p = &x->plan;
	struct hr_systemd_unit u;
	char *planned = NULL;
	int rc = -1;

	if (hr_systemd_parse_path(p->cgroups_path, x->id, hr_systemd_want_user(), &u, err) < 0)
		return -1;
	if (hr_systemd_plan_path(&u, &planned, err) < 0)
		goto out;
	x->c->st.cgroup_path = planned;
	x->c->st.systemd_unit = xstrdup(u.unit);
	x->c->st.systemd_user = u.user;
	if (hr_container_save_record(x->c, err) < 0)
		goto out;
	rc = hr_systemd_create(&u, planned, p->resources, &x->cg, &x->placeholder, err);
out:
	hr_systemd_unit_clear(&u);
	return rc;
}

/* The container process is in the scope now: the placeholder can go. */
int hr_launch_systemd_release(struct hr_launch_ctx *x, struct hr_error *err)
{
	(void)err;
	hr_systemd_release_placeholder(x->placeholder);
	x->placeholder = -1;
	return 0;
}

void hr_launch_systemd_rollback(struct hr_launch_ctx *x)
{
	struct hr_error e = { 0 };

	hr_systemd_release_placeholder(x->placeholder);
	x->placeholder = -1;
	if (x->cg && x->c && x->c->st.systemd_unit && hr_systemd_stop(x->c->st.systemd_unit, x->c->st.systemd_user, &e) < 0)
		hr_log_warnf("rollback: %s", e.msg);
}
