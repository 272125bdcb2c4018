/* `hardrun profile learn` and `hardrun profile check` (issue 14): run a
 * bundle under a supervised seccomp filter. Exit status: learn, the
 * workload's (1 when it could not be run); check, the workload's when it
 * failed, else 1 when the profile would have denied something, else 0, and
 * 2 when the check could not be made.
 *
 * These are subcommands of the `profile` verb (src/cli/profile.c, with lint,
 * diff and probe). That verb's option table holds CLI_PROFILE_LEARN_OPTIONS
 * and its dispatch hands "learn" and "check" to cli_profile_learn_check
 * with the values found. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "profile_learn.h"
#include "hardrun/hardrun.h"
#include "hardrun/profile_learn.h"

#define EXIT_BAD_INPUT 2

static int learn(struct hr_global *g, const struct cli_profile_run *r, struct hr_error *err)
{
	struct hr_learn_opts lo = { .root = g->root, .bundle = r->bundle ? r->bundle : ".", .id = r->id,
				    .output = r->output, .merge = r->merge };
	int status;

	if (r->profile || r->report || r->enforce_after)
		return hr_error_set(err, 0, "profile learn: --profile, --report and --enforce-after are for `profile check`");
	if (!r->output)
		return hr_error_set(err, 0, "profile learn: --output FILE is required");
	if (r->format && strcmp(r->format, "oci") != 0 && strcmp(r->format, "docker") != 0)
		return hr_error_set(err, 0, "profile learn: --format must be oci or docker, not \"%s\"", r->format);
	lo.docker_format = r->format && strcmp(r->format, "docker") == 0;
	if (hr_profile_learn(&lo, &status, err) < 0)
		return -1;
	return status;
}

static int check(struct hr_global *g, const struct cli_profile_run *r, struct hr_error *err)
{
	struct hr_check_opts co = { .root = g->root, .bundle = r->bundle ? r->bundle : ".", .id = r->id,
				    .profile = r->profile, .report = r->report, .enforce_after = -1 };
	unsigned long long n;

	if (r->output || r->merge)
		return hr_error_set(err, 0, "profile check: --output and --merge are for `profile learn`");
	if (r->format && strcmp(r->format, "text") != 0 && strcmp(r->format, "json") != 0)
		return hr_error_set(err, 0, "profile check: --format must be text or json, not \"%s\"", r->format);
	co.json = r->format && strcmp(r->format, "json") == 0;
	if (r->enforce_after) {
		if (!cli_parse_u64(r->enforce_after, &n) || n > (unsigned long long)LLONG_MAX)
			return hr_error_set(err, 0, "profile check: --enforce-after wants a count, not \"%s\"",
					    r->enforce_after);
		co.enforce_after = (long long)n;
	}
	return hr_profile_check(&co, err);
}

int cli_profile_learn_check(struct hr_global *g, const char *sub, const struct cli_profile_run *r,
			    struct hr_error *err)
{
	bool is_learn = strcmp(sub, "learn") == 0;
	int rc = is_learn ? learn(g, r, err) : check(g, r, err);

	if (rc >= 0)
		return rc;
	/* reported here, so the status does not depend on the verb's: learn
	 * fails as run does (1); for check, 1 means "would deny", so a check
	 * that could not be made is 2 */
	hr_report_error(err);
	return is_learn ? 1 : EXIT_BAD_INPUT;
}

/* ---- TEMPORARY (branch learn): until lint's src/cli/profile.c lands, a
 * `profile` verb with learn and check only, dispatched by main.c and kept
 * out of the verb table (and so out of --help: the man page is lint's).
 * On merge: drop this part and its lines in main.c and cli.h; lint's verb
 * gets CLI_PROFILE_LEARN_ENUM(OPT_BUNDLE + 1) in its option enum,
 * CLI_PROFILE_LEARN_OPTIONS in its table, "oci" and "docker" in its
 * --format choices, max_args 3 stays, and in cmd_profile:
 *   if (strcmp(sub, "learn") == 0 || strcmp(sub, "check") == 0)
 *           return cli_profile_learn_check(g, sub,
 *                   &(struct cli_profile_run)CLI_PROFILE_RUN_VALUES(a, OPT_BUNDLE, OPT_FORMAT), err);
 */
static const char *const formats[] = { "oci", "docker", "text", "json", NULL };

enum { OPT_BUNDLE, OPT_FORMAT, CLI_PROFILE_LEARN_ENUM(OPT_FORMAT + 1) };

static const struct cli_option options[] = {
	[OPT_BUNDLE] = { "bundle", 'b', CLI_VALUE, "DIR", NULL, "the bundle (default: .)" },
	[OPT_FORMAT] = { "format", 0, CLI_VALUE, "FORMAT", formats,
			 "learn: oci (default) or docker; check: the report as text (default) or json" },
	CLI_PROFILE_LEARN_OPTIONS,
	{ NULL },
};

static int cmd_profile(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	const char *sub = a->argv[0];

	if (a->argc != 1)
		return hr_error_set(err, 0, "profile %s: unexpected argument \"%s\"", sub, a->argv[1]);
	if (strcmp(sub, "learn") != 0 && strcmp(sub, "check") != 0)
		return hr_error_set(err, 0, "profile: unknown command \"%s\" (learn, check)", sub);
	return cli_profile_learn_check(g, sub,
				       &(struct cli_profile_run)CLI_PROFILE_RUN_VALUES(a, OPT_BUNDLE, OPT_FORMAT), err);
}

const struct cli_verb cli_verb_profile_learn_tmp = {
	.name = "profile",
	.fn = cmd_profile,
	.summary = "learn or check a seccomp profile",
	.usage = "learn --output FILE [OPTIONS] | check [OPTIONS]",
	.options = options,
	.order = CLI_PERMUTE,
	.min_args = 1,
	.max_args = 2,
	.args_error = "needs a subcommand: learn or check",
};
