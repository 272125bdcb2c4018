/* A foreground run of a bundle confined by a temporary AppArmor profile in
 * complain mode, with the kernel's audit records of that profile (and of
 * its children) handed to the caller: what `profile learn --apparmor` and
 * `profile check --apparmor` share. The profile is unloaded at the end,
 * whatever happened. */
#ifndef HARDRUN_PROFILE_AA_RUN_H
#define HARDRUN_PROFILE_AA_RUN_H

#include <stdbool.h>

#include "apparmor/audit.h"
#include "hardrun/error.h"

#define HR_AA_ENABLED_FILE "/sys/module/apparmor/parameters/enabled"

struct hr_aa_run {
	const char *root, *policy, *bundle, *id;
	const char *config_text;   /* the config's text instead of BUNDLE/config.json, or NULL */
	const char *label;         /* the temporary profile's name */
	const char *profile_text;  /* its text, the profile named label */
	void (*on_record)(void *ud, const struct hr_aa_record *r);
	/* optional: after each read while the workload runs (same thread as
	 * on_record, never at the same time) */
	void (*on_tick)(void *ud);
	void *ud;
	/* results */
	long records;              /* AppArmor records of label and its children */
	int lost;                  /* socket overruns: records the kernel dropped for us */
	long kernel_lost;          /* records the kernel lost for everyone meanwhile; -1: unknown */
	bool drained;              /* the closing marker came back: nothing is missing */
	unsigned long long start_ms; /* wall clock at the start, as the records' stamps */
};

/* Fails with the reason when AppArmor is not enabled here. */
int hr_aa_require_enabled(const char *what, struct hr_error *err);

/* *status: the workload's exit status (128+N: killed by signal N). */
int hr_aa_run(struct hr_aa_run *r, int *status, struct hr_error *err);

/* Every record of the run came: the marker came back, no overrun, and
 * the kernel lost nothing meanwhile (or could not say). */
bool hr_aa_run_complete(const struct hr_aa_run *r);

/* A name a profile may have (letters, digits, . _ -). */
bool hr_aa_name_ok(const char *name);

#endif
