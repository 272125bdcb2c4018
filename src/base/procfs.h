/* Trusted access to procfs from the container process: a /proc that is a
 * real procfs root (never something mounted or linked over it), or a fresh
 * detached procfs of our own when the container has none. */
#ifndef HARDRUN_PROCFS_H
#define HARDRUN_PROCFS_H

#include "hardrun/error.h"

#include <stdbool.h>

/* fd is the root directory of a procfs mount (not a subdirectory of one,
 * not another filesystem mounted or linked where /proc should be). */
bool hr_procfs_is_root(int fd);

/* O_PATH fd of a verified procfs root: /proc when it is one, otherwise a
 * new detached procfs mount (fsopen/fsmount). */
int hr_procfs_open(struct hr_error *err);

/* Reopens an O_PATH fd with new open flags through procfs, and checks the
 * result is the same inode. Blocks as open(2) would (a FIFO waits for its
 * reader). Returns the new fd, or -1 with err set. */
int hr_procfs_reopen(int path_fd, int flags, const char *what, struct hr_error *err);

/* The calling process's cgroup v2 path (the "0::" line of
 * /proc/self/cgroup, e.g. "/hardrun/ID", "/" at the root). */
int hr_proc_own_cgroup2(char **out, struct hr_error *err);

#endif
