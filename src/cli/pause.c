/* pause ID: freeze every process of a running container (cgroup.freeze). */
#include "cli.h"
#include "hardrun/hardrun.h"

static const struct cli_option options[] = { { NULL } };

static int cmd_pause(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	return hr_lifecycle_pause(g->root, cli_id(a), err) < 0 ? -1 : 0;
}

const struct cli_verb cli_verb_pause = {
	.name = "pause",
	.fn = cmd_pause,
	.summary = "freeze all processes of a container",
	.usage = "ID",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.args_error = "expected exactly one container id",
};
