/* Container state under --root: <root>/<id>/state.json (+ config.json copy,
 * exec.fifo while created). Every command on an id takes the dir's flock. */
#ifndef HARDRUN_STATE_H
#define HARDRUN_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "hardrun/error.h"
#include "hardrun/spec.h"

#define HR_DEFAULT_ROOT "/run/hardrun"

enum hr_status {
	HR_STATUS_CREATING, HR_STATUS_CREATED, HR_STATUS_RUNNING, HR_STATUS_PAUSED, HR_STATUS_STOPPED
};

struct hr_state {
	char *id;
	char *bundle;              /* absolute */
	char *rootfs;              /* absolute host path */
	pid_t pid;                 /* init pid on the host, 0 before it exists */
	unsigned long long pid_start; /* /proc/PID/stat starttime, guards pid reuse */
	char *cgroup_path;         /* relative to the cgroup2 root, NULL if none */
	char *created;             /* RFC 3339 */
	bool created_done;         /* create finished (else: half-created) */
	bool started;              /* start released the process */
	struct hr_kv *annotations; size_t n_annotations;
	char *owner;               /* "" for root */
};

struct hr_container {
	char *root;
	char *id;
	int dirfd;                 /* <root>/<id>, locked */
	struct hr_state st;
	struct hr_spec *spec;      /* loaded lazily by hr_container_spec */
};

/* Valid: 1..NAME_MAX (255) chars of [A-Za-z0-9_+.-], not "." or "..".
 * hr_id_check names what is wrong without echoing control characters. */
bool hr_id_valid(const char *id);
int hr_id_check(const char *id, struct hr_error *err);

/* Creates <root>/<id> exclusively (fails "container with id X already
 * exists") and locks it. */
int hr_container_new(const char *root, const char *id, struct hr_container **out, struct hr_error *err);
/* Opens and locks an existing container; "container X does not exist". */
int hr_container_load(const char *root, const char *id, struct hr_container **out, struct hr_error *err);
void hr_container_free(struct hr_container *c);

int hr_container_save(struct hr_container *c, struct hr_error *err);
/* The config.json as stored at create time. */
int hr_container_spec(struct hr_container *c, const struct hr_spec **out, struct hr_error *err);
/* Live status from the process and cgroup (not from the file alone). */
enum hr_status hr_container_status(struct hr_container *c);
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
/* Removes <root>/<id> (the caller killed everything first). */
int hr_container_remove_dir(struct hr_container *c, struct hr_error *err);

/* /proc/PID/stat start time, 0 if the process is gone. */
unsigned long long hr_proc_start_time(pid_t pid);

#endif
