/* `hardrun profile learn` and `hardrun profile check` (issue 14): run a
 * bundle under a supervised seccomp filter. Exit status: learn, the
 * workload's; check, the workload's when it failed, else 1 when the
 * profile would have denied something, else 0. 2: bad input. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "base/log.h"
#include "base/util.h"
#include "profile/check.h"
#include "profile/learn.h"

#define EXIT_BAD_INPUT 2

static const char learn_usage[] =
	"usage: hardrun profile learn [--bundle DIR] --output FILE [--merge PROFILE] [--format oci|docker] [--id ID]\n";
static const char check_usage[] =
	"usage: hardrun profile check [--bundle DIR] [--profile FILE] [--report FILE] [--format text|json]\n"
	"                             [--enforce-after N] [--id ID]\n";

enum { OPT_BUNDLE = 'b', OPT_OUTPUT = 'o', OPT_MERGE = 1000, OPT_FORMAT, OPT_ID, OPT_PROFILE, OPT_REPORT,
       OPT_ENFORCE_AFTER, OPT_HELP };

static const struct option long_opts[] = {
	{ "bundle", required_argument, NULL, OPT_BUNDLE },   { "output", required_argument, NULL, OPT_OUTPUT },
	{ "merge", required_argument, NULL, OPT_MERGE },     { "format", required_argument, NULL, OPT_FORMAT },
	{ "id", required_argument, NULL, OPT_ID },           { "profile", required_argument, NULL, OPT_PROFILE },
	{ "report", required_argument, NULL, OPT_REPORT },   { "enforce-after", required_argument, NULL, OPT_ENFORCE_AFTER },
	{ "help", no_argument, NULL, OPT_HELP },             { NULL, 0, NULL, 0 },
};

struct opts {
	const char *bundle, *output, *merge, *format, *id, *profile, *report;
	long long enforce_after;
	bool help;
};

static int parse(const char *verb, int argc, char **argv, struct opts *o, struct hr_error *err)
{
	int c;

	o->enforce_after = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:o:", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_BUNDLE: o->bundle = optarg; break;
		case OPT_OUTPUT: o->output = optarg; break;
		case OPT_MERGE: o->merge = optarg; break;
		case OPT_FORMAT: o->format = optarg; break;
		case OPT_ID: o->id = optarg; break;
		case OPT_PROFILE: o->profile = optarg; break;
		case OPT_REPORT: o->report = optarg; break;
		case OPT_ENFORCE_AFTER:
			if (!hr_parse_i64(optarg, &o->enforce_after) || o->enforce_after < 0)
				return hr_error_set(err, 0, "profile %s: --enforce-after wants a count, not \"%s\"", verb,
						    optarg);
			break;
		case OPT_HELP: o->help = true; break;
		case ':': return hr_error_set(err, 0, "profile %s: option \"%s\" needs a value", verb, argv[optind - 1]);
		default: return hr_error_set(err, 0, "profile %s: unknown option \"%s\"", verb, argv[optind - 1]);
		}
	}
	if (optind < argc)
		return hr_error_set(err, 0, "profile %s: unexpected argument \"%s\"", verb, argv[optind]);
	return 0;
}

static int learn(struct hr_global *g, const struct opts *o, struct hr_error *err)
{
	struct hr_learn_opts lo = { .root = g->root, .bundle = o->bundle ? o->bundle : ".", .id = o->id,
				    .output = o->output, .merge = o->merge };
	int status;

	if (o->profile || o->report || o->enforce_after >= 0)
		return hr_error_set(err, 0, "profile learn: --profile, --report and --enforce-after are for `profile check`");
	if (!o->output)
		return hr_error_set(err, 0, "profile learn: --output FILE is required");
	if (o->format && strcmp(o->format, "oci") != 0 && strcmp(o->format, "docker") != 0)
		return hr_error_set(err, 0, "profile learn: --format must be oci or docker, not \"%s\"", o->format);
	lo.docker_format = o->format && strcmp(o->format, "docker") == 0;
	if (hr_profile_learn(&lo, &status, err) < 0)
		return -1;
	return status;
}

static int check(struct hr_global *g, const struct opts *o, struct hr_error *err)
{
	struct hr_check_opts co = { .root = g->root, .bundle = o->bundle ? o->bundle : ".", .id = o->id,
				    .profile = o->profile, .report = o->report, .enforce_after = o->enforce_after };
	int rc;

	if (o->output || o->merge)
		return hr_error_set(err, 0, "profile check: --output and --merge are for `profile learn`");
	if (o->format && strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0)
		return hr_error_set(err, 0, "profile check: --format must be text or json, not \"%s\"", o->format);
	co.json = o->format && strcmp(o->format, "json") == 0;
	rc = hr_profile_check(&co, err);
	if (rc < 0) { /* 1 means "would deny": a failure to check is 2 */
		hr_log_error(err);
		return EXIT_BAD_INPUT;
	}
	return rc;
}

/* argv[0] is "learn" or "check" */
int cmd_profile_learn_check(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	bool is_learn = strcmp(argv[0], "learn") == 0;
	struct opts o = { 0 };

	if (parse(argv[0], argc, argv, &o, err) < 0) {
		if (is_learn)
			return -1;
		hr_log_error(err);
		return EXIT_BAD_INPUT;
	}
	if (o.help) {
		fputs(is_learn ? learn_usage : check_usage, stdout);
		return 0;
	}
	return is_learn ? learn(g, &o, err) : check(g, &o, err);
}
