/* Seccomp profiles in the OCI linux.seccomp form: the profile parser
 * (hr_seccomp_profile_parse, used for profile files and for the profile
 * embedded in the binary), then the compiler to BPF with libseccomp (no
 * cache directory: nothing is written). */
#include "fuzz_common.h"

#include <stdio.h>

#include "seccomp/compact.h"
#include "seccomp/seccomp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The profile embedded in the binary (hr_seccomp_default_profile_json) goes
 * through the same parser and compiler; a broken one fails the run. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *text = hr_seccomp_default_profile_json();
	struct hr_error err = { 0 };
	struct hr_seccomp *s = NULL;
	struct hr_seccomp_program prog;

	(void)argc;
	(void)argv;
	if (hr_seccomp_profile_parse(text, "embedded default.json", &s, &err) < 0 ||
	    hr_seccomp_compile(s, NULL, &prog, &err) < 0) {
		fprintf(stderr, "fuzz_seccomp: the embedded profile: %s\n", err.msg);
		abort();
	}
	hr_seccomp_program_clear(&prog);
	hr_seccomp_profile_free(s);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct hr_error err = { 0 };
	struct hr_seccomp *s = NULL;
	struct hr_seccomp_program prog;

	if (hr_seccomp_profile_parse(text, "fuzz/seccomp.json", &s, &err) == 0) {
		if (hr_seccomp_compile(s, NULL, &prog, &err) == 0) {
			/* the ranges a cached compile would store (compact.c) */
			struct sock_filter *q = NULL;
			size_t qn = 0;
			if (hr_seccomp_compact(prog.filter, prog.n_insns, &q, &qn) == 1)
				free(q);
			hr_seccomp_program_clear(&prog);
		}
		hr_seccomp_profile_free(s);
	}
	free(text);
	return 0;
}
