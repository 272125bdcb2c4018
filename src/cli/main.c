/* hardrun entry point: global flags, then one verb. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "base/log.h"
#include "launch/selfexe.h"
#include "base/util.h"
#include "state/state.h"

#define OCI_SPEC_VERSION "1.2.0"

static const struct hr_command commands[] = {
	{ "create", cmd_create, "create a container (process waits for start)" },
	{ "start", cmd_start, "start a created container" },
	{ "run", cmd_run, "create and start a container" },
	{ "state", cmd_state, "print the state of a container" },
	{ "kill", cmd_kill, "send a signal to the container's init process" },
	{ "delete", cmd_delete, "delete a container and its resources" },
	{ "list", cmd_list, "list containers" },
	{ "spec", cmd_spec, "write a starting config.json" },
	{ "exec", cmd_exec, "run a new process in a running container" },
	{ "ps", cmd_ps, "list the processes of a container" },
	{ "pause", cmd_pause, "freeze all processes of a container" },
	{ "resume", cmd_resume, "thaw a paused container" },
	{ "update", cmd_update, "update a container's resource limits" },
	{ "events", cmd_events, "print container resource statistics" },
	{ "features", cmd_features, "print the features this build supports" },
	{ "apparmor", cmd_apparmor, "load or inspect AppArmor profiles" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: hardrun [--root DIR] [--log FILE] [--log-format text|json] [--debug] COMMAND [ARGS]\n\n"
		     "commands:\n");
	for (size_t i = 0; i < HR_ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

static void print_version(void)
{
	const struct scmp_version *sv = seccomp_version();

	printf("hardrun version %s\nspec: %s\n", HARDRUN_VERSION, OCI_SPEC_VERSION);
	printf("libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
	printf("jansson: %s\n", JANSSON_VERSION);
}

enum { OPT_ROOT = 1000, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_VERSION, OPT_HELP, OPT_IGNORED };

static int parse_global(int argc, char **argv, struct hr_global *g, struct hr_error *err)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "rootless", required_argument, NULL, OPT_IGNORED },
		{ "criu", required_argument, NULL, OPT_IGNORED },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT: g->root = optarg; break;
		case OPT_LOG: g->log_path = optarg; break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") == 0)
				g->log_json = true;
			else if (strcmp(optarg, "text") == 0)
				g->log_json = false;
			else
				return hr_error_set(err, 0, "invalid --log-format \"%s\" (text or json)", optarg);
			break;
		case OPT_DEBUG: g->debug = true; break;
		case OPT_SYSTEMD: g->systemd_cgroup = true; break;
		case 'v': case OPT_VERSION: print_version(); exit(0);
		case 'h': case OPT_HELP: usage(stdout); exit(0);
		case OPT_IGNORED: break;
		default:
			return hr_error_set(err, 0, "unknown global option \"%s\"", argv[optind - 1]);
		}
	}
	return optind;
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
		if (v && hr_parse_u64(v, &n) && n > 1024)
			n = 1024;
	}
	for (int fd = 0; fd < 3 + (int)n; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", O_RDWR) != fd)
			break;
	}
}

/* The verbs that put a hardrun process into a container. */
static bool enters_container(const char *verb)
{
	return strcmp(verb, "create") == 0 || strcmp(verb, "run") == 0 || strcmp(verb, "exec") == 0;
}

int main(int argc, char **argv)
{
	static const char default_root[] = HR_DEFAULT_ROOT;
	static char user_root[4096];
	struct hr_global g = { .root = default_root };
	struct hr_error err = { 0 };
	int idx, rc;

	reserve_inherited_fds(argc, argv);
	idx = parse_global(argc, argv, &g, &err);
	/* an unprivileged user keeps state in its own runtime dir, as runc does */
	if (g.root == default_root && geteuid() != 0) {
		const char *xdg = getenv("XDG_RUNTIME_DIR");
		if (xdg && *xdg)
			snprintf(user_root, sizeof(user_root), "%s/hardrun", xdg);
		else
			snprintf(user_root, sizeof(user_root), "/tmp/hardrun-%u", (unsigned)geteuid());
		g.root = user_root;
	}
	if (idx >= 0 && hr_state_root_check(g.root, &err) < 0)
		idx = -1;
	/* the log must be open before anything can fail, so containerd sees the error */
	if (hr_log_init(g.log_path, g.log_json ? HR_LOG_JSON : HR_LOG_TEXT, g.debug, &err) < 0 || idx < 0) {
		hr_log_error(&err);
		return 1;
	}
	if (idx >= argc) {
		usage(stderr);
		return 1;
	}
	if (enters_container(argv[idx]) && hr_selfexe_ensure_protected(argv, &err) < 0) {
		hr_log_error(&err);
		return 1;
	}
	for (size_t i = 0; i < HR_ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[idx], commands[i].name) != 0)
			continue;
		/* each verb parses its own flags with getopt from argv[0] = verb */
		optind = 1;
		rc = commands[i].fn(&g, argc - idx, argv + idx, &err);
		if (rc < 0) {
			hr_log_error(&err);
			return 1;
		}
		return rc;
	}
	hr_error_set(&err, 0, "unknown command \"%s\"", argv[idx]);
	hr_log_error(&err);
	usage(stderr);
	return 1;
}
