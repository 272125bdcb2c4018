/* `hardrun profile lint|diff|probe`: testing security profiles. Exit status
 * 0: clean (or no difference), 1: findings (differences), 2: bad input;
 * probe: 1 when its container cannot run. learn and check are in
 * profile_learn.c (their options, statuses and dispatch). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "profile_learn.h"
#include "hardrun/hardrun.h"
#include "hardrun/profile.h"

#define EXIT_BAD_INPUT 2

enum { OPT_ARCH, OPT_CAPS, OPT_KERNEL, OPT_FORMAT, OPT_BUNDLE, CLI_PROFILE_LEARN_ENUM(OPT_BUNDLE + 1) };

static const char *const formats[] = { "text", "json", "oci", "docker", NULL };

static const struct cli_option options[] = {
	[OPT_ARCH] = { "arch", 0, CLI_VALUE, "ARCH", NULL,
		       "lint/diff: judge for this architecture (x86_64, aarch64, ...; default: this machine's)" },
	[OPT_CAPS] = { "caps", 0, CLI_VALUE, "CAP,...", NULL,
		       "lint/diff: the capabilities Docker's includes/excludes see (default: Docker's default set)" },
	[OPT_KERNEL] = { "kernel", 0, CLI_VALUE, "X.Y", NULL,
			 "lint/diff: the kernel Docker's minKernel is compared with (default: this one)" },
	[OPT_FORMAT] = { "format", 0, CLI_VALUE, "FORMAT", formats,
			 "text (default) or json; learn: the profile as oci (default) or docker" },
	[OPT_BUNDLE] = { "bundle", 'b', CLI_VALUE, "DIR", NULL, "probe, learn, check: the bundle (default: .)" },
	CLI_PROFILE_LEARN_OPTIONS,
	{ NULL },
};

static int cmd_profile(struct hr_global *g, const struct cli_args *a, struct hr_error *err);

const struct cli_verb cli_verb_profile = {
	.name = "profile",
	.fn = cmd_profile,
	.summary = "lint, diff, probe, learn and check security profiles",
	.usage = "lint FILE | diff A B | probe [--bundle DIR] | learn [--apparmor] --output FILE [OPTIONS] | check [--apparmor] [OPTIONS]",
	.description = "lint: what a seccomp profile (OCI, config.json or Docker's format) lets through that a\n"
		       "hardened one should not, found by evaluating its compiled filter.\n"
		       "diff: the syscalls and argument cases one profile allows and the other denies.\n"
		       "probe: the confinement a container of the bundle really gets (a static probe run\n"
		       "with `run` under the bundle's config).\n"
		       "learn: run the bundle recording every syscall, write the deny-by-default profile\n"
		       "allowing exactly those (exit status: the workload's).\n"
		       "check: run the bundle under a profile in complain mode and report what it would deny\n"
		       "(exit status: the workload's if it failed, else 1 if anything would be denied).\n"
		       "learn/check --apparmor: the same for an AppArmor profile, from the kernel's audit\n"
		       "records of a temporary complain-mode profile (needs AppArmor; 2 where it is not enabled).\n"
		       "Exit status: 0 clean, 1 findings or differences, 2 bad input.",
	.options = options,
	.order = CLI_PERMUTE,
	.min_args = 1,
	.max_args = 3,
	.args_error = "needs a subcommand: lint FILE, diff A B, probe, learn or check",
	.fail_status = EXIT_BAD_INPUT,
};

static void emit(json_t *report, bool as_json, void (*print)(const json_t *, FILE *))
{
	if (as_json) {
		json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		print(report, stdout);
	}
	fflush(stdout);
}

static int input_of(const struct cli_args *a, struct hr_profile_input *in, struct hr_error *err)
{
	const char *arch = a->value[OPT_ARCH];

	*in = (struct hr_profile_input){ .caps = a->value[OPT_CAPS], .kernel = a->value[OPT_KERNEL] };
	if (arch && !(in->arch = hr_profile_arch_from_name(arch)))
		return hr_error_set(err, 0, "profile: unknown architecture \"%s\"", arch);
	return 0;
}

static bool as_json(const struct cli_args *a)
{
	return a->value[OPT_FORMAT] && strcmp(a->value[OPT_FORMAT], "json") == 0;
}

static int run_lint_or_diff(const struct cli_args *a, bool diff, struct hr_error *err)
{
	struct hr_profile_input in;
	json_t *report = NULL;
	int n;

	if (a->argc != (diff ? 3 : 2))
		return hr_error_set(err, 0, "profile %s: needs %s", a->argv[0], diff ? "two files A B" : "one FILE");
	if (input_of(a, &in, err) < 0)
		return -1;
	n = diff ? hr_profile_diff(a->argv[1], a->argv[2], &in, &report, err)
		 : hr_profile_lint(a->argv[1], &in, &report, err);
	if (n < 0)
		return -1;
	emit(report, as_json(a), diff ? hr_profile_diff_print : hr_profile_lint_print);
	json_decref(report);
	return n > 0 ? 1 : 0;
}

/* A probe that cannot run its container is a runtime failure (1), not bad input. */
static int run_probe(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	const char *bundle = a->value[OPT_BUNDLE] ? a->value[OPT_BUNDLE] : ".";
	json_t *report = NULL;

	if (a->argc != 1)
		return hr_error_set(err, 0, "profile probe: unexpected argument \"%s\"", a->argv[1]);
	if (hr_profile_probe(g->root, bundle, g->debug, &report, err) < 0) {
		hr_report_error(err);
		return 1;
	}
	emit(report, as_json(a), hr_profile_probe_print);
	json_decref(report);
	return 0;
}

static int cmd_profile(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	const char *sub = a->argv[0];

	if (strcmp(sub, "lint") == 0 || strcmp(sub, "diff") == 0)
		return run_lint_or_diff(a, strcmp(sub, "diff") == 0, err);
	if (strcmp(sub, "probe") == 0)
		return run_probe(g, a, err);
	if (strcmp(sub, "learn") == 0 || strcmp(sub, "check") == 0)
		return cli_profile_learn_check(g, a, &(struct cli_profile_run)CLI_PROFILE_RUN_VALUES(a, OPT_BUNDLE, OPT_FORMAT),
					       err);
	return hr_error_set(err, 0, "profile: unknown command \"%s\" (lint, diff, probe, learn, check)", sub);
}
