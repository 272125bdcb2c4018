/* Testing security profiles (`hardrun profile`): the facade the CLI uses.
 * lint and diff judge seccomp profiles by evaluating their compiled filters;
 * probe reports the confinement a bundle's container really gets. */
#ifndef HARDRUN_PROFILE_H
#define HARDRUN_PROFILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hardrun/error.h"

/* How a profile file is read. */
struct hr_profile_input {
	uint32_t arch;        /* SCMP_ARCH_* the profile is resolved for; 0: native */
	const char *caps;     /* "CAP_A,CAP_B": Docker includes/excludes; NULL: Docker's default set */
	const char *kernel;   /* "5.10": Docker minKernel; NULL: this kernel's release */
};

/* SCMP_ARCH_X86_64 / x86_64 / amd64 -> token; 0 if unknown. */
uint32_t hr_profile_arch_from_name(const char *name);

/* Lint: findings as a JSON object {"profile","format","arch","findings":[...],
 * "errors","warnings"}; returns the number of findings, -1 on error (bad
 * input: file:line:col, a JSON path, an unknown capability...). */
int hr_profile_lint(const char *path, const struct hr_profile_input *in, json_t **report,
		    struct hr_error *err);
void hr_profile_lint_print(const json_t *report, FILE *out);

/* Diff: {"a","b","arch","differences":[...],"count","allow_deny"}; returns
 * the number of differences, -1 on error. */
int hr_profile_diff(const char *path_a, const char *path_b, const struct hr_profile_input *in,
		    json_t **report, struct hr_error *err);
void hr_profile_diff_print(const json_t *report, FILE *out);

/* Runs the probe in a container from bundle (state under root) and returns
 * its report, with the runtime's shared namespaces added. */
int hr_profile_probe(const char *root, const char *bundle, bool debug, json_t **report,
		     struct hr_error *err);
void hr_profile_probe_print(const json_t *report, FILE *out);

#endif
