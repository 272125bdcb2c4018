/* Capabilities through libcap-ng: validated in the parent, applied in the
 * container process after the uid/gid change. */
#ifndef HARDRUN_CAPS_H
#define HARDRUN_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hardrun/error.h"
#include "spec/spec.h"

/* Name ("CAP_CHOWN", case-insensitive, "CAP_" optional) to number, -1 if unknown. */
int hr_cap_from_name(const char *name);

/* The five sets as bit masks (bit N: capability N). */
struct hr_cap_masks {
	uint64_t bounding, effective, permitted, inheritable, ambient;
};

/* This host's highest capability (-1 if unknown) and the runtime's bounding set. */
void hr_caps_probe_host(int *last_cap, uint64_t *bounding);
/* Pure: the masks caps asks for, checked against a host's last capability
 * and bounding set and the kernel's rules between sets (ambient outside
 * permitted and inheritable is left out, with a warning when warn). */
int hr_caps_resolve(const struct hr_capabilities *caps, int last_cap, uint64_t host_bounding, bool warn,
		    struct hr_cap_masks *out, struct hr_error *err);

/* Every name known and present in this host's bounding set; errors name the
 * offending capability and the set it was listed in. */
int hr_caps_validate(const struct hr_capabilities *caps, struct hr_error *err);

/* Container side. Changes to uid/gid/groups keeping the capabilities asked
 * for (PR_SET_KEEPCAPS), then sets all five sets exactly: every capability
 * not listed is dropped from every set. With caps->present false the process
 * ends with no capabilities at all. */
int hr_caps_change_identity_and_apply(const struct hr_capabilities *caps, uid_t uid, gid_t gid,
				      const gid_t *groups, size_t n_groups, bool set_groups,
				      struct hr_error *err);

#endif
