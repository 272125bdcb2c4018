/* state ID: the runtime-spec state JSON. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "hardrun/hardrun.h"

static const struct cli_option options[] = { { NULL } };

static int cmd_state(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	char *json;

	if (hr_lifecycle_state(g->root, cli_id(a), &json, err) < 0)
		return -1;
	printf("%s\n", json);
	free(json);
	return 0;
}

const struct cli_verb cli_verb_state = {
	.name = "state",
	.fn = cmd_state,
	.summary = "print the state of a container",
	.usage = "ID",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.args_error = "expected a container id",
};
