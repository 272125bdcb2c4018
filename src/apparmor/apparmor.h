/* AppArmor through libapparmor, failing closed. */
#ifndef HARDRUN_APPARMOR_H
#define HARDRUN_APPARMOR_H

#include <stdbool.h>

#include "hardrun/error.h"

bool hr_apparmor_enabled(void);

/* Parent, before creating anything: AppArmor enabled and the profile loaded.
 * Error: AppArmor profile "X" requested but AppArmor is not enabled on this host */
int hr_apparmor_check_profile(const char *profile, struct hr_error *err);

/* Container side: exec transition to profile (aa_stack_onexec when the
 * runtime itself is confined), after verifying /proc is procfs. */
int hr_apparmor_apply_onexec(const char *profile, struct hr_error *err);

/* `hardrun apparmor load [PROFILE_FILE]`: apparmor_parser -r. */
int hr_apparmor_load_profile_file(const char *path, struct hr_error *err);

#endif
