/* run [OPTIONS] ID: create and start; in the foreground unless --detach. */
#include "create.h"

enum { RUN_DETACH = CREATE_N_OPTIONS, RUN_KEEP };

static const struct cli_option options[] = {
	CLI_CREATE_OPTIONS,
	[RUN_DETACH] = { "detach", 'd', CLI_FLAG, NULL, NULL, "do not wait for the container's process" },
	[RUN_KEEP] = { "keep", 0, CLI_FLAG, NULL, NULL, "keep the stopped container (no delete at exit)" },
	{ NULL },
};

static int cmd_run(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	struct hr_create_opts o;
	struct hr_created created = { .pidfd = -1, .console_master = -1 };
	struct hr_error cleanup_err = { 0 };
	bool detach = a->set[RUN_DETACH], keep = a->set[RUN_KEEP];
	int status;

	if (cli_create_opts("run", g, a, &o, err) < 0)
		return -1;
	o.foreground = !detach;
	if (hr_lifecycle_create(&o, &created, err) < 0)
		return -1;
	if (hr_lifecycle_start(g->root, o.id, err) < 0) {
		hr_lifecycle_delete(g->root, o.id, true, &cleanup_err);
		return -1;
	}
	if (detach)
		return 0;
	status = hr_wait_foreground(created.pid, created.pidfd, created.console_master, err);
	if (status < 0)
		return -1;
	/* --keep: the stopped container stays for inspection, as with runc */
	if (!keep && hr_lifecycle_delete(g->root, o.id, true, &cleanup_err) < 0)
		hr_report_error(&cleanup_err);
	return status;
}

const struct cli_verb cli_verb_run = {
	.name = "run",
	.fn = cmd_run,
	.summary = "create and start a container",
	.usage = "[OPTIONS] ID",
	.description = "Creates and starts the container, then (unless --detach) forwards signals\n"
		       "and the terminal to it, deletes it when it exits and exits with its status.",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.args_error = "expected exactly one container id",
};
