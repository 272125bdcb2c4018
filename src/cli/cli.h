/* Thin command-line layer: one file per verb, each parsing its flags and
 * calling the runtime library. */
#ifndef HARDRUN_CLI_H
#define HARDRUN_CLI_H

#include <stdbool.h>

#include "hardrun/error.h"

struct hr_global {
	const char *root;        /* --root, default /run/hardrun */
	const char *log_path;
	bool log_json;
	bool debug;
	bool systemd_cgroup;
};

typedef int (*hr_cmd_fn)(struct hr_global *g, int argc, char **argv, struct hr_error *err);

struct hr_command {
	const char *name;
	hr_cmd_fn fn;
	const char *summary;
};

/* Each verb returns the process exit status (>= 0), or -1 with err set. */
int cmd_create(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_start(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_run(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_state(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_kill(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_delete(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_list(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_spec(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_exec(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_ps(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_pause(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_resume(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_update(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_events(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_features(struct hr_global *g, int argc, char **argv, struct hr_error *err);
int cmd_apparmor(struct hr_global *g, int argc, char **argv, struct hr_error *err);

#endif
