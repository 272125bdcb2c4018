/* exec [OPTIONS] ID [COMMAND [ARG...]]: run a new process in a container,
 * either --process FILE (a process.json) or the container's process with
 * the command and the changes the options give (as runc). */
#include "cli.h"
#include "hardrun/hardrun.h"

enum {
	EXEC_PROCESS, EXEC_TTY, EXEC_CWD, EXEC_ENV, EXEC_USER, EXEC_GIDS, EXEC_CAP, EXEC_NO_NEW_PRIVS,
	EXEC_APPARMOR, EXEC_LABEL, EXEC_DETACH, EXEC_PID_FILE, EXEC_CONSOLE_SOCKET, EXEC_PRESERVE_FDS,
	EXEC_IGNORE_PAUSED, EXEC_CGROUP,
};
static const struct cli_option options[] = {
	[EXEC_PROCESS] = { "process", 'p', CLI_VALUE, "FILE", NULL, "the process to run, as process.json" },
	[EXEC_TTY] = { "tty", 't', CLI_FLAG, NULL, NULL, "allocate a terminal" },
	[EXEC_CWD] = { "cwd", 'w', CLI_VALUE, "DIR", NULL, "working directory in the container" },
	[EXEC_ENV] = { "env", 'e', CLI_LIST, "NAME=VALUE", NULL, "add an environment variable (repeatable)" },
	[EXEC_USER] = { "user", 'u', CLI_VALUE, "UID[:GID]", NULL, "run as this user" },
	[EXEC_GIDS] = { "additional-gids", 'g', CLI_LIST, "GID", NULL, "add a supplementary group (repeatable)" },
	[EXEC_CAP] = { "cap", 'c', CLI_LIST, "CAP", NULL, "add a capability (repeatable)" },
	[EXEC_NO_NEW_PRIVS] = { "no-new-privs", 0, CLI_FLAG, NULL, NULL, "set no_new_privs" },
	[EXEC_APPARMOR] = { "apparmor", 0, CLI_VALUE, "PROFILE", NULL, "AppArmor profile of the process" },
	[EXEC_LABEL] = { "process-label", 0, CLI_VALUE, "LABEL", NULL, "SELinux label (refused: no SELinux)" },
	[EXEC_DETACH] = { "detach", 'd', CLI_FLAG, NULL, NULL, "do not wait for the process" },
	[EXEC_PID_FILE] = { "pid-file", 0, CLI_VALUE, "FILE", NULL, "write the process's pid to FILE" },
	[EXEC_CONSOLE_SOCKET] = { "console-socket", 0, CLI_VALUE, "SOCKET", NULL,
				  "send the pty master to this unix socket" },
	[EXEC_PRESERVE_FDS] = { "preserve-fds", 0, CLI_VALUE, "N", NULL, "pass N more fds (from 3 on)" },
	[EXEC_IGNORE_PAUSED] = { "ignore-paused", 0, CLI_FLAG, NULL, NULL, "exec into a paused container" },
	[EXEC_CGROUP] = { "cgroup", 0, CLI_VALUE, "[CONTROLLER:]PATH", NULL,
			  "join this sub-cgroup of the container's" },
	{ NULL },
};

static int exec_opts(const struct cli_args *a, struct hr_exec_opts *o, struct hr_error *err)
{
	o->id = cli_id(a);
	o->args = a->argc > 1 ? a->argv + 1 : NULL;
	o->process_file = a->value[EXEC_PROCESS];
	o->tty = a->set[EXEC_TTY];
	o->cwd = a->value[EXEC_CWD];
	o->env = a->list[EXEC_ENV];
	o->user = a->value[EXEC_USER];
	o->additional_gids = a->list[EXEC_GIDS];
	o->caps = a->list[EXEC_CAP];
	o->no_new_privs = a->set[EXEC_NO_NEW_PRIVS];
	o->apparmor = a->value[EXEC_APPARMOR];
	o->process_label = a->value[EXEC_LABEL];
	o->detach = a->set[EXEC_DETACH];
	o->pid_file = a->value[EXEC_PID_FILE];
	o->console_socket = a->value[EXEC_CONSOLE_SOCKET];
	o->ignore_paused = a->set[EXEC_IGNORE_PAUSED];
	o->cgroup = a->value[EXEC_CGROUP];
	if (a->value[EXEC_PRESERVE_FDS] &&
	    cli_parse_count("exec", "preserve-fds", a->value[EXEC_PRESERVE_FDS], 4096, &o->preserve_fds, err) < 0)
		return -1;
	if (o->process_file && o->args)
		return hr_error_set(err, 0, "exec: give either --process or a command, not both");
	return 0;
}

static int cmd_exec(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	struct hr_exec_opts o = { .root = g->root, .policy = g->policy };
	struct hr_created p = { .pidfd = -1, .console_master = -1 };

	if (exec_opts(a, &o, err) < 0 || hr_lifecycle_exec(&o, &p, err) < 0)
		return -1;
	if (o.detach)
		return 0;
	return hr_wait_foreground(p.pid, p.pidfd, p.console_master, err);
}

const struct cli_verb cli_verb_exec = {
	.name = "exec",
	.fn = cmd_exec,
	.summary = "run a new process in a running container",
	.usage = "[OPTIONS] ID [COMMAND [ARG...]]",
	.description = "Options end at the id; what follows is the command. An exit status of\n"
		       "255 means exec itself failed (as runc), else it is the process's.",
	.options = options,
	.order = CLI_OPTIONS_FIRST,
	.min_args = 1,
	.max_args = -1,
	.args_error = "expected a container id",
	.fail_status = 255, /* runc's, when exec itself fails (not the process) */
};
