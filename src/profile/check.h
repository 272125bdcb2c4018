/* `hardrun profile check`: complain mode for seccomp. The workload runs
 * under a filter where everything the profile would deny is sent to the
 * supervisor instead, which lets it through and reports it. */
#ifndef HARDRUN_PROFILE_CHECK_H
#define HARDRUN_PROFILE_CHECK_H

#include <stdbool.h>

#include "hardrun/error.h"

struct hr_check_opts {
	const char *root;
	const char *bundle;
	const char *id;            /* NULL: a generated one */
	const char *profile;       /* an OCI profile file; NULL: the bundle's linux.seccomp */
	const char *report;        /* also write the JSON report here, or NULL */
	bool json;                 /* the report on stdout as JSON, not text */
	long long enforce_after;   /* after this many would-be denials, enforce; -1: never */
};

/* Returns the exit status: the workload's when it failed, else 1 when the
 * profile would have denied something, else 0; -1 with err on bad input or
 * when the container could not be run. */
int hr_profile_check(const struct hr_check_opts *o, struct hr_error *err);

#endif
