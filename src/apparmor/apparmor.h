/* AppArmor through libapparmor, failing closed. */
#ifndef HARDRUN_APPARMOR_H
#define HARDRUN_APPARMOR_H

#include <stdbool.h>

#include "hardrun/error.h"

bool hr_apparmor_enabled(void);

/* Parent, before creating anything: AppArmor enabled and the profile loaded.
 * Error: AppArmor profile "X" requested but AppArmor is not enabled on this host */
int hr_apparmor_check_profile(const char *profile, struct hr_error *err);

/* Pure: the same check against a host description (loaded: the kernel's
 * profile list, NULL when it is not readable here). */
int hr_apparmor_check_profile_on(const char *profile, bool enabled, const char *loaded, struct hr_error *err);
/* The kernel's loaded-profile list, NULL if not readable. */
char *hr_apparmor_loaded_profiles(void);

/* Container side: exec transition to profile (aa_stack_onexec when the
 * runtime itself is confined), after verifying /proc is procfs. */
int hr_apparmor_apply_onexec(const char *profile, struct hr_error *err);
/* Its first half, also for hardrun-exec-finish, which writes after its own
 * execve and so must open the attribute again itself: /proc, verified
 * (O_PATH, close-on-exec), the attribute under it, opened with the checks,
 * its path there, and what to write ("exec P" or "stack P"). */
struct hr_apparmor_onexec {
	int proc_fd;           /* -1: none */
	int attr_fd;           /* the attribute, close-on-exec: written by the
				  opener's mm only, so useless after an execve */
	const char *attr_path; /* static */
	char *cmd;
};
int hr_apparmor_prepare_onexec(const char *profile, struct hr_apparmor_onexec *out, struct hr_error *err);
/* Whether this process runs unconfined by AppArmor (false when it cannot
 * tell: not AppArmor, or no /proc). */
bool hr_apparmor_self_unconfined(void);

/* `hardrun apparmor load [PROFILE_FILE]`: apparmor_parser -r. */
int hr_apparmor_load_profile_file(const char *path, struct hr_error *err);
/* apparmor_parser -r -C -K: load (or replace) in complain mode, no cache. */
int hr_apparmor_load_complain(const char *path, struct hr_error *err);
/* Unloads the named profile and its children. */
int hr_apparmor_remove_profile(const char *name, struct hr_error *err);

#endif
