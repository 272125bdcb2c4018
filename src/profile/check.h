/* `hardrun profile check`: complain mode for seccomp. The workload runs
 * under a filter where everything the profile would deny is sent to the
 * supervisor instead, which lets it through and reports it. */
#ifndef HARDRUN_PROFILE_CHECK_H
#define HARDRUN_PROFILE_CHECK_H

#include <stdbool.h>

#include "hardrun/error.h"

#include "hardrun/profile_learn.h" /* struct hr_check_opts, hr_profile_check */

#endif
