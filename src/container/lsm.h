/* Container side: the workload's LSM label (AppArmor; SELinux is refused
 * earlier) and no_new_privs, the last steps before the seccomp filter. */
#ifndef HARDRUN_LSM_H
#define HARDRUN_LSM_H

#include "hardrun/error.h"
#include "spec/spec.h"

/* Step 15: the AppArmor profile the workload gets at execve, if any. */
int hr_lsm_apply_exec_label(const struct hr_process *p, struct hr_error *err);
/* Step 16: PR_SET_NO_NEW_PRIVS when the process asks for it. */
int hr_lsm_set_no_new_privs(const struct hr_process *p, struct hr_error *err);

#endif
