/* Seccomp filters judged by running them: a classic-BPF interpreter with the
 * kernel's seccomp semantics (eval.c), and a search over syscall arguments
 * that finds every outcome a filter can give one syscall (explore.c).
 * Pure: nothing is loaded into the kernel. Used by `profile lint/diff` and
 * by policy checks ("the effective filter must deny X on every arch"). */
#ifndef HARDRUN_SECCOMP_EVAL_H
#define HARDRUN_SECCOMP_EVAL_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hardrun/error.h"
#include "seccomp/seccomp.h"

struct hr_seccomp_verdict {
	uint32_t ret;     /* what the program returned */
	uint32_t action;  /* SECCOMP_RET_* (ret & SECCOMP_RET_ACTION_FULL, unknown -> KILL_PROCESS) */
	uint16_t data;    /* SECCOMP_RET_DATA: the errno of ERRNO, the message of TRACE */
};

/* Runs prog on d as the kernel would. -1 with err for a program the kernel
 * would refuse to load or that misbehaves (bad jump, load outside
 * seccomp_data, falling off the end). */
int hr_seccomp_eval(const struct sock_filter *prog, size_t n_insns, const struct seccomp_data *d,
		    struct hr_seccomp_verdict *v, struct hr_error *err);

/* The syscall runs (ALLOW or LOG). TRACE and USER_NOTIF leave it to another
 * process and count as not allowed here; callers that care ask for them. */
bool hr_seccomp_verdict_allows(const struct hr_seccomp_verdict *v);
/* "allow", "log", "errno EPERM", "errno 38", "kill-process", "trap", ... */
const char *hr_seccomp_verdict_str(const struct hr_seccomp_verdict *v, char *buf, size_t n);

/* A libseccomp architecture token (SCMP_ARCH_*) as the kernel reports it in
 * seccomp_data.arch (x32 reports x86_64 and sets bit 30 of nr), and the
 * syscall number of name there (the direct one where a multiplexer such as
 * socketcall also reaches it). -1 when the arch has no such syscall. */
uint32_t hr_seccomp_audit_arch(uint32_t arch_token);
int hr_seccomp_syscall_nr(uint32_t arch_token, const char *name);

/* Fills d for (arch, nr, args); args in the target's byte order. */
void hr_seccomp_data_init(struct seccomp_data *d, uint32_t arch_token, int nr, const uint64_t args[6]);

/* Compiles cfg (no cache) to the program `run` would load: every listed
 * architecture plus the native one, with hardrun's ENOSYS prefix. */
int hr_seccomp_compile_for_eval(const struct hr_seccomp *cfg, struct hr_seccomp_program *out,
				struct hr_error *err);

/* Evaluates syscall `name` with args on arch (a SCMP_ARCH_* token). */
int hr_seccomp_eval_syscall(const struct hr_seccomp_program *p, uint32_t arch_token, const char *name,
			    const uint64_t args[6], struct hr_seccomp_verdict *v, struct hr_error *err);

/* A condition a case puts on the low 32 bits of an argument before the
 * search: bits & value != 0 (HR_COND_ANY_SET), == value (HR_COND_EQ), or
 * != value (HR_COND_NE). */
enum hr_seccomp_cond_op { HR_COND_ANY_SET, HR_COND_EQ, HR_COND_NE };
struct hr_seccomp_cond {
	unsigned arg;
	enum hr_seccomp_cond_op op;
	uint32_t value;
};

/* One outcome: a concrete witness (checked with hr_seccomp_eval) and what
 * the filter answers for it. Return non-zero to stop the search. */
typedef int (*hr_seccomp_outcome_fn)(const struct seccomp_data *witness,
				     const struct hr_seccomp_verdict *v, void *ud);

/* Calls fn once for each path through the program that syscall nr on arch
 * can take with argument values that meet conds (so every return value the
 * program can give is seen at least once). Arguments that no
 * comparison reaches are 0 in the witness. Paths through ALU operations other
 * than AND are followed without constraint, so every reported outcome is
 * real but a rare one may be missed; *complete says whether the search was
 * exact. Returns -1 (err) for a bad program. */
int hr_seccomp_explore(const struct sock_filter *prog, size_t n_insns, uint32_t arch_token, int nr,
		       const struct hr_seccomp_cond *conds, size_t n_conds, hr_seccomp_outcome_fn fn,
		       void *ud, bool *complete, struct hr_error *err);

/* For policy checks ("the filter must deny X on every architecture"):
 * whether some arguments meeting conds let syscall name through on arch
 * (ALLOW or LOG; with allow_delegated also TRACE and USER_NOTIF, which a
 * tracer or agent may let through). *witness (may be NULL) gets such
 * arguments. A syscall the arch does not have is never allowed. */
int hr_seccomp_can_allow(const struct hr_seccomp_program *p, uint32_t arch_token, const char *name,
			 const struct hr_seccomp_cond *conds, size_t n_conds, bool allow_delegated,
			 bool *allowed, struct seccomp_data *witness, struct hr_error *err);

#endif
