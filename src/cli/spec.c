/* spec [--bundle DIR] [--rootless] [--minimal]: write a starting config.json,
 * hardened unless --minimal. */
#include "cli.h"
#include "hardrun/hardrun.h"

enum { SPEC_BUNDLE, SPEC_ROOTLESS, SPEC_MINIMAL };
static const struct cli_option options[] = {
	[SPEC_BUNDLE] = { "bundle", 'b', CLI_VALUE, "DIR", NULL, "write DIR/config.json (default: .)" },
	[SPEC_ROOTLESS] = { "rootless", 0, CLI_FLAG, NULL, NULL, "a config for an unprivileged user (user namespace)" },
	[SPEC_MINIMAL] = { "minimal", 0, CLI_FLAG, NULL, NULL, "runc's starting config (capabilities, no user namespace or limits)" },
	{ NULL },
};

static int cmd_spec(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	const char *bundle = a->value[SPEC_BUNDLE] ? a->value[SPEC_BUNDLE] : ".";

	(void)g;
	return hr_write_example_config(bundle, a->set[SPEC_ROOTLESS], a->set[SPEC_MINIMAL], err) < 0 ? -1 : 0;
}

const struct cli_verb cli_verb_spec = {
	.name = "spec",
	.fn = cmd_spec,
	.summary = "write a starting config.json",
	.usage = "[OPTIONS]",
	.options = options,
	.min_args = 0,
	.max_args = 0,
	.args_error = "takes no arguments",
};
