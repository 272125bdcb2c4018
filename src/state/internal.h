/* Shared by the src/state files only (state.c, dir.c). */
#ifndef HARDRUN_STATE_INTERNAL_H
#define HARDRUN_STATE_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "hardrun/error.h"

#define HR_STATE_RECORD ".hardrun-record"

/* What to kill and remove, as the record has it (cgroup_path checked by
 * hr_cgroup_check_path, NULL when none). */
struct hr_record {
	char *cgroup_path;
	bool cgroup_shared;        /* "shared 1": the cgroup had others' processes */
	char *systemd_unit;        /* checked: "*.scope", cgroup_path's last component */
	bool systemd_user;
	pid_t pid;
	unsigned long long pid_start;
};

int hr_state_write_marker(int dirfd, const char *id, struct hr_error *err);
/* Fails when missing, malformed or naming a cgroup path that is not ours. */
int hr_state_read_record(int dirfd, struct hr_record *rec, struct hr_error *err);
void hr_record_clear(struct hr_record *rec);

#endif
