/* AppArmor's kernel audit records (type 1400, AVC) and the profile rules
 * they become: what `profile learn --apparmor` and `profile check
 * --apparmor` read. Parsing and rule building are pure; audit_netlink.c
 * reads the records from the kernel's read-only audit multicast group. */
#ifndef HARDRUN_APPARMOR_AUDIT_H
#define HARDRUN_APPARMOR_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hardrun/error.h"

#define HR_AUDIT_AVC 1400      /* AUDIT_AVC: AppArmor's records (lsm_audit) */
#define HR_AUDIT_USER_AVC 1107 /* AUDIT_USER_AVC: the marker learn sends itself */

/* One AppArmor record; every field NULL (or -1) when absent. Untrusted
 * strings (name, profile, peer, comm, ...) are decoded from AppArmor's hex
 * form when they held spaces, quotes or control characters. */
struct hr_aa_record {
	char *apparmor;        /* ALLOWED, DENIED, AUDIT, STATUS, ... */
	char *operation;       /* open, exec, capable, create, signal, ptrace, mount ... */
	char *profile;
	char *name;            /* the path; for mount the mount point */
	char *target;          /* exec: the new label; link: the link's target */
	char *info;
	char *requested_mask;
	char *denied_mask;
	char *capname;
	char *family, *sock_type;
	char *signal;
	char *peer;
	char *comm;
	char *fstype, *srcname, *flags;
	long pid;
	int error;                /* 0 when absent */
	unsigned long long serial; /* audit(SEC.MSEC:SERIAL) */
	unsigned long long time_ms;
};

/* Parses the text of an audit record ("audit(...): apparmor=..." or the
 * same after "type=1400 "). Returns 0, or -1 when the text is not an
 * AppArmor record (no apparmor= field). */
int hr_aa_record_parse(const char *text, struct hr_aa_record *r);
void hr_aa_record_clear(struct hr_aa_record *r);

/* The record concerns profile `self` or one of its children (self//...). */
bool hr_aa_record_is_of(const struct hr_aa_record *r, const char *self);

/* The learned rules. Records of profile `self` (the temporary name) are
 * turned into rules of a profile to be called `name`: peers that are self
 * or its children become `name`. */
struct hr_aa_rules;
struct hr_aa_rules *hr_aa_rules_new(const char *self, const char *name);
void hr_aa_rules_free(struct hr_aa_rules *rules);
/* Adds the rule the record asks for; returns 1 if it was new, 0 if already
 * there or the record makes no rule (STATUS, a no_new_privs transition). */
int hr_aa_rules_add(struct hr_aa_rules *rules, const struct hr_aa_record *r);
size_t hr_aa_rules_count(const struct hr_aa_rules *rules);
/* The profile text: `header` (comment lines, may be NULL) then the
 * profile, self-contained (no #include), rules sorted. Caller frees. */
char *hr_aa_rules_render(const struct hr_aa_rules *rules, const char *header);

/* The one rule a record asks for, as profile text ("/etc/passwd r,"),
 * with peers named as in hr_aa_rules_new; NULL if it makes none. */
char *hr_aa_record_rule(const struct hr_aa_record *r, const char *self, const char *name);

/* The flags every learned and every temporary profile carries. */
#define HR_AA_PROFILE_FLAGS "attach_disconnected,mediate_deleted"

/* Renames the single top-level profile of a profile text to new_name (and
 * peer=OLD to peer=NEW), so it can be loaded without touching a loaded
 * profile of its own name. *old_name is the name it had. */
int hr_aa_profile_rename(const char *text, const char *new_name, char **out, char **old_name,
			 struct hr_error *err);

/* The text with every quoted relative include (`#include "x"`, `include
 * if exists "x"`) made absolute against dir, the profile file's directory:
 * the text is loaded from a temporary file elsewhere. */
char *hr_aa_profile_absolute_includes(const char *text, const char *dir);

/* audit_netlink.c: the kernel's audit records, from the read-only
 * multicast group (AUDIT_NLGRP_READLOG, needs CAP_AUDIT_READ): every record,
 * whether or not auditd runs, without taking anything from it, and without
 * the rate limit of the kernel log. */
int hr_aa_audit_open(struct hr_error *err);
/* fn(ud, type, text) for each record that arrives within timeout_ms, then
 * for what is already queued. Returns the number of records, -1 with err;
 * *lost counts overruns (ENOBUFS: the kernel dropped records for us). */
typedef void (*hr_aa_audit_fn)(void *ud, int type, const char *text);
int hr_aa_audit_read(int fd, int timeout_ms, hr_aa_audit_fn fn, void *ud, int *lost, struct hr_error *err);
/* Logs a USER_AVC record with text; it arrives after every record the
 * kernel queued before it. Needs CAP_AUDIT_WRITE in the initial user
 * namespace. */
int hr_aa_audit_send_marker(const char *text, struct hr_error *err);
/* The kernel's count of records it could not queue at all (backlog full,
 * rate limit): AUDIT_GET, needs CAP_AUDIT_CONTROL. */
int hr_aa_audit_lost(unsigned *lost, struct hr_error *err);

#endif
