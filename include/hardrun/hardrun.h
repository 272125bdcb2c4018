/* Container lifecycle, as the CLI verbs use it:
 * spec (parse, validate) -> policy -> plan -> launch -> state.
 * Every verb of the CLI is one call here. */
#ifndef HARDRUN_CONTAINER_H
#define HARDRUN_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hardrun/error.h"

struct hr_seccomp_program;

struct hr_create_opts {
	const char *root;
	const char *id;
	const char *bundle;          /* default "." */
	const char *pid_file;
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	bool foreground;             /* `run`: keep the pty master, we proxy it */
	const char *policy;          /* --policy FILE; NULL: /etc/hardrun/policy.json if present */
	bool systemd_cgroup;         /* --systemd-cgroup: the cgroup is a systemd scope */
	int preserve_fds;
	/* `profile learn/check` (issue 14): this filter replaces the config's
	 * linux.seccomp and its notify fd is taken by the caller, announced over
	 * seccomp_supervisor_sock (seccomp/handover.c). NULL: the config's. */
	const struct hr_seccomp_program *seccomp_supervised;
	int seccomp_supervisor_sock;
	/* config.json's text, given instead of BUNDLE/config.json (sandbox);
	 * the bundle is then only where relative paths start */
	const char *config_text;
};

struct hr_created {
	pid_t pid;
	int pidfd;                   /* -1 if unavailable */
	int console_master;          /* foreground with a terminal, else -1 */
};

int hr_lifecycle_create(const struct hr_create_opts *o, struct hr_created *out, struct hr_error *err);
int hr_lifecycle_start(const char *root, const char *id, struct hr_error *err);
int hr_lifecycle_kill(const char *root, const char *id, int sig, bool all, struct hr_error *err);
int hr_lifecycle_delete(const char *root, const char *id, bool force, struct hr_error *err);

struct hr_exec_opts {
	const char *root;
	const char *id;
	const char *process_file;    /* --process: a process.json; overrides below unused */
	const char *console_socket;
	const char *pid_file;
	bool detach;
	int preserve_fds;
	/* without --process: the container's process with these changes (as runc) */
	char **args;                 /* required without --process */
	bool tty;
	const char *cwd;
	char **env;                  /* appended */
	const char *user;            /* "uid[:gid]" */
	char **additional_gids;
	char **caps;                 /* added to bounding, effective, permitted */
	bool no_new_privs;
	const char *apparmor;
	const char *process_label;
	bool ignore_paused;          /* --ignore-paused: exec into a frozen container */
	const char *cgroup;          /* --cgroup: a sub-cgroup of the container's to join */
	const char *policy;          /* --policy FILE; NULL: /etc/hardrun/policy.json if present */
};

/* Runs a new process in a created or running container. */
int hr_lifecycle_exec(const struct hr_exec_opts *o, struct hr_created *out, struct hr_error *err);

/* state: the runtime-spec state JSON of container id (caller frees). */
int hr_lifecycle_state(const char *root, const char *id, char **json, struct hr_error *err);

/* list: fn is called for each container under root, in id order, with
 * what `list` shows of it; the strings live until fn returns. Rows are
 * read one at a time, so memory does not grow with the number of
 * containers. fn returning < 0 (err set) stops the listing. */
struct hr_list_entry {
	const char *id, *status, *bundle, *created;
	const char *owner;           /* the state's, else the state dir owner's name (runc's OWNER) */
	pid_t pid;                   /* 0 once stopped */
	const char *json;            /* the state object (with rootfs, created, owner, annotations),
				        compact: one element of runc's `list -f json` array */
};
typedef int hr_list_fn(const struct hr_list_entry *e, void *arg, struct hr_error *err);
int hr_lifecycle_list(const char *root, hr_list_fn *fn, void *arg, struct hr_error *err);

/* ps: the host pids in the container's cgroup and its child cgroups. */
int hr_lifecycle_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct hr_error *err);

/* pause / resume: freeze a running container, thaw a paused one. */
int hr_lifecycle_pause(const char *root, const char *id, struct hr_error *err);
int hr_lifecycle_resume(const char *root, const char *id, struct hr_error *err);

/* events: one sample of the container's cgroup statistics as runc's
 * "data" object (caller frees); 1 (and no json) once it has stopped. */
int hr_lifecycle_stats(const char *root, const char *id, char **json, struct hr_error *err);

/* spec: writes a starting BUNDLE/config.json; an existing one is an error.
 * The hardened default (user namespace, no capabilities, limits for the
 * controllers this host has; notes on stderr name what it leaves out), or
 * minimal: runc's starting config. */
int hr_write_example_config(const char *bundle, bool rootless, bool minimal, struct hr_error *err);

/* New resource limits (config.json's linux.resources) for a running
 * container, through the policy checkpoint; device rules are not changed. */
struct hr_resources;
int hr_lifecycle_update(const char *root, const char *id, struct hr_resources *res, const char *policy,
			struct hr_error *err);

/* update as runc's flags give it: a LinuxResources JSON file (or "-":
 * stdin), then each value set overrides it; sizes in runc's forms (512k,
 * 100m, 1.5g, -1). Then hr_lifecycle_update. */
