/* A foreground container run (as `hardrun run`) whose seccomp filter is
 * replaced by a supervised one, with hardrun's supervisor answering it:
 * what `profile learn` and `profile check` share. Without a program it is
 * a plain foreground run with the tick (`--apparmor`: the audit reader). */
#ifndef HARDRUN_PROFILE_SUPERVISED_RUN_H
#define HARDRUN_PROFILE_SUPERVISED_RUN_H

#include "hardrun/error.h"
#include "profile/record.h"
#include "profile/supervisor.h"
#include "seccomp/seccomp.h"
#include "spec/spec.h"

struct hr_supervised_run {
	const char *root;            /* state root */
	const char *policy;          /* host policy file, NULL: the default */
	const char *bundle;
	const char *config_text;     /* NULL: BUNDLE/config.json */
	const char *id;
	const struct hr_seccomp_program *prog; /* NULL: the config's own seccomp, no supervisor */
	struct hr_recording *rec;
	hr_supervisor_decide_fn decide; /* NULL: every syscall continues */
	void *decide_ud;
	/* called every tick_ms from a helper thread while the workload runs */
	void (*tick)(void *ud);
	void *tick_ud;
	int tick_ms;
	int *supervisor_failed;      /* set to the errno that ended supervision early, else 0 */
};

/* Creates, starts and waits for the container, then deletes it. *status
 * is the workload's exit status (128+N: killed by signal N); -1 with err
 * when the container could not be run or supervised. */
int hr_supervised_run(const struct hr_supervised_run *r, int *status, struct hr_error *err);

/* What a supervised run cannot do for this bundle, refused up front:
 * startContainer hooks run under the container's seccomp filter, which the
 * supervised one replaces (they would get ENOSYS or stop, unanswered). */
int hr_supervised_run_check_spec(const char *what, const char *config_path, const struct hr_spec *spec,
				 struct hr_error *err);

/* The config a supervised run will create: BUNDLE/config.json, or the
 * given text (a sandbox's). *source names it in errors. */
int hr_supervised_run_load_spec(const char *bundle, const char *config_text, struct hr_spec **spec,
				char **source, struct hr_error *err);

/* A container id for a run that names none: "profile-PID-N". */
char *hr_supervised_run_id(void);

#endif
