/* resume ID: thaw a paused container. */
#include <stdbool.h>

#include "cgroup_cli.h"

int cmd_resume(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	return hr_cli_set_frozen(g, argc, argv, false, err);
}
