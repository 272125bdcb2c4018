/* `hardrun profile learn` and `hardrun profile check` (issue 14): the
 * facade the CLI uses. Both run a bundle in the foreground under a seccomp
 * filter whose notifications go to hardrun's own supervisor. */
#ifndef HARDRUN_FACADE_PROFILE_LEARN_H
#define HARDRUN_FACADE_PROFILE_LEARN_H

#include <stdbool.h>

#include "hardrun/error.h"

struct hr_learn_opts {
	const char *root;       /* --root of the state */
	const char *policy;     /* --policy FILE; NULL: /etc/hardrun/policy.json if present */
	const char *bundle;
	const char *config_text; /* config.json's text instead of BUNDLE/config.json (sandbox --learn) */
	const char *id;         /* NULL: a generated one */
	const char *output;     /* the profile to write */
	const char *merge;      /* an OCI profile to extend, or NULL */
	bool docker_format;
	int checkpoint_ms;      /* how often a partial profile is written; 0: 500 */
	bool apparmor;          /* --apparmor: learn an AppArmor profile instead */
	const char *name;       /* --apparmor: the profile's name; NULL: from the output's file name */
};

/* Learn: records every syscall of the workload and writes the
 * deny-by-default profile allowing exactly those (flagged partial when the
 * workload was killed). *status is the workload's exit status (128+N:
 * killed by signal N); -1 with err when it could not be run or written. */
int hr_profile_learn(const struct hr_learn_opts *o, int *status, struct hr_error *err);

struct hr_check_opts {
	const char *root;
	const char *policy;        /* --policy FILE; NULL: the default file if present */
	const char *bundle;
	const char *config_text;   /* config.json's text instead of BUNDLE/config.json (sandbox --check) */
	const char *id;            /* NULL: a generated one */
	const char *profile;       /* an OCI profile file; NULL: the bundle's linux.seccomp */
	const char *report;        /* also write the JSON report here, or NULL */
	bool json;                 /* the report on stderr as JSON, not text */
	long long enforce_after;   /* after this many would-be denials, enforce; -1: never */
	bool apparmor;             /* --apparmor: profile is an AppArmor profile (required) */
};

/* Check (complain mode): what the profile would deny runs and is reported.
 * Returns the exit status: the workload's when it failed, else 1 when the
 * profile would have denied something, else 0; -1 with err on bad input or
 * when the container could not be run. */
int hr_profile_check(const struct hr_check_opts *o, struct hr_error *err);

#endif
