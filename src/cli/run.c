#include <signal.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/hardrun.h"
#include "base/log.h"

int cli_parse_create_opts(int argc, char **argv, struct hr_create_opts *o, bool *detach, bool *keep,
			  struct hr_error *err);

int cmd_run(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	struct hr_create_opts o = { .root = g->root };
	struct hr_created created = { .pidfd = -1, .console_master = -1 };
	struct hr_error cleanup_err = { 0 };
	bool detach = false, keep = false;
	int status;

	if (cli_parse_create_opts(argc, argv, &o, &detach, &keep, err) < 0)
		return -1;
	if (g->systemd_cgroup)
		return hr_error_set(err, 0, "--systemd-cgroup is not supported by hardrun: set SystemdCgroup = false");
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
		hr_log_error(&cleanup_err);
	return status;
}
