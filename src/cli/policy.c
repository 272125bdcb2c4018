/* `hardrun policy init` (the "restricted" starting policy, on stdout) and
 * `hardrun [--policy FILE] policy check [--bundle B]` (a dry run: what the
 * host policy would do to B's config; exit 1 when it would refuse). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hardrun/hardrun.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: hardrun policy init                  print the \"restricted\" starting policy\n"
		   "       hardrun [--policy FILE] policy check [--bundle B]\n"
		   "                                           what the policy would inject, refuse,\n"
		   "                                           warn about or let degrade (exit 1: refused)\n");
}

static int check(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' }, { NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	char *report = NULL;
	size_t refusals = 0;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
		if (c != 'b')
			return hr_error_set(err, 0, "policy check: unknown option \"%s\"", argv[optind - 1]);
		bundle = optarg;
	}
	if (optind != argc)
		return hr_error_set(err, 0, "policy check: unexpected argument \"%s\"", argv[optind]);
	if (hr_lifecycle_policy_check(g->policy, bundle, &report, &refusals, err) < 0)
		return -1;
	fputs(*report ? report : "nothing: the config is at or above the floor\n", stdout);
	free(report);
	return refusals ? 1 : 0;
}

int cmd_policy(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "init") == 0 && argc == 2) {
		char *text = hr_lifecycle_policy_init();
		fputs(text, stdout);
		free(text);
		return 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return check(g, argc - 1, argv + 1, err);
	return hr_error_set(err, 0, "policy: unknown subcommand or arguments (see hardrun policy --help)");
}

/* `hardrun inspect ID`: the effective hardening, as JSON. */
int cmd_inspect(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	char *json = NULL;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: hardrun inspect ID\n");
		return 2;
	}
	if (hr_lifecycle_inspect(g->root, argv[1], &json, err) < 0)
		return -1;
	puts(json);
	free(json);
	return 0;
}
