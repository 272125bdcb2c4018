/* `hardrun policy init` (the "restricted" starting policy, on stdout),
 * `hardrun [--policy FILE] policy check [--bundle B]` (a dry run: what the
 * host policy would do to B's config; exit 1 when it would refuse), and
 * `hardrun inspect ID` (the effective hardening, read from outside). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hardrun/hardrun.h"

enum { O_BUNDLE };
static const struct cli_option policy_options[] = {
	[O_BUNDLE] = { "bundle", 'b', CLI_VALUE, "DIR", NULL, "check: the bundle (default .)" },
	{ NULL },
};

static int cmd_policy(struct hr_global *g, const struct cli_args *a, struct hr_error *err);

const struct cli_verb cli_verb_policy = {
	.name = "policy",
	.fn = cmd_policy,
	.summary = "write (init) or try (check) the host policy floor",
	.usage = "init | check [--bundle DIR]",
	.description = "init: print the \"restricted\" starting policy (its degrade list from what this\n"
		       "host lacks). check: what the host policy (--policy FILE, or\n"
		       "/etc/hardrun/policy.json) would inject, refuse, warn about or let degrade\n"
		       "in the bundle's config.json; exit 1 when it would refuse.",
	.options = policy_options,
	.min_args = 1,
	.max_args = 1,
	.args_error = "expected init or check (see hardrun policy --help)",
};

static int check(struct hr_global *g, const char *bundle, struct hr_error *err)
{
	char *report = NULL;
	size_t refusals = 0;

	if (hr_lifecycle_policy_check(g->policy, bundle ? bundle : ".", &report, &refusals, err) < 0)
		return -1;
	fputs(*report ? report : "nothing: the config is at or above the floor\n", stdout);
	free(report);
	return refusals ? 1 : 0;
}

static int cmd_policy(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	const char *sub = a->argv[0];

	if (strcmp(sub, "init") == 0 && !a->set[O_BUNDLE]) {
		char *text = hr_lifecycle_policy_init();
		fputs(text, stdout);
		free(text);
		return 0;
	}
	if (strcmp(sub, "check") == 0)
		return check(g, a->value[O_BUNDLE], err);
	return hr_error_set(err, 0, "policy: unknown subcommand or arguments (see hardrun policy --help)");
}

static const struct cli_option inspect_options[] = { { NULL } };

static int cmd_inspect(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	char *json = NULL;

	if (hr_lifecycle_inspect(g->root, cli_id(a), &json, err) < 0)
		return -1;
	puts(json);
	free(json);
	return 0;
}

const struct cli_verb cli_verb_inspect = {
	.name = "inspect",
	.fn = cmd_inspect,
	.summary = "the effective hardening of a container, read from outside",
	.usage = "ID",
	.description = "Capabilities, no_new_privs, seccomp, namespaces, id maps, AppArmor label,\n"
		       "read-only root, masked paths and cgroup limits as the kernel reports them,\n"
		       "and what the host policy changed, as JSON.",
	.options = inspect_options,
	.min_args = 1,
	.max_args = 1,
	.args_error = "expected a container id",
};
