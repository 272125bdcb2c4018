/* The runtime side of create and exec: the context that owns everything
 * made for a container (state dir, cgroup, fds), so a failure can undo it.
 * What the container process itself receives is container/handoff.h. */
#ifndef HARDRUN_LAUNCH_H
#define HARDRUN_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "container/handoff.h"

/* Everything create made, so a failure can undo it in reverse. */
struct hr_cgroup;
struct hr_container;
struct hr_create_opts;

struct hr_launch_ctx {
	const struct hr_create_opts *o;  /* root, id, pid_file, console_socket, preserve_fds... */
	const struct hr_process *process; /* exec: the process to run */
	struct hr_spec *spec;
	char *config_text;
	char *bundle;
	char *rootfs;
	struct hr_container *c;
	struct hr_cgroup *cg;
	struct hr_launch l;
	pid_t pid;
	int pidfd;
	int sync_fd;
	int console_master;
};

/* Clones the container process (or exec process) and drives it to READY:
 * it then waits on exec.fifo (create) or is about to exec (exec). */
int hr_launch_spawn(struct hr_launch_ctx *x, struct hr_error *err);
/* Frees everything; spec, c and cg are owned by the ctx. */
void hr_launch_ctx_free(struct hr_launch_ctx *x);
/* Compiles the config's seccomp filter via the BPF cache under --root. */
int hr_launch_compile_seccomp(struct hr_launch_ctx *x, struct hr_error *err);
int hr_write_pid_file(const char *path, pid_t pid, struct hr_error *err);



#endif
