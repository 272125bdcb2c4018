/* kill [--all] ID [SIGNAL]: signal the init process (or every process). */
#include "cli.h"
#include "hardrun/hardrun.h"

enum { KILL_ALL };
static const struct cli_option options[] = {
	[KILL_ALL] = { "all", 'a', CLI_FLAG, NULL, NULL, "signal every process of the container" },
	{ NULL },
};

static int cmd_kill(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	const char *signame = a->argc > 1 ? a->argv[1] : NULL;
	int sig = 15;

	if (signame && (sig = hr_signal_parse(signame)) < 0)
		return hr_error_set(err, 0, "invalid signal \"%s\"", signame);
	return hr_lifecycle_kill(g->root, cli_id(a), sig, a->set[KILL_ALL], err) < 0 ? -1 : 0;
}

const struct cli_verb cli_verb_kill = {
	.name = "kill",
	.fn = cmd_kill,
	.summary = "send a signal to the container's init process",
	.usage = "[OPTIONS] ID [SIGNAL]",
	.description = "SIGNAL is a name (TERM, SIGTERM, RTMIN+1) or a number; default TERM.",
	.options = options,
	.min_args = 1,
	.max_args = 2,
	.args_error = "expected a container id [and a signal]",
};
