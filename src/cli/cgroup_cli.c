/* Helpers for the cgroup verbs. */
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "cgroup_cli.h"

int hr_cli_one_id(int argc, char **argv, const char **id, struct hr_error *err)
{
	if (optind != argc - 1)
		return hr_error_set(err, 0, "%s: expected exactly one container id", argv[0]);
	*id = argv[optind];
	return 0;
}

int hr_cli_open_container_cgroup(struct hr_global *g, const char *id, struct hr_container **c,
				 struct hr_cgroup **cg, struct hr_error *err)
{
	*c = NULL;
	*cg = NULL;
	if (hr_container_load(g->root, id, c, err) < 0)
		return -1;
	if (!(*c)->st.cgroup_path) {
		hr_error_set(err, 0, "container %s has no cgroup", id);
		goto fail;
	}
	if (hr_cgroup_open((*c)->st.cgroup_path, cg, err) < 0)
		goto fail;
	(*cg)->shared = (*c)->st.cgroup_shared;
	return 0;
fail:
	hr_container_free(*c);
	*c = NULL;
	return -1;
}

/* pause/resume: freeze or thaw the cgroup; `state` reads "paused" back
 * from cgroup.events. */
int hr_cli_set_frozen(struct hr_global *g, int argc, char **argv, bool frozen, struct hr_error *err)
{
	static const struct option opts[] = { { 0 } };
	struct hr_container *c;
	struct hr_cgroup *cg;
	const char *id = NULL;
	int rc = -1;

	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return hr_error_set(err, 0, "%s: unknown option", argv[0]);
	if (hr_cli_one_id(argc, argv, &id, err) < 0 || hr_cli_open_container_cgroup(g, id, &c, &cg, err) < 0)
		return -1;
	enum hr_status st = hr_container_status(c);
	if (frozen && st != HR_STATUS_RUNNING)
		hr_error_set(err, 0, "container %s is not running (status %s)", id, hr_status_name(st));
	else if (!frozen && st != HR_STATUS_PAUSED)
		hr_error_set(err, 0, "container %s is not paused (status %s)", id, hr_status_name(st));
	else
		rc = hr_cgroup_freeze(cg, frozen, err) < 0 ? -1 : 0;
	hr_cgroup_free(cg);
	hr_container_free(c);
	return rc;
}
