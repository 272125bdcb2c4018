/* `hardrun profile learn --apparmor` and `profile check --apparmor`. */
#ifndef HARDRUN_PROFILE_AA_LEARN_H
#define HARDRUN_PROFILE_AA_LEARN_H

#include "hardrun/error.h"
#include "hardrun/profile_learn.h"

int hr_aa_learn(const struct hr_learn_opts *o, int *status, struct hr_error *err);
int hr_aa_check(const struct hr_check_opts *o, struct hr_error *err);

#endif
