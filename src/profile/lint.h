/* `hardrun profile lint` and `profile diff` inside the profile folder (the
 * entry points are in hardrun/profile.h): seccomp profiles judged by
 * evaluating their compiled filters (seccomp/eval.h), never by their text. */
#ifndef HARDRUN_PROFILE_LINT_H
#define HARDRUN_PROFILE_LINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hardrun/error.h"
#include "hardrun/profile.h"
#include "seccomp/eval.h"
#include "spec/spec.h"

/* A loaded profile: the OCI form, and what libseccomp does not know. */
struct hr_profile {
	struct hr_seccomp *seccomp;
	const char *format;   /* "oci", "config" (linux.seccomp of a config.json) or "docker" */
	char **unknown_names; /* rule names libseccomp resolves on no architecture */
};

/* Reads an OCI linux.seccomp object, a config.json holding one, or Docker's
 * format (resolved as Docker does for in->arch, in->caps, in->kernel).
 * Errors: file:line:col for bad JSON, the JSON path for a bad field. */
int hr_profile_load(const char *path, const struct hr_profile_input *in, struct hr_profile *out,
		    struct hr_error *err);
void hr_profile_clear(struct hr_profile *p);

/* "x86_64", "x86", "x32", ... */
const char *hr_profile_arch_name(uint32_t token);
/* The architectures a kernel of arch also runs (x86_64: x86, x32), arch first. */
size_t hr_profile_arch_family(uint32_t arch, uint32_t out[4]);

/* The cases every linter and diff evaluates (lint_cases.c). */
enum hr_lint_severity { HR_LINT_WARNING, HR_LINT_ERROR };
struct hr_lint_case {
	const char *syscall;
	const char *label;    /* "CLONE_NEWUSER"; NULL: any arguments */
	struct hr_seccomp_cond conds[2];
	size_t n_conds;
	enum hr_lint_severity severity;
	const char *why;
};
const struct hr_lint_case *hr_lint_cases(size_t *n);

/* "arg0=0x10000000 arg2=0x1", "" when every argument is 0 (lint_cases.c). */
void hr_lint_format_args(const struct seccomp_data *d, uint32_t arch, char *buf, size_t n);

#endif
