/* Runtime <-> container-process messages over a SOCK_SEQPACKET pair.
 * Errors inside the container process travel back as HR_SYNC_ERROR so the
 * runtime reports them (in the --log format containerd reads). */
#ifndef HARDRUN_SYNC_H
#define HARDRUN_SYNC_H

#include <stdint.h>
#include <sys/types.h>

#include "hardrun/error.h"

enum hr_sync_type {
	HR_SYNC_USERNS_READY = 1, /* child -> parent: write my id maps now */
	HR_SYNC_MAPS_DONE,        /* parent -> child */
	HR_SYNC_PID,              /* child -> parent: the container process pid (after a fork) */
	HR_SYNC_HOOKS,            /* child -> parent: run createRuntime hooks now */
	HR_SYNC_HOOKS_DONE,       /* parent -> child */
	HR_SYNC_CONSOLE,          /* child -> parent: pty master attached */
	HR_SYNC_READY,            /* child -> parent: set up, waiting for start */
	HR_SYNC_ERROR,            /* child -> parent: text is the error */
	HR_SYNC_SECCOMP_FD,       /* child -> parent: notify fd attached */
	HR_SYNC_EXEC_ERROR,       /* hardrun-exec-finish -> parent: text names the exec,
				     value is its errno (src/finish/protocol.h) */
};

struct hr_sync_msg {
	uint32_t type;
	int32_t value;
	char text[HR_ERROR_MSG_MAX];
};

/* fd < 0: no fd attached. */
int hr_sync_send(int sock, enum hr_sync_type type, int32_t value, const char *text, int fd);
/* Receives one message; *fd gets an attached fd or -1. Returns -1 on
 * error/EOF with err set ("container process exited during setup"). */
int hr_sync_recv(int sock, struct hr_sync_msg *msg, int *fd, struct hr_error *err);
/* Receives and checks the type; an HR_SYNC_ERROR becomes err. */
int hr_sync_expect(int sock, enum hr_sync_type type, struct hr_sync_msg *msg, int *fd, struct hr_error *err);
/* exec: the process keeps its (close-on-exec) end open until execve, so
 * EOF means it exec'd; an HR_SYNC_ERROR means it failed first. */
int hr_sync_wait_exec(int sock, struct hr_error *err);
/* Container side: report err to the parent and exit. */
void hr_sync_fail(int sock, const struct hr_error *err) __attribute__((noreturn));

#endif
