/* Terminals: the pty is created inside the container (its devpts), the
 * master goes to --console-socket or to the foreground runtime, which
 * proxies it. */
#ifndef HARDRUN_CONSOLE_H
#define HARDRUN_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hardrun/error.h"

/* Container side: opens a pty from /dev/ptmx, makes the slave the
 * controlling terminal and stdio, returns the master fd. */
int hr_console_setup(bool has_size, uint32_t rows, uint32_t cols, uid_t uid, gid_t gid, struct hr_error *err);
/* Sends the master over a connected unix socket with SCM_RIGHTS. */
int hr_console_send(int sock, int master, struct hr_error *err);
#endif
