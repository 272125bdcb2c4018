/* Temporary AppArmor profiles (`profile learn/check --apparmor`) are
 * recorded before they are loaded: <root>/@apparmor-leases/<label> holds
 * the loader's pid and start time. A loader that dies without unloading
 * (SIGKILL) leaves the lease behind; the next learn, check or delete
 * finds its owner gone and unloads the profile, which is provably ours.
 * ('@' is never in a container id, so the directory is no container.) */
#ifndef HARDRUN_STATE_LSM_LEASE_H
#define HARDRUN_STATE_LSM_LEASE_H

#include "hardrun/error.h"

#define HR_LSM_LEASE_DIR "@apparmor-leases"

/* Records that this process is about to load the profile `label`. */
int hr_lsm_lease_take(const char *root, const char *label, struct hr_error *err);

/* After the profile is unloaded. */
void hr_lsm_lease_drop(const char *root, const char *label);

/* Unloads the profile of every lease whose owner is gone, and drops the
 * lease; one that cannot be unloaded stays (warned) for the next sweep.
 * Nothing to do, and nothing opened but the directory, without leases. */
void hr_lsm_leases_sweep(const char *root);

#endif
