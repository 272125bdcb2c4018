/* Container state under --root: <root>/<id>/state.json (+ config.json copy,
 * exec.fifo while created). Every command on an id takes the dir's flock.
 * A dir is a container only with the marker file, made first; the record
 * file (cgroup path, init pid + start time) is written before each of those
 * exists, so `delete --force` can clean up even without state.json. */
#ifndef HARDRUN_STATE_H
#define HARDRUN_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hardrun/error.h"
#include "spec/spec.h"

#define HR_DEFAULT_ROOT "/run/hardrun"
#define HR_STATE_MARKER ".hardrun-container"

enum hr_status {
	HR_STATUS_CREATING, HR_STATUS_CREATED, HR_STATUS_RUNNING, HR_STATUS_PAUSED, HR_STATUS_STOPPED,
	HR_STATUS_DAMAGED          /* marker present, state.json unusable */
};

/* Whether the config saved at create has hooks: start and delete read and
 * validate it again only when it may (a state from before this was
 * recorded says UNKNOWN). */
enum hr_hooks_saved { HR_HOOKS_UNKNOWN = 0, HR_HOOKS_NONE, HR_HOOKS_SOME };

struct hr_state {
	char *id;
	char *bundle;              /* absolute */
	char *rootfs;              /* absolute host path */
	pid_t pid;                 /* init pid on the host, 0 before it exists */
	unsigned long long pid_start; /* /proc/PID/stat starttime, guards pid reuse */
	char *cgroup_path;         /* relative to the cgroup2 root, NULL if none;
				      from the record, checked (hr_cgroup_check_path) */
	bool cgroup_shared;        /* it had processes not ours when we joined it */
	char *systemd_unit;        /* --systemd-cgroup: the scope (the last component
				      of cgroup_path), NULL with the cgroupfs driver */
	bool systemd_user;         /* the scope is the user manager's */
	char *created;             /* RFC 3339 */
	bool created_done;         /* create finished (else: half-created) */
	bool started;              /* start released the process */
	enum hr_hooks_saved hooks; /* state.json "hasHooks", when present */
	char *seccomp_key;         /* "seccompKey": the BPF cache entry of the
				      container's own filter, for exec's lean
				      path; NULL when none */
	struct hr_kv *annotations; size_t n_annotations;
	char *owner;               /* "" for root */
};

struct hr_container {
	char *root;
	char *id;
	int dirfd;                 /* <root>/<id>, locked */
	struct hr_state st;
	struct hr_spec *spec;      /* loaded lazily by hr_container_spec */
	char *damage;              /* why state.json (or the record) is unusable, else NULL */
	bool record_ok;            /* pid and cgroup_path come from a sound record */
};

/* --root: non-empty and absolute, else a named error. */
int hr_state_root_check(const char *root, struct hr_error *err);
/* Opens (create: first makes it, 0700) the state root, refusing a symlink,
 * one not owned by our euid, or one writable by group or others. */
int hr_state_root_open(const char *root, bool create, struct hr_error *err);
/* Whether <rootfd>/<name> has hardrun's container marker. */
bool hr_state_is_container(int rootfd, const char *name);

/* Valid: 1..NAME_MAX (255) chars of [A-Za-z0-9_+.-], not "." or "..".
 * hr_id_check names what is wrong without echoing control characters. */
bool hr_id_valid(const char *id);
int hr_id_check(const char *id, struct hr_error *err);

/* Creates <root>/<id> exclusively (fails "container with id X already
 * exists") and locks it. */
int hr_container_new(const char *root, const char *id, struct hr_container **out, struct hr_error *err);
enum hr_open_flags {
	HR_OPEN_DAMAGED = 1 << 0,  /* also return a damaged container (c->damage set) */
};
/* Opens and locks an existing container; "container X does not exist";
 * a dir without the marker is refused, naming why. */
int hr_container_open(const char *root, const char *id, unsigned flags, struct hr_container **out,
		      struct hr_error *err);
/* The same in the state root rootfd (already opened and checked) named
 * root: `list` opens it once for all containers. */
int hr_container_open_at(int rootfd, const char *root, const char *id, unsigned flags,
			 struct hr_container **out, struct hr_error *err);
/* hr_container_open without flags: a damaged container is a named error. */
int hr_container_load(const char *root, const char *id, struct hr_container **out, struct hr_error *err);
/* Lets other verbs at the container while this one goes on without its
 * state (exec --ignore-paused waits for a resume that needs the lock). */
