/* Container side: the workload's LSM label (AppArmor; SELinux is refused
 * earlier) and no_new_privs, the last steps before the seccomp filter. */
#ifndef HARDRUN_LSM_H
#define HARDRUN_LSM_H

#include "hardrun/error.h"
#include "spec/spec.h"

#include "apparmor/apparmor.h"

/* An exec transition left for hardrun-exec-finish to write (exec_finish.c):
 * proc_fd is kept across its execve. */
struct hr_exec_label {
	struct hr_apparmor_onexec aa; /* aa.proc_fd -1: none */
};

/* Step 15: the AppArmor profile the workload gets at execve, if any; with
 * deferred, only prepared there (the write would make the finish's own
 * execve the transition). */
int hr_lsm_apply_exec_label(const struct hr_process *p, struct hr_exec_label *deferred, struct hr_error *err);
/* Step 16: PR_SET_NO_NEW_PRIVS when the process asks for it. */
int hr_lsm_set_no_new_privs(const struct hr_process *p, struct hr_error *err);

#endif
