/* update [OPTIONS] ID: change the resource limits of a live container;
 * the flags are runc's, turned into resources by hr_lifecycle_update_flags. */
#include "cli.h"
#include "hardrun/hardrun.h"

/* The table's order is the facade's (HR_UPDATE_*), after --resources. */
enum { O_RESOURCES, O_FIRST_FLAG };
static const struct cli_option options[] = {
	[O_RESOURCES] = { "resources", 'r', CLI_VALUE, "FILE", NULL,
			  "LinuxResources JSON (\"-\": stdin); the options below override it" },
	[O_FIRST_FLAG + HR_UPDATE_MEMORY] = { "memory", 0, CLI_VALUE, "SIZE", NULL,
					      "memory limit (512k, 100m, 1.5g; -1: none)" },
	[O_FIRST_FLAG + HR_UPDATE_MEMORY_SWAP] = { "memory-swap", 0, CLI_VALUE, "SIZE", NULL,
						   "memory plus swap limit" },
	[O_FIRST_FLAG + HR_UPDATE_MEMORY_RESERVATION] = { "memory-reservation", 0, CLI_VALUE, "SIZE", NULL,
							  "memory soft limit" },
	[O_FIRST_FLAG + HR_UPDATE_CPU_QUOTA] = { "cpu-quota", 0, CLI_VALUE, "N", NULL, "CPU time (us) per period" },
	[O_FIRST_FLAG + HR_UPDATE_CPU_PERIOD] = { "cpu-period", 0, CLI_VALUE, "N", NULL, "CPU period (us)" },
	[O_FIRST_FLAG + HR_UPDATE_CPU_SHARES] = { "cpu-shares", 0, CLI_VALUE, "N", NULL, "CPU shares (as cpu.weight)" },
	[O_FIRST_FLAG + HR_UPDATE_CPUSET_CPUS] = { "cpuset-cpus", 0, CLI_VALUE, "LIST", NULL, "CPUs to run on (0-3,5)" },
	[O_FIRST_FLAG + HR_UPDATE_CPUSET_MEMS] = { "cpuset-mems", 0, CLI_VALUE, "LIST", NULL, "memory nodes to use" },
	[O_FIRST_FLAG + HR_UPDATE_PIDS_LIMIT] = { "pids-limit", 0, CLI_VALUE, "N", NULL, "maximum number of processes" },
	[O_FIRST_FLAG + HR_UPDATE_BLKIO_WEIGHT] = { "blkio-weight", 0, CLI_VALUE, "N", NULL,
						    "block IO weight, 10 to 1000" },
	{ NULL },
};

static int cmd_update(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	struct hr_update_flags f = { .resources = a->value[O_RESOURCES], .policy = g->policy };

	for (int i = 0; i < HR_UPDATE_N; i++)
		f.values[i] = a->value[O_FIRST_FLAG + i];
	return hr_lifecycle_update_flags(g->root, cli_id(a), &f, err) < 0 ? -1 : 0;
}

const struct cli_verb cli_verb_update = {
	.name = "update",
	.fn = cmd_update,
	.summary = "update a container's resource limits",
	.usage = "[OPTIONS] ID",
	.description = "Device rules are not changed by update (as runc).",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.args_error = "expected exactly one container id",
};
