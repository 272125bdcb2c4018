#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hardrun/hardrun.h"
#include "base/log.h"
#include "base/util.h"

static char **push(char **v, const char *s)
{
	size_t n = hr_strv_len(v);
	v = xrealloc(v, (n + 2) * sizeof(char *));
	v[n] = (char *)s;
	v[n + 1] = NULL;
	return v;
}

static int parse_exec(int argc, char **argv, struct hr_exec_opts *o, struct hr_error *err)
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, 'p' }, { "tty", no_argument, NULL, 't' },
		{ "cwd", required_argument, NULL, 'w' }, { "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' }, { "additional-gids", required_argument, NULL, 'g' },
		{ "cap", required_argument, NULL, 'c' }, { "no-new-privs", no_argument, NULL, 'N' },
		{ "apparmor", required_argument, NULL, 'A' }, { "process-label", required_argument, NULL, 'L' },
		{ "detach", no_argument, NULL, 'd' }, { "pid-file", required_argument, NULL, 'P' },
		{ "console-socket", required_argument, NULL, 'S' }, { "preserve-fds", required_argument, NULL, 'f' },
		{ "ignore-paused", no_argument, NULL, 'i' }, { "cgroup", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long n;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+p:tw:e:u:g:c:d", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o->process_file = optarg; break;
		case 't': o->tty = true; break;
		case 'w': o->cwd = optarg; break;
		case 'e': o->env = push(o->env, optarg); break;
		case 'u': o->user = optarg; break;
		case 'g': o->additional_gids = push(o->additional_gids, optarg); break;
		case 'c': o->caps = push(o->caps, optarg); break;
		case 'N': o->no_new_privs = true; break;
		case 'A': o->apparmor = optarg; break;
		case 'L': o->process_label = optarg; break;
		case 'd': o->detach = true; break;
		case 'P': o->pid_file = optarg; break;
		case 'S': o->console_socket = optarg; break;
		case 'f':
			if (!hr_parse_u64(optarg, &n) || n > 4096)
				return hr_error_set(err, 0, "exec: invalid --preserve-fds \"%s\"", optarg);
			o->preserve_fds = (int)n;
			break;
		case 'i': o->ignore_paused = true; break;
		case 'G': o->cgroup = optarg; break;
		default:
			return hr_error_set(err, 0, "exec: unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return hr_error_set(err, 0, "exec: expected a container id");
	o->id = argv[optind++];
	if (optind < argc)
		o->args = argv + optind;
	if (o->process_file && o->args)
		return hr_error_set(err, 0, "exec: give either --process or a command, not both");
	return 0;
}

int cmd_exec(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	struct hr_exec_opts o = { .root = g->root };
	struct hr_created p = { .pidfd = -1, .console_master = -1 };
	int rc;

	rc = parse_exec(argc, argv, &o, err);
	if (rc == 0)
		rc = hr_lifecycle_exec(&o, &p, err);
	if (rc == 0 && !o.detach)
		rc = hr_wait_foreground(p.pid, p.pidfd, p.console_master, err);
	free(o.env);
	free(o.additional_gids);
	free(o.caps);
	/* runc's exit status when exec itself fails (not the process): 255 */
	if (rc < 0) {
		hr_log_error(err);
		return 255;
	}
	return rc;
}
