/* delete [--force] ID: remove a stopped (with --force: any) container. */
#include <string.h>

#include "cli.h"
#include "hardrun/hardrun.h"

enum { DELETE_FORCE };
static const struct cli_option options[] = {
	[DELETE_FORCE] = { "force", 'f', CLI_FLAG, NULL, NULL, "kill a running container first; a missing one is no error" },
	{ NULL },
};

static int cmd_delete(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	bool force = a->set[DELETE_FORCE];

	if (hr_lifecycle_delete(g->root, cli_id(a), force, err) < 0) {
		/* runc: delete --force of a missing container succeeds */
		if (force && strstr(err->msg, "does not exist"))
			return 0;
		return -1;
	}
	return 0;
}

const struct cli_verb cli_verb_delete = {
	.name = "delete",
	.fn = cmd_delete,
	.summary = "delete a container and its resources",
	.usage = "[OPTIONS] ID",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.args_error = "expected a container id",
};
