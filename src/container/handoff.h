/* What the runtime hands the container process across clone3, and the
 * container-side entry point. The child gets a copy of this (no CLONE_VM),
 * so plain pointers work. Nothing here knows about the runtime side
 * (launch/): imports point from launch down to container, never back. */
#ifndef HARDRUN_HANDOFF_H
#define HARDRUN_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "container/namespaces.h"
#include "rootfs/rootfs.h"
#include "seccomp/seccomp.h"
#include "spec/spec.h"

struct hr_launch {
	const struct hr_spec *spec;
	const struct hr_process *process; /* spec->process, or exec's process */
	/* exec: join target_pidfd's namespaces (and root) instead of making a
	 * rootfs; non-dumpable at once; failures reported until execve */
	bool join_target;
	int target_pidfd;            /* exec: the container's init */
	int join_flags;              /* exec: CLONE_NEW* of the namespaces to join */
	/* create: report READY, then wait on exec.fifo for `start` and run the
	 * startContainer hooks */
	bool wait_for_start;
	const char *id;
	const char *bundle;          /* absolute */
	const char *rootfs;          /* absolute */
	int sync_fd;                 /* child's end */
	int parent_sync_fd;          /* closed by the child */
	int fifo_fd;                 /* create: O_PATH of exec.fifo, reopened to wait for start */
	int target_rootfd;           /* exec into a container without a mount ns: its root */
	pid_t runtime_pid;           /* the runtime that cloned us, for the PDEATHSIG check */
	int lock_fd;                 /* the runtime's locked state dir fd; the child must close it */
	int console_sock;            /* connected --console-socket, or -1 */
	int listener_sock;           /* connected seccomp listenerPath, or -1 */
	int finish_fd;               /* exec: sealed hardrun-exec-finish to end through
					(exec_finish.c), or -1: execve the workload */
	int preserve_fds;
	bool no_pivot;
	bool no_new_keyring;
	bool new_userns;             /* a user namespace is created for the container */
	int unshare_flags;           /* namespaces to create after joining (slow path) */
	bool needs_fork;             /* slow path with a pid namespace: fork once more */
	struct hr_ns_join joins;
	/* user ns: the rootfs and bind sources, opened on the host side */
	struct hr_rootfs_sources sources;
	struct hr_seccomp_program seccomp;
	bool has_seccomp;
	bool seccomp_supervised;     /* profile learn/check: listener_sock announces the notify fd */
	struct hr_seccomp_program seccomp_floor; /* ... loaded first: the host policy's seccomp floor */
	bool has_seccomp_floor;
	bool supervisor_unprivileged; /* ... to a rootless runtime: be dumpable for its pidfd_getfd */
};

/* init_steps.c: fail-closed steps of the container process. */
int hr_close_fds_except(unsigned int first, const int *keep, size_t n, struct hr_error *err);
int hr_enter_cwd(const char *cwd, struct hr_error *err);
int hr_join_session_keyring(struct hr_error *err);
int hr_die_with_parent(pid_t parent, struct hr_error *err);
int hr_set_dumpable(bool dumpable, struct hr_error *err);
/* loopback.c: lo up in a new network namespace. */
int hr_net_loopback_up(struct hr_error *err);

/* seccomp_install.c: loads l->seccomp; a notify fd goes to the listener. */
int hr_seccomp_install(struct hr_launch *l, pid_t host_pid, struct hr_error *err);

/* Container side, from clone to execve; never returns. */
void hr_init_container(struct hr_launch *l) __attribute__((noreturn));

#endif
