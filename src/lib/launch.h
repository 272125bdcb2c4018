/* Internal: what the runtime hands the container process across clone3.
 * The child gets a copy of this (no CLONE_VM), so plain pointers work. */
#ifndef HARDRUN_LAUNCH_H
#define HARDRUN_LAUNCH_H

#include <stdbool.h>

#include "hardrun/ns.h"
#include "hardrun/seccomp.h"
#include "hardrun/spec.h"

struct hr_launch {
	const struct hr_spec *spec;
	const char *id;
	const char *bundle;          /* absolute */
	const char *rootfs;          /* absolute */
	int sync_fd;                 /* child's end */
	int parent_sync_fd;          /* closed by the child */
	int state_dirfd;             /* O_PATH of the state dir, for exec.fifo */
	int lock_fd;                 /* the runtime's locked state dir fd; the child must close it */
	int console_sock;            /* connected --console-socket, or -1 */
	int listener_sock;           /* connected seccomp listenerPath, or -1 */
	int preserve_fds;
	bool no_pivot;
	bool no_new_keyring;
	bool new_userns;             /* a user namespace is created for the container */
	int unshare_flags;           /* namespaces to create after joining (slow path) */
	bool needs_fork;             /* slow path with a pid namespace: fork once more */
	struct hr_ns_join joins;
	struct hr_seccomp_program seccomp;
	bool has_seccomp;
};

/* Container side, from clone to execve; never returns. */
void hr_init_container(struct hr_launch *l) __attribute__((noreturn));

/* The state JSON the runtime spec defines, for hooks and listeners. */
char *hr_state_json_make(const char *id, const char *status, pid_t pid, const char *bundle,
			 const struct hr_spec *spec);

#endif
