#include <getopt.h>
#include <stdlib.h>

#include "cli.h"
#include "hardrun/hardrun.h"
#include "base/util.h"

/* detach and keep are run's (NULL for create, where they are unknown). */
int cli_parse_create_opts(int argc, char **argv, struct hr_create_opts *o, bool *detach, bool *keep,
			  struct hr_error *err)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "no-pivot", no_argument, NULL, 'P' },
		{ "no-new-keyring", no_argument, NULL, 'K' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'k' },
		{ "no-subreaper", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long n;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+b:d", opts, NULL)) != -1) {
		switch (c) {
		case 'b': o->bundle = optarg; break;
		case 'p': o->pid_file = optarg; break;
		case 'c': o->console_socket = optarg; break;
		case 'P': o->no_pivot = true; break;
		case 'K': o->no_new_keyring = true; break;
		case 'f':
			if (!hr_parse_u64(optarg, &n) || n > 4096)
				return hr_error_set(err, 0, "invalid --preserve-fds \"%s\"", optarg);
			o->preserve_fds = (int)n;
			break;
		case 'd':
			if (!detach)
				goto unknown;
			*detach = true;
			break;
		case 'k':
			if (!keep)
				goto unknown;
			*keep = true;
			break;
		case 'S': break;
		default:
		unknown:
			return hr_error_set(err, 0, "%s: unknown option \"%s\"", argv[0], argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return hr_error_set(err, 0, "%s: expected exactly one container id", argv[0]);
	o->id = argv[optind];
	return 0;
}

int cmd_create(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	struct hr_create_opts o = { .root = g->root };

	if (cli_parse_create_opts(argc, argv, &o, NULL, NULL, err) < 0)
		return -1;
	if (g->systemd_cgroup)
		return hr_error_set(err, 0, "--systemd-cgroup is not supported by hardrun: set SystemdCgroup = false "
					    "(cgroupfs driver) in the runtime options");
	return hr_lifecycle_create(&o, NULL, err) < 0 ? -1 : 0;
}
