/* Root filesystem setup in the container's mount namespace. Every mount
 * target is resolved inside the rootfs with openat2(RESOLVE_IN_ROOT), so a
 * symlink in the bundle can never redirect a mount to the host. */
#ifndef HARDRUN_ROOTFS_H
#define HARDRUN_ROOTFS_H

#include <stdbool.h>

#include "hardrun/error.h"
#include "hardrun/spec.h"

struct hr_rootfs_opts {
	const char *rootfs;    /* absolute host path of the rootfs */
	bool no_pivot;
	bool in_userns;        /* a new user namespace: cannot mknod, bind devices */
	int cgroup_ns;         /* a new cgroup namespace was created */
};

/* Before pivot: propagation, mounts in order, devices, /dev links.
 * Runs in the new mount namespace with the host paths still visible. */
int hr_rootfs_prepare(const struct hr_spec *spec, const struct hr_rootfs_opts *opts,
		      struct hr_error *err);
/* pivot_root (or MS_MOVE+chroot with no_pivot) into the rootfs. */
int hr_rootfs_pivot(const struct hr_rootfs_opts *opts, struct hr_error *err);
/* After pivot: maskedPaths, readonlyPaths, sysctl, read-only root. */
int hr_rootfs_finalize(const struct hr_spec *spec, struct hr_error *err);

/* Parses mount options into flags/propagation/data (also used by validation). */
struct hr_mount_flags {
	unsigned long flags;        /* MS_* to set */
	unsigned long clear;        /* MS_* explicitly cleared (rw, suid...) */
	unsigned long propagation;  /* MS_SHARED|MS_REC... 0 if none */
	unsigned long long attr_set, attr_clr; /* MOUNT_ATTR_* for mount_setattr */
	bool bind, recursive, idmap;
	char *data;                 /* comma-joined unknown options, caller frees */
};
int hr_mount_parse_options(char *const *options, struct hr_mount_flags *out, struct hr_error *err);

#endif
