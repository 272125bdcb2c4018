/* Shared by the src/rootfs files only; not a public contract. */
#ifndef HARDRUN_ROOTFS_INTERNAL_H
#define HARDRUN_ROOTFS_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "hardrun/error.h"
#include "rootfs/rootfs.h"
#include "spec/spec.h"

/* --- path.c: resolving and creating paths inside a root fd --- */

enum hr_node_kind { HR_NODE_DIR, HR_NODE_FILE };

/* openat2(rootfd, path, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS); -1 + errno. */
int hr_open_in_root(int rootfd, const char *path, int flags);
/* Lexically cleaned absolute form of path ("a/../b//c" -> "/b/c"). */
char *hr_path_clean(const char *path);
/* O_PATH fd of path inside rootfd, creating missing components (the last
 * one as kind) with *at calls relative to already-resolved parents, so a
 * symlink can never lead outside the root. */
int hr_mkpath_in_root(int rootfd, const char *path, enum hr_node_kind kind, struct hr_error *err);
/* O_PATH fd of the parent directory of path (created if missing) and its
 * last component in *name (points into a fresh string in *name_buf). */
int hr_parent_in_root(int rootfd, const char *path, char **name_buf, const char **name,
		      struct hr_error *err);

/* --- mount_api.c: new mount API building blocks --- */

/* MOUNT_ATTR_* equivalents of the per-mount MS_* flags set / cleared. */
void hr_ms_to_mount_attr(unsigned long set, unsigned long clear,
			 unsigned long long *attr_set, unsigned long long *attr_clr);
/* fsopen/fsconfig/fsmount a new filesystem: returns a detached mount fd.
 * err->msg is the bare cause (strerror, plus the kernel's own message). */
int hr_fs_new(const char *type, const char *source, const struct hr_mount_flags *mf,
	      struct hr_error *err);
/* open_tree(OPEN_TREE_CLONE) of a host path relative to dirfd, with the
 * mount's flags applied (keeping flags the kernel locked). */
int hr_bind_tree(int dirfd, const char *source, bool recursive, const struct hr_mount_flags *mf,
		 struct hr_error *err);
/* The mount's flags on a detached tree (keeping flags the kernel locked). */
int hr_tree_set_flags(int treefd, const struct hr_mount_flags *mf, struct hr_error *err);
/* Recursive attributes (rro...) on a detached tree. */
int hr_tree_apply_rattrs(int treefd, const struct hr_mount_flags *mf, struct hr_error *err);
/* move_mount(treefd -> destfd). */
int hr_tree_attach(int treefd, int destfd, struct hr_error *err);
/* Propagation (MS_SHARED|MS_REC ...) on an attached mount fd. */
int hr_mount_set_propagation(int mntfd, unsigned long propagation, struct hr_error *err);
/* Sets err->msg to strerror(e) (no prefix) and returns -1. */
int hr_error_errno(struct hr_error *err, int e);

/* --- mount_copyup.c --- */
/* Before a new tmpfs (treefd) covers destfd: unless keep_mode (mode= was
 * given) it takes the covered directory's mode and owner; with copyup it
 * gets a copy of the directory's contents (tmpcopyup). */
int hr_tmpfs_prepare(int destfd, int treefd, bool copyup, bool keep_mode, struct hr_error *err);

/* --- mount_idmap.c --- */
/* Makes treefd an idmapped mount with the mount's own uid/gid mappings. */
int hr_tree_idmap(int treefd, const struct hr_mount *m, bool recursive, struct hr_error *err);

/* --- mounts.c --- */
/* Mounts asked "ro" are made read-only only once every mount is in place,
 * so later mount points can still be created under them (as runc does). */
struct hr_deferred_ro {
	int fds[64];
	size_t n;
};

struct hr_rootfs_ctx {
	int rootfd;
	const char *rootfs;
	const struct hr_rootfs_opts *opts;
	const struct hr_spec *spec;
	struct hr_deferred_ro *ro;
	int *bind_tree;   /* this mount's source opened by the runtime (-1: none); taken */
	int host_devfd;   /* the host's /dev, opened before any mount: host devices are
			   * looked up there (a rootfs at "/" gets a /dev over the host's) */
};
/* Makes every deferred mount read-only; closes their fds. */
int hr_rootfs_apply_deferred_ro(struct hr_deferred_ro *ro, struct hr_error *err);
int hr_rootfs_mount_one(const struct hr_rootfs_ctx *ctx, const struct hr_mount *m, struct hr_error *err);

/* --- check.c --- */
/* Config asks for nothing that needs mounts (for a container without a new
 * mount namespace, whose mounts are the caller's). */
int hr_rootfs_check_shared_mount_ns(const struct hr_spec *spec, struct hr_error *err);
/* /proc, /sys and /dev in the rootfs are no symlinks. */
int hr_rootfs_check_kernel_dirs(int rootfd, struct hr_error *err);
/* Before resolving: the destination as written (proc rules, no symlink on
 * the way to a kernel filesystem's mount point). */
int hr_rootfs_check_dest_path(int rootfd, const struct hr_mount *m, struct hr_error *err);
/* After resolving: the same rules on where destfd really is. */
int hr_rootfs_check_dest_fd(int rootfd, int destfd, const struct hr_mount *m, struct hr_error *err);

/* --- rootfs.c --- */
/* linux.rootfsPropagation on "/" after the pivot (runc does the same). */
int hr_rootfs_apply_root_propagation(const struct hr_spec *spec, struct hr_error *err);

/* --- sysctl.c: linux.sysctl, written through the container procfs --- */
/* hr_sysctl_check: rootfs.h */
int hr_sysctl_apply(const struct hr_spec *spec, int rootfd, struct hr_error *err);

/* --- devices.c --- */
/* True unless /dev is a bind mount from the host (then we leave it alone). */
bool hr_rootfs_needs_dev_setup(const struct hr_spec *spec);
int hr_rootfs_setup_devices(const struct hr_rootfs_ctx *ctx, struct hr_error *err);

#endif