void hr_container_unlock(struct hr_container *c);
void hr_container_free(struct hr_container *c);

int hr_container_save(struct hr_container *c, struct hr_error *err);
/* Writes the record from st (cgroup_path, pid, pid_start), atomically. */
int hr_container_save_record(struct hr_container *c, struct hr_error *err);
/* The config.json as stored at create time. */
int hr_container_spec(struct hr_container *c, const struct hr_spec **out, struct hr_error *err);
/* The saved config with linux.seccomp's rules left out when the text
 * allows (hr_json_elide_seccomp_rules; *elided then true and the spec's
 * seccomp says syscalls_elided), else the whole config. For exec, whose
 * filter comes from the BPF cache by st.seccomp_key. */
int hr_container_spec_lean(struct hr_container *c, const struct hr_spec **out, bool *elided,
			   struct hr_error *err);
/* The same, for its hooks only: *out is NULL when the state records that
 * the saved config has none (parsing and validating it again costs about a
 * quarter of a millisecond of CPU, in both start and delete). */
int hr_container_hooks_spec(struct hr_container *c, const struct hr_spec **out, struct hr_error *err);
/* Live status from the process and cgroup (not from the file alone). */
enum hr_status hr_container_status(struct hr_container *c);
/* The same; when it opened the container's cgroup to ask the freezer,
 * *keep gets it (the caller frees it) instead of it being closed. */
struct hr_cgroup;
enum hr_status hr_container_status_cgroup(struct hr_container *c, struct hr_cgroup **keep);
/* Opens the cgroup the record names, marked shared when the record says it
 * had others' processes (so it is never killed as a whole, frozen or
 * removed). The caller checks c->st.cgroup_path first. */
struct hr_cgroup;
int hr_container_open_cgroup(const struct hr_container *c, struct hr_cgroup **cg, struct hr_error *err);
const char *hr_status_name(enum hr_status s);
/* runtime-spec state JSON (caller frees), and the same as a jansson object
 * (with rootfs, created, owner) for listings. */
char *hr_container_state_json(struct hr_container *c);
struct json_t;
struct json_t *hr_container_state_object(struct hr_container *c);
/* The state given to hooks and seccomp listeners, built before a
 * struct hr_container exists or from inside the container process. */
char *hr_state_json_make(const char *id, const char *status, pid_t pid, const char *bundle,
			 const struct hr_spec *spec);
/* Removes <root>/<id> (the caller killed everything first); the marker goes
 * last, so an interrupted removal can be finished. */
int hr_container_remove_dir(struct hr_container *c, struct hr_error *err);

/* The host policy the container was created under (policy_record.c):
 * its file name, its text, and the decisions it took (a JSON array of audit
 * objects). Saved once by create; absent for a container created without a
 * policy, or by a hardrun from before the record. */
struct hr_policy_record {
	char *source;
	char *text;
	char *decisions_json;
};
int hr_container_save_policy(struct hr_container *c, const char *source, const char *text,
			     const char *decisions_json, struct hr_error *err);
/* 1 and *out filled; 0 (out zeroed) when there is no record; -1 (err). */
int hr_container_load_policy(struct hr_container *c, struct hr_policy_record *out,
			     struct hr_error *err);
void hr_policy_record_clear(struct hr_policy_record *r);

/* Host id ranges for injected user namespaces (idpool.c): a pool of
 * [start, start+size) handed out in ranges of `range` ids, one per
 * container, race-free under a lock in the state root. */
struct hr_idpool_cfg {
	uint32_t start, size, range;
};
/* A new range for container id; "already exists" if id holds one. */
int hr_idpool_allocate(const char *root, const char *id, const struct hr_idpool_cfg *cfg,
		       uint32_t *start, struct hr_error *err);
/* Frees id's range: at delete; only_own: only if this process allocated it
 * (create's rollback, which must not free another create's range). */
int hr_idpool_release(const char *root, const char *id, bool only_own, struct hr_error *err);
/* 1 and the range if id holds one, 0 if not. */
int hr_idpool_lookup(const char *root, const char *id, uint32_t *start, uint32_t *size,
		     struct hr_error *err);

/* /proc/PID/stat start time, 0 if the process is gone. */
unsigned long long hr_proc_start_time(pid_t pid);

#endif
