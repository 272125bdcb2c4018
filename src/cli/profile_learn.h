/* The options `profile learn` and `profile check` (profile_learn.c) add to
 * the `profile` verb's table (profile.c), after the verb's own, which have
 * --bundle and --format (whose choices take oci and docker too). */
#ifndef HARDRUN_CLI_PROFILE_LEARN_H
#define HARDRUN_CLI_PROFILE_LEARN_H

#include "cli.h"

/* Inside the verb's option enum, after its own: CLI_PROFILE_LEARN_ENUM(N) */
#define CLI_PROFILE_LEARN_ENUM(first) \
	PL_OUTPUT = (first), PL_MERGE, PL_ID, PL_PROFILE, PL_REPORT, PL_ENFORCE_AFTER, PL_APPARMOR, PL_NAME

#define CLI_PROFILE_LEARN_OPTIONS                                                                               \
	[PL_OUTPUT] = { "output", 'o', CLI_VALUE, "FILE", NULL, "learn: write the learned profile to FILE" },    \
	[PL_MERGE] = { "merge", 0, CLI_VALUE, "PROFILE", NULL, "learn: extend this OCI profile with the run" },  \
	[PL_ID] = { "id", 0, CLI_VALUE, "ID", NULL, "learn/check: the container's id (default: generated)" },  \
	[PL_PROFILE] = { "profile", 0, CLI_VALUE, "FILE", NULL,                                                 \
			 "check: the OCI profile to check (default: the bundle's linux.seccomp); "              \
			 "with --apparmor, an AppArmor profile (required)" },                                  \
	[PL_REPORT] = { "report", 0, CLI_VALUE, "FILE", NULL, "check: also write the JSON report to FILE" },    \
	[PL_ENFORCE_AFTER] = { "enforce-after", 0, CLI_VALUE, "N", NULL,                                        \
			       "check: enforce the profile after N would-be denials" },                         \
	[PL_APPARMOR] = { "apparmor", 0, CLI_FLAG, NULL, NULL,                                                  \
			  "learn/check: an AppArmor profile instead of seccomp (complain mode, audit records)" }, \
	[PL_NAME] = { "name", 0, CLI_VALUE, "NAME", NULL,                                                       \
		      "learn --apparmor: the learned profile's name (default: the output's file name)" }

/* The values profile_learn.c needs, from the parsed arguments. */
struct cli_profile_run {
	const char *bundle, *format, *output, *merge, *id, *profile, *report, *enforce_after, *name;
	bool apparmor;
};

#define CLI_PROFILE_RUN_VALUES(a, bundle_opt, format_opt)                                                    \
	{ .bundle = (a)->value[bundle_opt], .format = (a)->value[format_opt], .output = (a)->value[PL_OUTPUT], \
	  .merge = (a)->value[PL_MERGE], .id = (a)->value[PL_ID], .profile = (a)->value[PL_PROFILE],           \
	  .report = (a)->value[PL_REPORT], .enforce_after = (a)->value[PL_ENFORCE_AFTER],                     \
	  .name = (a)->value[PL_NAME], .apparmor = (a)->set[PL_APPARMOR] }

/* a->argv[0]: "learn" or "check". Returns the exit status (errors are
 * reported here: learn 1, check 2). */
int cli_profile_learn_check(struct hr_global *g, const struct cli_args *a, const struct cli_profile_run *r,
			    struct hr_error *err);

#endif
