/* OCI hooks: each run with the state JSON on stdin, its args/env, and an
 * optional timeout after which it is killed. */
#ifndef HARDRUN_HOOKS_H
#define HARDRUN_HOOKS_H

#include <stddef.h>

#include "hardrun/error.h"
#include "spec/spec.h"

/* Runs hooks in order; stops at and returns the first failure, naming the
 * hook kind ("createRuntime") and index. */
int hr_hooks_run(const char *kind, const struct hr_hook *hooks, size_t n, const char *state_json,
		 struct hr_error *err);

/* Hooks that run as the workload will (startContainer): each hook process
 * keeps only stdio, then confine(ud) runs in it just before execve (the
 * container's seccomp filter); if that fails the hook is not run. */
struct hr_hook_confine {
	int (*confine)(void *ud, struct hr_error *err);
	void *ud;
};
int hr_hooks_run_confined(const char *kind, const struct hr_hook *hooks, size_t n, const char *state_json,
			  const struct hr_hook_confine *c, struct hr_error *err);
/* Same, but failures are logged as warnings and all hooks run. */
void hr_hooks_run_warn(const char *kind, const struct hr_hook *hooks, size_t n, const char *state_json);

#endif
