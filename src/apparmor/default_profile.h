/* Where the hardrun-default AppArmor profile file is. */
#ifndef HARDRUN_APPARMOR_DEFAULT_PROFILE_H
#define HARDRUN_APPARMOR_DEFAULT_PROFILE_H

/* The installed profile, else the one in the source tree the binary was
 * built in (../share/hardrun/profiles or ./profiles relative to the binary,
 * or profiles/ in the working directory). Caller frees. */
char *hr_apparmor_default_profile_path(void);

#endif
