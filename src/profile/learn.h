/* `hardrun profile learn`: run a bundle under a recording seccomp filter
 * and write the deny-by-default profile that allows exactly what it used. */
#ifndef HARDRUN_PROFILE_LEARN_H
#define HARDRUN_PROFILE_LEARN_H

#include <jansson.h>
#include <stdbool.h>

#include "hardrun/error.h"
#include "hardrun/profile_learn.h"
#include "profile/record.h"

#define HR_LEARN_META_KEY "x-hardrun" /* ignored on load by hardrun and runc */

/* learn_write.c */
struct hr_learn_meta {
	bool partial;           /* the workload did not finish (killed, or learn interrupted) */
	const char *reason;
	bool include_runtime;   /* noNewPrivileges off: hardrun's own steps run under the filter */
	int runs;
	bool has_exit_status;
	int exit_status;
};
json_t *hr_learn_profile(const struct hr_rec_entry *e, size_t n, const struct hr_learn_meta *m);
json_t *hr_learn_meta_json(const struct hr_learn_meta *m);
json_t *hr_learn_to_docker(json_t *oci);
size_t hr_learn_count_syscalls(json_t *profile);
const char *hr_learn_arch_name(uint32_t token);

/* learn_merge.c: base (a checked OCI profile) gains learned's rules and
 * architectures; returns a new profile, checked by compiling it. */
int hr_learn_merge(json_t *base, json_t *learned, json_t **out, struct hr_error *err);
/* Reads and checks an OCI profile (file:line:col for bad JSON); the JSON
 * is returned for merging, and the parsed profile in *cfg unless NULL. */
struct hr_seccomp;
int hr_learn_load_profile(const char *path, json_t **out, struct hr_seccomp **cfg, struct hr_error *err);

#endif
