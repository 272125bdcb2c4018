/* The host policy's own verbs: `policy init` (the restricted starting
 * policy for this host) and `policy check --bundle B` (a dry run: what the
 * policy would inject, refuse, warn about or let degrade). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "hardrun/hardrun.h"
#include "policy/floor.h"

char *hr_lifecycle_policy_init(void)
{
	struct hr_policy_host host;

	hr_policy_host_probe(&host);
	return hr_policy_restricted_json(&host);
}

static char *report(const struct hr_policy_result *d)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < d->n_decisions; i++) {
		char *next = xasprintf("%s%s %s: %s\n", out, hr_policy_action_name(d->decisions[i].kind),
				       d->decisions[i].rule, d->decisions[i].detail);
		free(out);
		out = next;
	}
	return out;
}

int hr_lifecycle_policy_check(const char *policy, const char *bundle, char **out, size_t *refusals,
			      struct hr_error *err)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", bundle ? bundle : ".");
	struct hr_policy *p = NULL;
	struct hr_spec *spec = NULL;
	struct hr_policy_result d = { 0 };
	struct hr_policy_host host;
	int rc = -1;

	if (hr_policy_load_host(policy, &p, err) < 0)
		return -1;
	if (!p)
		return hr_error_set(err, 0, "policy check: no policy (%s does not exist; use --policy FILE)",
				    HR_POLICY_DEFAULT_PATH);
	hr_policy_host_probe(&host);
	host.dry_run = true;
	if (hr_spec_load_file(path, &spec, err) == 0 && hr_policy_apply_spec(p, &host, spec, &d, err) == 0) {
		*out = report(&d);
		*refusals = hr_policy_refusals(&d);
		rc = 0;
	}
	hr_policy_result_clear(&d);
	hr_spec_free(spec);
	hr_policy_free(p);
	return rc;
}
