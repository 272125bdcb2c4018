/* The checkpoint: host checks (what this host cannot enforce is refused,
 * naming it), then the policy floor. */
#include "policy/policy.h"

#include <stdlib.h>

#include "apparmor/apparmor.h"
#include "container/capabilities.h"
#include "rootfs/rootfs.h"
#include "base/util.h"

void hr_policy_record(struct hr_policy_result *r, enum hr_decision_kind kind, const char *rule, const char *detail)
{
	r->decisions = xrealloc(r->decisions, (r->n_decisions + 1) * sizeof(*r->decisions));
	r->decisions[r->n_decisions++] = (struct hr_decision){ kind, xstrdup(rule), xstrdup(detail ? detail : "") };
}

void hr_policy_result_clear(struct hr_policy_result *r)
{
	for (size_t i = 0; i < r->n_decisions; i++) {
		free(r->decisions[i].rule);
		free(r->decisions[i].detail);
	}
	free(r->decisions);
	r->decisions = NULL;
	r->n_decisions = 0;
}

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

/* The policy floor (issue 13): rules that inject into, refuse or warn
 * about a spec, each recorded in r. Empty for now. */
static int floor_create(struct hr_spec *spec, struct hr_policy_result *r, struct hr_error *err)
{
	(void)spec, (void)r, (void)err;
	return 0;
}

static int floor_exec(const struct hr_spec *container, struct hr_process *p, struct hr_policy_result *r,
		      struct hr_error *err)
{
	(void)container, (void)p, (void)r, (void)err;
	return 0;
}

static int floor_update(const struct hr_spec *container, struct hr_resources *res, struct hr_policy_result *r,
			struct hr_error *err)
{
	(void)container, (void)res, (void)r, (void)err;
	return 0;
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
	if (floor_create(spec, r, err) < 0)
		return -1;
	if (check_caps_on_host(p, host, err) < 0 || hr_sysctl_check(spec, host->live, err) < 0 ||
	    hr_rootfs_validate(spec, err) < 0)
		return -1;
	return check_apparmor_on_host(p, host, err);
}

int hr_policy_check_exec(const struct hr_spec *container, struct hr_process *p, const struct hr_host *host,
			 struct hr_policy_result *r, struct hr_error *err)
{
	if (floor_exec(container, p, r, err) < 0)
		return -1;
	if (check_caps_on_host(p, host, err) < 0)
		return -1;
	return check_apparmor_on_host(p, host, err);
}

int hr_policy_check_update(const struct hr_spec *container, struct hr_resources *res, const struct hr_host *host,
			   struct hr_policy_result *r, struct hr_error *err)
{
	(void)host;
	return floor_update(container, res, r, err);
}
