/* `hardrun profile learn` and `hardrun profile check` (issue 14): run a
 * bundle under a supervised seccomp filter. Exit status: learn, the
 * workload's (1 when it could not be run); check, the workload's when it
 * failed, else 1 when the profile would have denied something, else 0, and
 * 2 when the check could not be made. With --apparmor, a host without
 * AppArmor is 2 for both.
 *
 * These are subcommands of the `profile` verb (src/cli/profile.c, with lint,
 * diff and probe). That verb's option table holds CLI_PROFILE_LEARN_OPTIONS
 * and its dispatch hands "learn" and "check" to cli_profile_learn_check
 * with the values found. Errors are reported here, so the status does not
 * depend on the verb's failure status. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "profile_learn.h"
#include "hardrun/hardrun.h"
#include "hardrun/profile_learn.h"

#define EXIT_BAD_INPUT 2

/* After the options are checked: learn or check cannot be made here at
 * all, which is 2 for both (not the workload's failure). */
static int no_apparmor(const char *verb, struct hr_error *err)
{
	hr_error_set(err, 0, "profile %s --apparmor: AppArmor is not enabled on this host "
			     "(/sys/module/apparmor/parameters/enabled)", verb);
	hr_report_error(err);
	return EXIT_BAD_INPUT;
}

static int learn(struct hr_global *g, const struct cli_profile_run *r, struct hr_error *err)
{
	struct hr_learn_opts lo = { .root = g->root, .policy = g->policy, .bundle = r->bundle ? r->bundle : ".",
				    .id = r->id, .output = r->output, .merge = r->merge };
	int status;

	if (r->profile || r->report || r->enforce_after)
		return hr_error_set(err, 0, "profile learn: --profile, --report and --enforce-after are for `profile check`");
	if (!r->output)
		return hr_error_set(err, 0, "profile learn: --output FILE is required");
	if (r->apparmor && (r->merge || r->format))
		return hr_error_set(err, 0, "profile learn --apparmor: --merge and --format are for seccomp profiles");
	if (r->name && !r->apparmor)
		return hr_error_set(err, 0, "profile learn: --name is for --apparmor");
	if (r->format && strcmp(r->format, "oci") != 0 && strcmp(r->format, "docker") != 0)
		return hr_error_set(err, 0, "profile learn: --format must be oci or docker, not \"%s\"", r->format);
	lo.apparmor = r->apparmor;
	lo.name = r->name;
	if (r->apparmor && !hr_apparmor_available())
		return no_apparmor("learn", err);
	lo.docker_format = r->format && strcmp(r->format, "docker") == 0;
	if (hr_profile_learn(&lo, &status, err) < 0)
		return -1;
	return status;
}

static int check(struct hr_global *g, const struct cli_profile_run *r, struct hr_error *err)
{
	struct hr_check_opts co = { .root = g->root, .policy = g->policy, .bundle = r->bundle ? r->bundle : ".",
				    .id = r->id, .profile = r->profile, .report = r->report, .enforce_after = -1 };
	unsigned long long n;

	if (r->output || r->merge)
		return hr_error_set(err, 0, "profile check: --output and --merge are for `profile learn`");
	if (r->format && strcmp(r->format, "text") != 0 && strcmp(r->format, "json") != 0)
		return hr_error_set(err, 0, "profile check: --format must be text or json, not \"%s\"", r->format);
	co.json = r->format && strcmp(r->format, "json") == 0;
	co.apparmor = r->apparmor;
	if (r->apparmor && r->enforce_after)
		return hr_error_set(err, 0, "profile check --apparmor: --enforce-after is for seccomp profiles");
	if (r->name)
		return hr_error_set(err, 0, "profile check: --name is for `profile learn --apparmor`");
	if (r->enforce_after) {
		if (!cli_parse_u64(r->enforce_after, &n) || n > (unsigned long long)LLONG_MAX)
			return hr_error_set(err, 0, "profile check: --enforce-after wants a count, not \"%s\"",
					    r->enforce_after);
		co.enforce_after = (long long)n;
	}
	if (r->apparmor && !hr_apparmor_available())
		return no_apparmor("check", err);
	return hr_profile_check(&co, err);
}

int cli_profile_learn_check(struct hr_global *g, const struct cli_args *a, const struct cli_profile_run *r,
			    struct hr_error *err)
{
	bool is_learn = strcmp(a->argv[0], "learn") == 0;
	int rc;

	if (a->argc > 1)
		rc = hr_error_set(err, 0, "profile %s: unexpected argument \"%s\"", a->argv[0], a->argv[1]);
	else
		rc = is_learn ? learn(g, r, err) : check(g, r, err);

	if (rc >= 0)
		return rc;
	/* reported here, so the status does not depend on the verb's: learn
	 * fails as run does (1); for check, 1 means "would deny", so a check
	 * that could not be made is 2 */
	hr_report_error(err);
	return is_learn ? 1 : EXIT_BAD_INPUT;
}
