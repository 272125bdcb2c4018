/* Reading a cgroup's current settings back. */
#ifndef HARDRUN_CGROUP_QUERY_H
#define HARDRUN_CGROUP_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "hardrun/error.h"

struct hr_cgroup;

/* memory.max in bytes; *unlimited when it reads "max". */
int hr_cgroup_memory_max(struct hr_cgroup *cg, int64_t *bytes, bool *unlimited, struct hr_error *err);
/* memory.events "oom_kill": processes of the cgroup the OOM killer took
 * (0 without a memory controller or when unreadable). */
unsigned long long hr_cgroup_oom_kills(struct hr_cgroup *cg);

#endif
