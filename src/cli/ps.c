/* ps [--format table|json] ID [PS_ARGS...]: the container's processes (its
 * cgroup and child cgroups). json: an array of host pids; table: the output
 * of ps(1) (default "-ef") limited to those pids, as runc does. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup_cli.h"
#include "base/util.h"

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
	_cleanup_free_ char *copy = xstrdup(header);
	char *save = NULL;
	int col = 0;

	for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save), col++)
		if (strcmp(w, "PID") == 0)
			return col;
	return -1;
}

static long field_at(const char *line, int col)
{
	_cleanup_free_ char *copy = xstrdup(line);
	char *save = NULL;
	char *w = strtok_r(copy, " \t\n", &save);

	for (int i = 0; w && i < col; i++)
		w = strtok_r(NULL, " \t\n", &save);
	return w ? strtol(w, NULL, 10) : -1;
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

int cmd_ps(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { 0 } };
	const char *format = "table";
	struct hr_container *c;
	struct hr_cgroup *cg;
	pid_t *pids = NULL;
	size_t n = 0;
	int opt, rc = -1;

	while ((opt = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (opt != 'f')
			return hr_error_set(err, 0, "ps: unknown option");
		format = optarg;
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return hr_error_set(err, 0, "ps: invalid format \"%s\" (table or json)", format);
	if (optind >= argc)
		return hr_error_set(err, 0, "ps: expected a container id");
	const char *id = argv[optind];
	if (hr_cli_open_container_cgroup(g, id, &c, &cg, err) < 0)
		return -1;
	if (hr_cgroup_pids(cg, &pids, &n, err) < 0)
		goto out;
	if (strcmp(format, "json") == 0) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
		rc = 0;
	} else {
		/* ps arguments after the id, "-ef" by default */
		char *def[] = { "ps", "-ef", NULL };
		char **args = def;
		if (optind + 1 < argc) {
			args = xcalloc((size_t)(argc - optind) + 1, sizeof(char *));
			args[0] = "ps";
			for (int i = optind + 1; i < argc; i++)
				args[i - optind] = argv[i];
		}
		rc = print_table(args, pids, n, err);
		if (args != def)
			free(args);
	}
out:
	free(pids);
	hr_cgroup_free(cg);
	hr_container_free(c);
	return rc;
}
