/* The checkpoint: host checks (what this host cannot enforce is refused,
 * naming it), then the policy floor. */
#include "policy/policy.h"

#include <stdlib.h>

#include "apparmor/apparmor.h"
#include "policy/floor.h"
#include "container/capabilities.h"
#include "rootfs/rootfs.h"
#include "base/util.h"

/* Capabilities known to this kernel and inside its bounding set. */
static int check_caps_on_host(const struct hr_process *p, const struct hr_host *host, struct hr_error *err)
{
	struct hr_cap_masks masks;

	return hr_caps_resolve(&p->capabilities, host->cap_last, host->cap_bounding, true, &masks, err);
}

/* The AppArmor profile loaded, on a host where AppArmor is enabled. */
static int check_apparmor_on_host(const struct hr_process *p, const struct hr_host *host, struct hr_error *err)
{
	if (!p->apparmor_profile)
		return 0;
	return hr_apparmor_check_profile_on(p->apparmor_profile, host->apparmor_enabled, host->apparmor_profiles, err);
}

/* Audits the decisions from index `from` on and turns a refusal among
 * them into the error. */
static int floor_outcome(const struct hr_policy *floor, struct hr_policy_result *r, size_t from,
			 struct hr_error *err)
{
	struct hr_policy_result added = { r->decisions + from, r->n_decisions - from };

	hr_policy_audit(floor, &added);
	return hr_policy_refusal_error(floor, &added, err);
}

/* The policy floor (issue 13, policy/floor.h): rules that inject into,
 * refuse or warn about a spec, each recorded in r and audited. */
static int floor_create(struct hr_spec *spec, const struct hr_host *host, struct hr_policy_result *r,
			struct hr_error *err)
{
	size_t from = r->n_decisions;

	if (!host->floor)
		return 0;
	if (hr_policy_apply_spec(host->floor, host->floor_host, spec, r, err) < 0)
		return -1;
	return floor_outcome(host->floor, r, from, err);
}

static int floor_exec(struct hr_process *p, const struct hr_host *host, struct hr_policy_result *r,
		      struct hr_error *err)
{
	size_t from = r->n_decisions;

	if (!host->floor)
		return 0;
	if (hr_policy_apply_process(host->floor, host->floor_host, p, "exec process", r, err) < 0)
		return -1;
	return floor_outcome(host->floor, r, from, err);
}

static int floor_update(const struct hr_resources *res, const struct hr_host *host,
			struct hr_policy_result *r, struct hr_error *err)
{
	size_t from = r->n_decisions;

	if (!host->floor)
		return 0;
	hr_policy_apply_update(host->floor, res, r);
	return floor_outcome(host->floor, r, from, err);
}

int hr_policy_check_create(struct hr_spec *spec, const struct hr_host *host, const struct hr_policy_create_opts *o,
			   struct hr_policy_result *r, struct hr_error *err)
{
	const struct hr_process *p = &spec->process;

	if (p->terminal && !o->console_socket && !o->foreground)
		return hr_error_set(err, 0, "process.terminal is true: use --console-socket (or `run` in the foreground)");
	if (!p->terminal && o->console_socket)
		return hr_error_set(err, 0, "--console-socket given but process.terminal is false");
	if (spec->linux_.n_net_devices)
		return hr_error_set(err, 0, "linux.netDevices is not supported by hardrun: refusing to run the "
					    "container without the network devices it asks for");
	if (floor_create(spec, host, r, err) < 0)
		return -1;
	if (check_caps_on_host(p, host, err) < 0 || hr_sysctl_check(spec, host->live, err) < 0 ||
	    hr_rootfs_validate(spec, err) < 0)
		return -1;
	return check_apparmor_on_host(p, host, err);
}

int hr_policy_check_exec(const struct hr_spec *container, struct hr_process *p, const struct hr_host *host,
			 struct hr_policy_result *r, struct hr_error *err)
{
	(void)container;
	if (floor_exec(p, host, r, err) < 0)
		return -1;
	if (check_caps_on_host(p, host, err) < 0)
		return -1;
	return check_apparmor_on_host(p, host, err);
}

int hr_policy_check_update(const struct hr_spec *container, struct hr_resources *res, const struct hr_host *host,
			   struct hr_policy_result *r, struct hr_error *err)
{
	(void)container;
	return floor_update(res, host, r, err);
}
