/* What the seccomp supervisor saw: one entry per (architecture, syscall,
 * argument case a profile can tell apart), with how often it came and
 * which process made it first. Shared by `profile learn` (the entries
 * become the allow rules) and `profile check` (they are the report). */
#ifndef HARDRUN_PROFILE_RECORD_H
#define HARDRUN_PROFILE_RECORD_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The syscalls whose arguments decide what they do, and so are recorded
 * (and allowed) by those arguments. */
enum hr_rec_kind {
	HR_REC_PLAIN,
	HR_REC_CLONE,       /* a: the namespace flags */
	HR_REC_CLONE3,      /* a: the namespace flags of struct clone_args, read from the process */
	HR_REC_UNSHARE,     /* a: the flags */
	HR_REC_SOCKET,      /* a: the family, b: the type without SOCK_NONBLOCK/CLOEXEC */
	HR_REC_PERSONALITY, /* a: the persona */
	HR_REC_PRCTL,       /* a: the option */
	HR_REC_IOCTL,       /* a: the request (low 32 bits, as the kernel reads it) */
};

/* clone(2)'s namespace flags (CLONE_NEWTIME is a CSIGNAL bit there). */
#define HR_CLONE_NS_FLAGS 0x7e020000ULL
#define HR_CLONE3_NS_FLAGS (HR_CLONE_NS_FLAGS | 0x80ULL)
#define HR_REC_UNKNOWN UINT64_MAX /* an argument that could not be read */

struct hr_rec_entry {
	uint32_t arch;          /* SCMP_ARCH_* token (the AUDIT_ARCH_* value) */
	int nr;
	enum hr_rec_kind kind;
	uint64_t a, b;
	char *name;             /* libseccomp's name, or "syscall_N" when it has none */
	bool before_exec;       /* hardrun itself, between filter load and execve */
	bool by_workload;
	uint64_t count;         /* calls by the workload */
	/* the workload's first call */
	uint64_t first_args[6];
	pid_t first_pid;
	char first_comm[17];
	char *first_exe;
	long long first_ms;     /* since the recording started */
};

struct hr_recording;

struct hr_recording *hr_recording_new(void);
void hr_recording_free(struct hr_recording *r);

/* Thread-safe: counts one notification. Until the first execve the calls
 * are hardrun's own (before_exec); that execve and everything after are
 * the workload's. */
void hr_recording_add(struct hr_recording *r, const struct seccomp_notif *n);
/* For processes that never exec (a recording started at execve). */
void hr_recording_mark_exec_seen(struct hr_recording *r);
bool hr_recording_exec_seen(struct hr_recording *r);

/* A copy of every entry, sorted by name, arch, a, b; *changed says whether
 * a new entry came since the last snapshot. Free with hr_rec_entries_free. */
size_t hr_recording_snapshot(struct hr_recording *r, struct hr_rec_entry **out, bool *changed);
void hr_rec_entries_free(struct hr_rec_entry *e, size_t n);

/* Classification by name, for the profile writer and merge. */
enum hr_rec_kind hr_rec_kind_of(const char *name);
/* The argument index a kind's value `a` (and `b`) sits at on arch. */
unsigned hr_rec_arg_index(enum hr_rec_kind kind, uint32_t arch, bool second);

#endif
