/* The policy checkpoint: every entry point that takes untrusted input goes
 * through it before anything is built or changed. create/run (the spec and
 * the options), exec (the process, against the container's saved spec) and
 * update (the new resources). Today it refuses what this host cannot
 * enforce; the policy floor (rules that raise the spec, refuse, or warn)
 * is empty and goes in policy.c's floor_* functions. */
#ifndef HARDRUN_POLICY_H
#define HARDRUN_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hardrun/error.h"
#include "spec/spec.h"

/* What this host can enforce: probed once from the live system
 * (hr_host_probe), or written by a test. */
struct hr_policy;
struct hr_policy_host;

struct hr_host {
	int cap_last;                /* the kernel's highest capability, -1 unknown */
	uint64_t cap_bounding;       /* the runtime's bounding set */
	bool apparmor_enabled;
	char *apparmor_profiles;     /* the kernel's loaded-profile list, NULL if unreadable */
	/* the runtime has CAP_SYS_ADMIN (over its mount namespace): it can
	 * clone mount trees for the container (rootless: it cannot) */
	bool can_clone_mounts;
	/* probed here: checks that look at the live system also run (a
	 * sysctl's namespace path must not be the caller's namespace) */
	bool live;
	/* The host policy floor (policy/floor.h) and what the host offers it;
	 * NULL without a policy file (today's behaviour). Owned. */
	struct hr_policy *floor;
	struct hr_policy_host *floor_host;
};

/* apparmor_profile: the profile a process asks for (NULL: none); the
 * kernel's list is read only when there is one to look up. */
void hr_host_probe(struct hr_host *h, const char *apparmor_profile);
void hr_host_clear(struct hr_host *h);
/* The host policy (path, or the default file; none: floor stays NULL) for
 * container id under state root; allocate_ids: create may take a user
 * namespace id range (else the container's recorded one is looked up). */
int hr_host_load_floor(struct hr_host *h, const char *path, const char *root, const char *id,
		       bool allocate_ids, struct hr_error *err);

/* What a policy rule did, in the order it did it. */
enum hr_decision_kind {
	HR_DECISION_INJECT,          /* raised the spec (e.g. added a masked path) */
	HR_DECISION_WARN,            /* allowed, with a warning */
	HR_DECISION_REFUSE,          /* refused: the error names the rule */
	HR_DECISION_DEGRADE,         /* allowed without what this host lacks, as the policy lets it */
};

struct hr_decision {
	enum hr_decision_kind kind;
	char *rule;                  /* the rule's name */
	char *detail;                /* what it changed or why */
};

struct hr_policy_result {
	struct hr_decision *decisions;
	size_t n_decisions;
};

void hr_policy_record(struct hr_policy_result *r, enum hr_decision_kind kind, const char *rule, const char *detail);
void hr_policy_result_clear(struct hr_policy_result *r);

/* create/run options the checks need. */
struct hr_policy_create_opts {
	bool console_socket;         /* --console-socket given */
	bool foreground;             /* `run` in the foreground: the runtime owns the terminal */
};

/* create/run: spec may be raised by the floor (hence not const). */
int hr_policy_check_create(struct hr_spec *spec, const struct hr_host *host, const struct hr_policy_create_opts *o,
			   struct hr_policy_result *r, struct hr_error *err);
/* exec: a process in the container whose saved spec is container. */
int hr_policy_check_exec(const struct hr_spec *container, struct hr_process *p, const struct hr_host *host,
			 struct hr_policy_result *r, struct hr_error *err);
/* update: the new resources of a running container. */
int hr_policy_check_update(const struct hr_spec *container, struct hr_resources *res, const struct hr_host *host,
			   struct hr_policy_result *r, struct hr_error *err);

#endif
