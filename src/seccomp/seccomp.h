/* Seccomp: compiled to BPF in the runtime (parent) with libseccomp, loaded
 * with seccomp(2) in the container process as the last step before exec. */
#ifndef HARDRUN_SECCOMP_H
#define HARDRUN_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hardrun/error.h"
#include "spec/spec.h"

#define HR_SECCOMP_KEY_HEX 65 /* 64 hex digits and NUL */

struct hr_seccomp_program {
	void *filter;          /* struct sock_filter[] */
	size_t n_insns;
	unsigned int flags;    /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	bool wants_notify;     /* a rule uses SCMP_ACT_NOTIFY */
	char cache_key[HR_SECCOMP_KEY_HEX]; /* its BPF cache entry, "" when none */
};

/* Compiles (or fetches from the BPF cache under cache_dir, keyed by a hash
 * of the canonical filter description; cache_dir NULL disables caching).
 * Refuses a cfg whose rules were elided. */
int hr_seccomp_compile(const struct hr_seccomp *cfg, const char *cache_dir,
		       struct hr_seccomp_program *out, struct hr_error *err);
/* exec's lean path: the program create compiled, from the cache entry
 * `key` it recorded. cfg's rules may be elided: its default action,
 * architectures and flags are checked and give the seccomp(2) flags. 1 when
 * loaded, 0 when the entry is gone or the config wants a notify listener
 * (then compile from the whole config), -1 on an error. */
int hr_seccomp_load_cached(const struct hr_seccomp *cfg, const char *cache_dir, const char *key,
			   struct hr_seccomp_program *out, struct hr_error *err);
/* True for 64 lowercase hex digits (a cache key read back from state). */
bool hr_seccomp_key_valid(const char *key);
void hr_seccomp_program_clear(struct hr_seccomp_program *p);

/* Container side: seccomp(SECCOMP_SET_MODE_FILTER). With wants_notify,
 * *notify_fd receives the listener fd, else it is set to -1. */
int hr_seccomp_load(const struct hr_seccomp_program *p, int *notify_fd, struct hr_error *err);

/* Sends notify_fd with the container state JSON (as the runtime spec's
 * "containerProcessState" message) over an already-connected unix socket. */
int hr_seccomp_send_to_listener(int sock, int notify_fd, const char *state_json,
				const char *metadata, struct hr_error *err);

/* The containerProcessState JSON: {"ociVersion","fds":["seccompFd"],"pid",
 * "metadata","state"}; ociVersion and pid come from state_json. Caller frees. */
char *hr_seccomp_process_state_json(const char *state_json, const char *metadata,
				    struct hr_error *err);

/* handover.c, supervised seccomp (`profile learn/check`): the container
 * announces the listener's fd number on sock, loads p and goes on; the
 * runtime takes the fd out of it with pidfd_getfd (see the file comment). */
int hr_seccomp_record_program(struct hr_seccomp_program *out); /* every syscall: USER_NOTIF */
int hr_seccomp_load_supervised(const struct hr_seccomp_program *p, int sock, bool make_dumpable,
			       struct hr_error *err);
int hr_seccomp_take_listener(int sock, int pidfd, int timeout_ms, int *notify_fd, struct hr_error *err);

/* A profile file holding just the linux.seccomp object (OCI form), checked
 * like the "seccomp" member of a config. Free with hr_seccomp_profile_free. */
int hr_seccomp_profile_load_file(const char *path, struct hr_seccomp **out, struct hr_error *err);
int hr_seccomp_profile_parse(const char *json, const char *source_name, struct hr_seccomp **out,
			     struct hr_error *err);
void hr_seccomp_profile_free(struct hr_seccomp *s);

/* profiles/seccomp/default.json as built into the binary (NUL-terminated). */
const char *hr_seccomp_default_profile_json(void);

/* What this build maps, for `features`. */
void hr_seccomp_foreach_arch(void (*fn)(const char *name, void *ud), void *ud);
void hr_seccomp_foreach_flag(void (*fn)(const char *name, unsigned long value, void *ud), void *ud);

#endif
