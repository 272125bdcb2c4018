/* pause ID: freeze every process of a running container (cgroup.freeze). */
#include <stdbool.h>

#include "cgroup_cli.h"

int cmd_pause(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	return hr_cli_set_frozen(g, argc, argv, true, err);
}
