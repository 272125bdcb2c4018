/* create [OPTIONS] ID: set the container up; its process waits for start. */
#include "create.h"

static const struct cli_option options[] = { CLI_CREATE_OPTIONS, { NULL } };

int cli_create_opts(const char *verb, struct hr_global *g, const struct cli_args *a, struct hr_create_opts *o,
		    struct hr_error *err)
{
	*o = (struct hr_create_opts){
		.root = g->root,
		.id = cli_id(a),
		.bundle = a->value[CREATE_BUNDLE],
		.pid_file = a->value[CREATE_PID_FILE],
		.console_socket = a->value[CREATE_CONSOLE_SOCKET],
		.no_pivot = a->set[CREATE_NO_PIVOT],
		.no_new_keyring = a->set[CREATE_NO_NEW_KEYRING],
		.policy = g->policy,
	};
	if (a->value[CREATE_PRESERVE_FDS] &&
	    cli_parse_count(verb, "preserve-fds", a->value[CREATE_PRESERVE_FDS], 4096, &o->preserve_fds, err) < 0)
		return -1;
	o->systemd_cgroup = g->systemd_cgroup;
	return 0;
}

static int cmd_create(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	struct hr_create_opts o;

	if (cli_create_opts("create", g, a, &o, err) < 0)
		return -1;
	return hr_lifecycle_create(&o, NULL, err) < 0 ? -1 : 0;
}

const struct cli_verb cli_verb_create = {
	.name = "create",
	.fn = cmd_create,
	.summary = "create a container (process waits for start)",
	.usage = "[OPTIONS] ID",
	.description = "Sets up the container from the bundle's config.json; its process waits\n"
		       "until `hardrun start ID`.",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.args_error = "expected exactly one container id",
};
