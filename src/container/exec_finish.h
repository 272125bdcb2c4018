/* exec's last step through hardrun-exec-finish (src/finish/): see
 * exec_finish.c. */
#ifndef HARDRUN_EXEC_FINISH_H
#define HARDRUN_EXEC_FINISH_H

#include <stdbool.h>

#include "container/handoff.h"
#include "container/lsm.h"

/* What the runtime knows of this exec beyond the handoff. */
struct hr_exec_finish_target {
	bool listener;         /* the plan names a seccomp listener */
	bool maps_runtime_ids; /* the container's user namespace maps our euid
				  or egid (hr_ns_maps_own_ids) */
	bool suid_dumpable;    /* fs.suid_dumpable is 1 (hr_exec_finish_suid_dumpable) */
};

/* Whether the host's fs.suid_dumpable is 1 (or cannot be read): then what
 * the kernel makes non-dumpable at execve stays dumpable by its own uid. */
bool hr_exec_finish_suid_dumpable(void);

/* Runtime side, before clone3 and before the plan's fds are opened: a
 * sealed memfd holding the program, when this exec may end through it (l
 * is complete but for its fds); -1 otherwise (why goes to the debug log),
 * and then the runtime must protect its own image as create does. */
int hr_exec_finish_prepare(const struct hr_launch *l, const struct hr_exec_finish_target *t);
/* Container side, in place of execve(exe, args, env): returns only on
 * failure, with err set. */
int hr_exec_finish(const struct hr_launch *l, const char *exe, char *const args[], char *const env[],
		   const struct hr_exec_label *label, struct hr_error *err);

#endif
