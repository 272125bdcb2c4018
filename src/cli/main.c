/* hardrun entry point: global flags, then one verb. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/hardrun.h"

#define OCI_SPEC_VERSION "1.2.0"

static const struct cli_verb *const verbs[] = {
	&cli_verb_create, &cli_verb_start, &cli_verb_run, &cli_verb_state, &cli_verb_kill, &cli_verb_delete,
	&cli_verb_list, &cli_verb_spec, &cli_verb_exec, &cli_verb_ps, &cli_verb_pause, &cli_verb_resume,
	&cli_verb_update, &cli_verb_events, &cli_verb_features, &cli_verb_apparmor,
	&cli_verb_profile, &cli_verb_policy, &cli_verb_inspect, &cli_verb_sandbox,
};

static const char *const log_formats[] = { "text", "json", NULL };

enum { G_ROOT, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD, G_POLICY, G_ROOTLESS, G_CRIU, G_VERSION };
static const struct cli_option global_options[] = {
	[G_ROOT] = { "root", 0, CLI_VALUE, "DIR", NULL, "state directory (default /run/hardrun; "
							"$XDG_RUNTIME_DIR/hardrun unprivileged)" },
	[G_LOG] = { "log", 0, CLI_VALUE, "FILE", NULL, "write the log to FILE instead of stderr" },
	[G_LOG_FORMAT] = { "log-format", 0, CLI_VALUE, NULL, log_formats, "log line format (default text)" },
	[G_DEBUG] = { "debug", 0, CLI_FLAG, NULL, NULL, "log debug messages" },
	[G_SYSTEMD] = { "systemd-cgroup", 0, CLI_FLAG, NULL, NULL, "the container's cgroup is a systemd scope (D-Bus)" },
	[G_POLICY] = { "policy", 0, CLI_VALUE, "FILE", NULL, "the host policy floor for create, run, exec and update "
							     "(default /etc/hardrun/policy.json if it exists)" },
	[G_ROOTLESS] = { "rootless", 0, CLI_VALUE, "VALUE", NULL, "accepted for runc compatibility; ignored" },
	[G_CRIU] = { "criu", 0, CLI_VALUE, "PATH", NULL, "accepted for runc compatibility; ignored" },
	[G_VERSION] = { "version", 'v', CLI_FLAG, NULL, NULL, "print the version" },
	{ NULL },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: hardrun [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
		     "       hardrun help [COMMAND]\n\n"
		     "Each command answers --help (or `hardrun help COMMAND`).\n\n"
		     "Global options:\n");
	cli_print_options(out, global_options);
	fprintf(out, "\ncommands:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(out, "  %-10s %s\n", verbs[i]->name, verbs[i]->summary);
}

static const struct cli_verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(name, verbs[i]->name) == 0)
			return verbs[i];
	return NULL;
}

static void print_version(void)
{
	const struct scmp_version *sv = seccomp_version();

	printf("hardrun version %s\nspec: %s\n", HARDRUN_VERSION, OCI_SPEC_VERSION);
	printf("libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
	printf("jansson: %s\n", JANSSON_VERSION);
}

/* Global options up to the verb; returns the verb's index in argv. */
static int parse_global(int argc, char **argv, struct hr_global *g, struct hr_error *err)
{
	struct cli_args a;

	if (cli_parse("hardrun", global_options, CLI_OPTIONS_FIRST, argc, argv, &a, err) < 0)
		return -1;
	if (a.help) {
		usage(stdout);
		exit(0);
	}
	if (a.set[G_VERSION]) {
		print_version();
		exit(0);
	}
	if (a.value[G_ROOT])
		g->root = a.value[G_ROOT];
	g->log_path = a.value[G_LOG];
	g->log_json = a.value[G_LOG_FORMAT] && strcmp(a.value[G_LOG_FORMAT], "json") == 0;
	g->debug = a.set[G_DEBUG];
	g->systemd_cgroup = a.set[G_SYSTEMD];
	g->policy = a.value[G_POLICY];
	cli_args_clear(&a);
	return argc - a.argc;
}