enum hr_update_flag {
	HR_UPDATE_MEMORY, HR_UPDATE_MEMORY_SWAP, HR_UPDATE_MEMORY_RESERVATION, HR_UPDATE_CPU_QUOTA,
	HR_UPDATE_CPU_PERIOD, HR_UPDATE_CPU_SHARES, HR_UPDATE_CPUSET_CPUS, HR_UPDATE_CPUSET_MEMS,
	HR_UPDATE_PIDS_LIMIT, HR_UPDATE_BLKIO_WEIGHT, HR_UPDATE_N,
};
struct hr_update_flags {
	const char *resources;                /* file, "-" or NULL */
	const char *policy;                   /* --policy FILE, or NULL (the default file) */
	const char *values[HR_UPDATE_N];      /* NULL: not given */
};
int hr_lifecycle_update_flags(const char *root, const char *id, const struct hr_update_flags *f,
			      struct hr_error *err);

/* The state root when --root is not given: /run/hardrun for root, else
 * $XDG_RUNTIME_DIR/hardrun or /tmp/hardrun-UID (as runc). */
const char *hr_default_root(void);
/* --root: non-empty and absolute, else a named error. */
int hr_root_check(const char *root, struct hr_error *err);
/* Before create, run and exec: re-executes from a sealed copy of the
 * binary unless already running from one (CVE-2019-5736). */
int hr_protect_self(char **argv, struct hr_error *err);
/* exec: the same, decided just before the container process is cloned
 * (exec may end through hardrun-exec-finish, which needs no copy). */
void hr_protect_self_later(char **argv);

/* The apparmor verb: whether AppArmor is enabled; load (or replace) the
 * profiles in a file (NULL: the hardrun-default profile) with
 * apparmor_parser, *loaded naming the file (caller frees). */
bool hr_apparmor_available(void);
int hr_apparmor_load(const char *profile_file, char **loaded, struct hr_error *err);

/* features: the runtime-spec features document (features.md,
 * features-linux.md) of this build on this host, as JSON (caller frees). */
int hr_features_json(char **json, struct hr_error *err);

/* The log: stderr, or --log FILE, as text or as runc's JSON lines (the
 * last "error" line is what containerd shows); open it before anything
 * can fail. hr_report_error writes one error there. */
int hr_log_open(const char *path, bool json, bool debug, struct hr_error *err);
void hr_report_error(const struct hr_error *err);

/* The effective hardening of a container read from outside (its init's
 * /proc entries, its cgroup) and the host policy's decisions, as JSON. */
int hr_lifecycle_inspect(const char *root, const char *id, char **json, struct hr_error *err);

/* `policy init`: the "restricted" starting policy, its degrade list from
 * what this host lacks (caller frees). */
char *hr_lifecycle_policy_init(void);
/* `policy check`: a dry run of the host policy (NULL: the default file) on
 * bundle's config.json; *report gets one "ACTION RULE: DETAIL" line per
 * decision (caller frees), *refusals how many refuse. */
int hr_lifecycle_policy_check(const char *policy, const char *bundle, char **report, size_t *refusals,
			      struct hr_error *err);

/* sandbox: one command runs a program in the hardened config (the same
 * generator as spec) built in memory, in the foreground, and removes the
 * container when it exits, whatever the way. */
struct hr_sandbox_opts {
	const char *root;            /* state root */
	const char *policy;          /* --policy FILE, or NULL (the default file) */
	const char *rootfs;          /* used in place, idmapped where possible; NULL with host */
	bool host;                   /* the host's own / read-only, a private /tmp */
	bool bind_cwd;               /* the current directory read-write, and the workdir */
	char **binds;                /* "SRC:DST[:ro|:rw]" */
	char **tmpfs;                /* destinations */
	const char *memory, *cpus, *pids; /* NULL: the hardened default where the host has it */
	char **cap_add;              /* "NET_RAW" or "CAP_NET_RAW" */
	const char *seccomp;         /* NULL or "default", "unconfined", or a profile file */
	const char *apparmor;        /* NULL: hardened default; a profile name or "unconfined" */
	const char *user;            /* "UID[:GID]" */
	char **env;                  /* "K=V", replacing a K already set */
	const char *workdir, *hostname;
	bool read_write;             /* the rootfs writable */
	char **args;                 /* the program and its arguments */
};
/* Builds the config; dry_run: prints it to stdout and returns 0. Else
 * returns the program's exit status as a shell would (128+N), or -1. */
int hr_sandbox_run(const struct hr_sandbox_opts *o, bool dry_run, struct hr_error *err);
/* What hr_sandbox_run would run, for `sandbox --learn/--check` (profile
 * learn/check take the config as their config_text, "/" as the bundle and
 * *id as the container id): a generated *id and, as root, its user
 * namespace range taken from the pool. Deleting container *id gives the
 * range back; hr_sandbox_release gives it back if no container *id is
 * left (it was never made, or was deleted). */
int hr_sandbox_prepare(const struct hr_sandbox_opts *o, char **id, char **config, struct hr_error *err);
void hr_sandbox_release(const struct hr_sandbox_opts *o, const char *id);

/* Signal name ("TERM", "SIGTERM", "15", "RTMIN+1") to number, -1 if invalid. */
int hr_signal_parse(const char *s);

/* Foreground: forwards signals to pid, proxies the pty master (if >= 0)
 * until the process exits; returns its status as a shell would (128+N). */
int hr_wait_foreground(pid_t pid, int pidfd, int master, struct hr_error *err);
/* The same; after a terminating signal (TERM, INT, HUP, QUIT) is forwarded,
 * a process still there grace_ms later is killed (grace_ms < 0: never):
 * a container's init ignores signals it has no handler for. */
int hr_wait_foreground_grace(pid_t pid, int pidfd, int master, int grace_ms, struct hr_error *err);

#endif
