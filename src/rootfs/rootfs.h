/* Root filesystem setup in the container's mount namespace. Every mount
 * target is resolved inside the rootfs with openat2(RESOLVE_IN_ROOT), so a
 * symlink in the bundle can never redirect a mount to the host. */
#ifndef HARDRUN_ROOTFS_H
#define HARDRUN_ROOTFS_H

#include <stdbool.h>

#include "hardrun/error.h"
#include "spec/spec.h"

struct hr_rootfs_opts {
	const char *rootfs;    /* absolute host path of the rootfs */
	bool no_pivot;
	bool in_userns;        /* a new user namespace: cannot mknod, bind devices */
	int cgroup_ns;         /* a new cgroup namespace was created */
	/* No new mount namespace (hr_rootfs_shares_mount_ns): the mounts are
	 * the caller's, so nothing is mounted and the rootfs is entered with
	 * chroot, never pivot_root. */
	bool shares_mount_ns;
};

/* True unless linux.namespaces creates a new mount namespace (joining one
 * by path counts as sharing: its mounts are someone else's). */
bool hr_rootfs_shares_mount_ns(const struct hr_spec *spec);

/* Call order in the container process (new mount ns, after uid/gid maps are
 * written, cwd = bundle dir so relative bind sources resolve against it):
 *   hr_rootfs_prepare -> (createContainer hooks) -> hr_rootfs_pivot -> hr_rootfs_finalize */

/* Before pivot: propagation, mounts in order, devices, /dev links.
 * Runs in the new mount namespace with the host paths still visible. */
int hr_rootfs_prepare(const struct hr_spec *spec, const struct hr_rootfs_opts *opts,
		      struct hr_error *err);
/* pivot_root (or MS_MOVE+chroot with no_pivot; chroot alone when the
 * mount namespace is shared) into the rootfs. */
int hr_rootfs_pivot(const struct hr_rootfs_opts *opts, struct hr_error *err);
/* After pivot: sysctl, readonlyPaths, maskedPaths, read-only root (that
 * order, as runc). /proc must be the container's procfs by then. */
int hr_rootfs_finalize(const struct hr_spec *spec, struct hr_error *err);

/* Checks that every linux.sysctl key is namespaced and that the namespace it
 * belongs to is not the host's. Cheap and side-effect free: call it from the
 * parent at create time; hr_rootfs_finalize calls it again. */
int hr_sysctl_validate(const struct hr_spec *spec, struct hr_error *err);
/* check_host_ns: also refuse joined namespaces that are the caller's own
 * (only meaningful in the parent, where the caller's are the host's). */
int hr_sysctl_check(const struct hr_spec *spec, bool check_host_ns, struct hr_error *err);


/* Create-time refusals about mounts, side-effect free: without a new mount
 * namespace nothing that needs a mount (mounts, read-only root, masked or
 * read-only paths, rootfsPropagation, devices, sysctl); with one, no mount
 * over or under /proc but a procfs at /proc (and lxcfs-style file binds). */
int hr_rootfs_validate(const struct hr_spec *spec, struct hr_error *err);

/* Parses mount options into flags/propagation/data (also used by validation). */
struct hr_mount_flags {
	unsigned long flags;        /* MS_* to set */
	unsigned long clear;        /* MS_* explicitly cleared (rw, suid...) */
	unsigned long propagation;  /* MS_SHARED|MS_REC... 0 if none */
	/* MOUNT_ATTR_* from the recursive options (rro, rnosuid, ...), applied
	 * with mount_setattr(AT_RECURSIVE) after the mount. */
	unsigned long long attr_set, attr_clr;
	bool bind, recursive;       /* bind / rbind */
	bool idmap;                 /* idmap or ridmap */
	bool idmap_recursive;       /* ridmap */
	bool tmpcopyup;             /* tmpfs: copy the covered directory in first */
	char *data;                 /* comma-joined unknown options, caller frees */
};
/* Later options override earlier ones ("ro,rw" is rw). Fills *out (zeroed
 * first); release with hr_mount_flags_clear. */
int hr_mount_parse_options(char *const *options, struct hr_mount_flags *out, struct hr_error *err);
void hr_mount_flags_clear(struct hr_mount_flags *f);

/* Every option name hr_mount_parse_options recognises, for `features`. */
void hr_mount_foreach_option(void (*fn)(const char *name, void *ud), void *ud);

#endif