/* `hardrun help [VERB]`. */
static int help(int argc, char **argv, struct hr_error *err)
{
	const struct cli_verb *v;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (argc > 2 || !(v = find_verb(argv[1])))
		return hr_error_set(err, 0, "help: unknown command \"%s\"", argv[1]);
	cli_print_verb_help(stdout, v);
	return 0;
}

/* Parses the verb's options, then runs it (or prints its help). */
static int run_verb(const struct cli_verb *v, struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	struct cli_args a;
	int rc;

	if (cli_parse_verb(v, argc, argv, &a, err) < 0) {
		hr_report_error(err);
		return v->fail_status ? v->fail_status : 1;
	}
	if (a.help) {
		cli_print_verb_help(stdout, v);
		cli_args_clear(&a);
		return 0;
	}
	rc = v->fn(g, &a, err);
	cli_args_clear(&a);
	if (rc < 0) {
		hr_report_error(err);
		return v->fail_status ? v->fail_status : 1;
	}
	return rc;
}

/* Stdio and the fds a caller preserves for the workload must be its own:
 * a closed one is filled with /dev/null now, so no fd the runtime opens
 * later can land there and be handed to the container. */
static void reserve_inherited_fds(int argc, char **argv)
{
	unsigned long long n = 0;

	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		if (strcmp(argv[i], "--preserve-fds") == 0 && i + 1 < argc)
			v = argv[i + 1];
		else if (strncmp(argv[i], "--preserve-fds=", 15) == 0)
			v = argv[i] + 15;
		if (v && cli_parse_u64(v, &n) && n > 1024)
			n = 1024;
	}
	for (int fd = 0; fd < 3 + (int)n; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", O_RDWR) != fd)
			break;
	}
}

/* The verbs that put a hardrun process into a container; of `profile`,
 * learn and check (whose container process is hardrun until execve). */
static bool enters_container(int argc, char **argv, int idx)
{
	const char *verb = argv[idx];

	if (strcmp(verb, "profile") == 0) {
		for (int i = idx + 1; i < argc; i++)
			if (strcmp(argv[i], "learn") == 0 || strcmp(argv[i], "check") == 0)
				return true;
		return false;
	}
	return strcmp(verb, "create") == 0 || strcmp(verb, "run") == 0 || strcmp(verb, "exec") == 0 ||
	       strcmp(verb, "sandbox") == 0;
}

int main(int argc, char **argv)
{
	struct hr_global g = { 0 };
	struct hr_error err = { 0 };
	int idx, rc;

	reserve_inherited_fds(argc, argv);
	idx = parse_global(argc, argv, &g, &err);
	if (!g.root)
		g.root = hr_default_root();
	if (idx >= 0 && hr_root_check(g.root, &err) < 0)
		idx = -1;
	/* the log must be open before anything can fail, so containerd sees the error */
	if (hr_log_open(g.log_path, g.log_json, g.debug, &err) < 0 || idx < 0) {
		hr_report_error(&err);
		return 1;
	}
	if (idx >= argc) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[idx], "exec") == 0)
		hr_protect_self_later(argv);
	else if (enters_container(argc, argv, idx) && hr_protect_self(argv, &err) < 0) {
		hr_report_error(&err);
		return 1;
	}
	if (strcmp(argv[idx], "help") == 0) {
		rc = help(argc - idx, argv + idx, &err);
		if (rc < 0)
			hr_report_error(&err);
		return rc < 0 ? 1 : 0;
	}
	const struct cli_verb *v = find_verb(argv[idx]);
	if (v)
		return run_verb(v, &g, argc - idx, argv + idx, &err);
	hr_error_set(&err, 0, "unknown command \"%s\"", argv[idx]);
	hr_report_error(&err);
	usage(stderr);
	return 1;
}
