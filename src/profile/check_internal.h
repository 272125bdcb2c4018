/* Shared by the check files (check*.c, and aa_check.c for its report). */
#ifndef HARDRUN_PROFILE_CHECK_INTERNAL_H
#define HARDRUN_PROFILE_CHECK_INTERNAL_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>

#include "hardrun/error.h"
#include "profile/check.h"
#include "profile/record.h"
#include "seccomp/seccomp.h"

/* check_filter.c: the profile's complain-mode program. */
int hr_check_complain_program(const struct hr_seccomp *cfg, struct hr_seccomp_program *out, struct hr_error *err);

struct hr_check_result {
	const char *profile_name;
	struct hr_rec_entry *entries; /* from the recording */
	size_t n_entries;
	const struct hr_seccomp_program *enforcing;
	bool include_runtime;         /* noNewPrivileges off: hardrun's steps run under the filter */
	long long enforce_after;
	long long denied_calls;
	bool enforced;                /* --enforce-after was reached */
	int exit_status;
};

/* check_report.c: the report as JSON, and the same for people. */
json_t *hr_check_report_json(const struct hr_check_result *r);
void hr_check_report_text(json_t *report, FILE *out);
/* The report on stderr (JSON with --format json, else by print_text) and,
 * with --report, in that file too; seccomp's and AppArmor's checks share it. */
int hr_check_write_report(const struct hr_check_opts *o, json_t *report, void (*print_text)(json_t *report, FILE *out),
			  struct hr_error *err);

#endif
