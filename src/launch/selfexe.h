/* Keeps hardrun's own binary out of reach of containers (CVE-2019-5736):
 * every process that enters a container runs from a sealed in-memory copy,
 * so /proc/PID/exe inside a container never leads back to the host file. */
#ifndef HARDRUN_SELFEXE_H
#define HARDRUN_SELFEXE_H

#include <stdbool.h>

#include "hardrun/error.h"

/* True when the running image cannot be written through /proc/self/exe:
 * a sealed memfd copy, or a file on a read-only mount. */
bool hr_selfexe_is_protected(struct hr_error *err);

/* Takes the running image off the host file unless it is already
 * protected: in place where it can (hr_selfexe_remap), otherwise by
 * re-executing hardrun (same argv and environment) from a sealed memfd
 * copy. Returns 0 when protected; -1 only when neither works. */
int hr_selfexe_ensure_protected(char **argv, struct hr_error *err);
/* exec decides only before its clone3 whether it needs that (it may end
 * through hardrun-exec-finish instead): main remembers argv for the
 * re-execution, and the launch calls ensure_protected_late, which returns
 * at once when hardrun is already protected. */
void hr_selfexe_remember_argv(char **argv);
int hr_selfexe_ensure_protected_late(struct hr_error *err);

/* Replaces every mapping of the host file `self` by an anonymous copy of
 * its bytes and makes the sealed memfd `exe` /proc/self/exe
 * (selfexe_remap.c). 0 when the process no longer references the host
 * file; -1 when not possible here (the caller then re-executes from a
 * sealed copy). */
int hr_selfexe_remap(int self, int exe);

#endif
