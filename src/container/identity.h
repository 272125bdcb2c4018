/* Container side: who the workload runs as (uid, gid, supplementary
 * groups, umask), with the capabilities it keeps across the change. */
#ifndef HARDRUN_IDENTITY_H
#define HARDRUN_IDENTITY_H

#include "hardrun/error.h"
#include "spec/spec.h"

/* Step 14 of init.c: groups (refused if asked for where setgroups is
 * denied), uid/gid with the listed capabilities kept, then the umask. */
int hr_identity_apply(const struct hr_process *p, struct hr_error *err);

#endif
