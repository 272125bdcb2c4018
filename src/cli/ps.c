/* ps [--format table|json] ID [PS_ARGS...]: the container's processes (its
 * cgroup and child cgroups). json: an array of host pids; table: the output
 * of ps(1) (default "-ef") limited to those pids, as runc does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/hardrun.h"

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Column index of "PID" in ps's header line, -1 if absent. */
static int pid_column(const char *header)
{
	char *copy = strdup(header), *save = NULL;
	int col = 0, found = -1;

	for (char *w = copy ? strtok_r(copy, " \t\n", &save) : NULL; w && found < 0;
	     w = strtok_r(NULL, " \t\n", &save), col++)
		if (strcmp(w, "PID") == 0)
			found = col;
	free(copy);
	return found;
}

static long field_at(const char *line, int col)
{
	char *copy = strdup(line), *save = NULL;
	char *w = copy ? strtok_r(copy, " \t\n", &save) : NULL;
	long v;

	for (int i = 0; w && i < col; i++)
		w = strtok_r(NULL, " \t\n", &save);
	v = w ? strtol(w, NULL, 10) : -1;
	free(copy);
	return v;
}

static int print_table(char **ps_args, const pid_t *pids, size_t n, struct hr_error *err)
{
	int fds[2];
	if (pipe(fds) < 0)
		return hr_error_set(err, errno, "ps: pipe");
	pid_t child = fork();
	if (child < 0)
		return hr_error_set(err, errno, "ps: fork");
	if (child == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp("ps", ps_args);
		_exit(127);
	}
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	char *line = NULL;
	size_t cap = 0;
	int col = -1;
	bool first = true;
	while (in && getline(&line, &cap, in) > 0) {
		if (first) {
			first = false;
			if ((col = pid_column(line)) < 0)
				break;
			fputs(line, stdout);
		} else if (has_pid(pids, n, field_at(line, col))) {
			fputs(line, stdout);
		}
	}
	free(line);
	if (in)
		fclose(in);
	int status;
	waitpid(child, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return hr_error_set(err, 0, "ps: running ps(1) failed");
	if (col < 0)
		return hr_error_set(err, 0, "ps: no PID column in the output of ps(1)");
	return 0;
}

static const char *const formats[] = { "table", "json", NULL };

enum { PS_FORMAT };
static const struct cli_option options[] = {
	[PS_FORMAT] = { "format", 'f', CLI_VALUE, NULL, formats, "output format (default table)" },
	{ NULL },
};

/* ps(1) with the arguments after the id ("-ef" by default), its lines
 * limited to the container's pids. */
static int print_ps_table(const struct cli_args *a, const pid_t *pids, size_t n, struct hr_error *err)
{
	char *def[] = { "ps", "-ef", NULL };
	char **args = def;
	int rc;

	if (a->argc > 1) {
		args = calloc((size_t)a->argc + 1, sizeof(char *));
		if (!args)
			return hr_error_set(err, ENOMEM, "ps: arguments");
		args[0] = "ps";
		for (int i = 1; i < a->argc; i++)
			args[i] = a->argv[i];
	}
	rc = print_table(args, pids, n, err);
	if (args != def)
		free(args);
	return rc;
}

static int cmd_ps(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	const char *format = a->value[PS_FORMAT];
	pid_t *pids = NULL;
	size_t n = 0;
	int rc = 0;

	if (hr_lifecycle_pids(g->root, cli_id(a), &pids, &n, err) < 0)
		return -1;
	if (format && strcmp(format, "json") == 0) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
	} else {
		rc = print_ps_table(a, pids, n, err);
	}
	free(pids);
	return rc;
}

const struct cli_verb cli_verb_ps = {
	.name = "ps",
	.fn = cmd_ps,
	.summary = "list the processes of a container",
	.usage = "[OPTIONS] ID [PS_ARGS...]",
	.description = "table: the output of ps(1) run with PS_ARGS (default -ef), limited to the\n"
		       "container's processes; json: an array of their host pids.",
	.options = options,
	.order = CLI_OPTIONS_FIRST,
	.min_args = 1,
	.max_args = -1,
	.args_error = "expected a container id",
};
