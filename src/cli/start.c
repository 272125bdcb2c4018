/* start ID: let a created container's process run its program. */
#include "cli.h"
#include "hardrun/hardrun.h"

static const struct cli_option options[] = { { NULL } };

static int cmd_start(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	return hr_lifecycle_start(g->root, cli_id(a), err) < 0 ? -1 : 0;
}

const struct cli_verb cli_verb_start = {
	.name = "start",
	.fn = cmd_start,
	.summary = "start a created container",
	.usage = "ID",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.args_error = "expected a container id",
};
