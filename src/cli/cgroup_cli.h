/* Shared by the cgroup verbs (update, pause, resume, ps, events). */
#ifndef HARDRUN_CGROUP_CLI_H
#define HARDRUN_CGROUP_CLI_H

#include <stdbool.h>

#include "cli.h"
#include "cgroup/cgroup.h"
#include "state/state.h"

/* Loads (and locks) container id and opens its cgroup; fails with
 * "container X has no cgroup" when it has none. */
int hr_cli_open_container_cgroup(struct hr_global *g, const char *id, struct hr_container **c,
				 struct hr_cgroup **cg, struct hr_error *err);
/* The single ID argument after getopt's options. */
int hr_cli_one_id(int argc, char **argv, const char **id, struct hr_error *err);

/* pause (frozen) / resume (!frozen) of a running / paused container. */
int hr_cli_set_frozen(struct hr_global *g, int argc, char **argv, bool frozen, struct hr_error *err);

#endif
