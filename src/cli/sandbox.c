/* sandbox [OPTIONS] -- CMD [ARG...]: run an untrusted program in the
 * hardened config, no config.json to write, removed when it exits. Names as
 * bwrap and podman users expect them. */
#include <stdlib.h>

#include "cli.h"
#include "hardrun/hardrun.h"
#include "hardrun/profile_learn.h"

enum {
	SB_ROOTFS, SB_HOST, SB_BIND_CWD, SB_BIND, SB_TMPFS, SB_MEMORY, SB_CPUS, SB_PIDS, SB_CAP_ADD,
	SB_SECCOMP, SB_APPARMOR, SB_USER, SB_ENV, SB_WORKDIR, SB_HOSTNAME, SB_READ_WRITE, SB_DRY_RUN,
	SB_LEARN, SB_CHECK,
};
static const struct cli_option options[] = {
	[SB_ROOTFS] = { "rootfs", 0, CLI_VALUE, "DIR", NULL, "the root filesystem, used in place (idmapped, never chowned)" },
	[SB_HOST] = { "host", 0, CLI_FLAG, NULL, NULL, "the host's own / read-only as the root, a private /tmp" },
	[SB_BIND_CWD] = { "bind-cwd", 0, CLI_FLAG, NULL, NULL, "bind the current directory read-write at its path; the workdir" },
	[SB_BIND] = { "bind", 0, CLI_LIST, "SRC:DST[:ro]", NULL, "bind mount SRC at DST (repeatable)" },
	[SB_TMPFS] = { "tmpfs", 0, CLI_LIST, "DST", NULL, "a private tmpfs at DST (repeatable)" },
	[SB_MEMORY] = { "memory", 'm', CLI_VALUE, "SIZE", NULL, "memory limit (256M); refused where it cannot be enforced" },
	[SB_CPUS] = { "cpus", 0, CLI_VALUE, "N", NULL, "CPU limit (0.5); refused where it cannot be enforced" },
	[SB_PIDS] = { "pids", 0, CLI_VALUE, "N", NULL, "process limit; refused where it cannot be enforced" },
	[SB_CAP_ADD] = { "cap-add", 0, CLI_LIST, "CAP", NULL, "add a capability (none by default; repeatable)" },
	[SB_SECCOMP] = { "seccomp", 0, CLI_VALUE, "FILE|default", NULL, "seccomp profile (default: hardrun's)" },
	[SB_APPARMOR] = { "apparmor", 0, CLI_VALUE, "PROFILE", NULL, "AppArmor profile (default: hardrun-default where enabled)" },
	[SB_USER] = { "user", 'u', CLI_VALUE, "UID[:GID]", NULL, "run as this user (default 0, an unprivileged host id)" },
	[SB_ENV] = { "env", 'e', CLI_LIST, "K=V", NULL, "set an environment variable (repeatable)" },
	[SB_WORKDIR] = { "workdir", 'w', CLI_VALUE, "DIR", NULL, "working directory in the sandbox" },
	[SB_HOSTNAME] = { "hostname", 0, CLI_VALUE, "NAME", NULL, "hostname (default sandbox)" },
	[SB_READ_WRITE] = { "read-write", 0, CLI_FLAG, NULL, NULL, "a writable rootfs (default read-only)" },
	[SB_DRY_RUN] = { "dry-run", 0, CLI_FLAG, NULL, NULL, "print the config it would run and exit" },
	[SB_LEARN] = { "learn", 0, CLI_VALUE, "FILE", NULL,
		       "record every syscall and write the seccomp profile CMD needs to FILE (as `profile learn`)" },
	[SB_CHECK] = { "check", 0, CLI_VALUE, "PROFILE", NULL,
		       "run CMD under PROFILE in complain mode: report what it would deny (as `profile check`)" },
	{ NULL },
};

/* --learn / --check: the sandbox's config run by `profile learn` or
 * `profile check` instead of run as is (its seccomp filter is what they
 * replace). Statuses as theirs: learn, CMD's; check, 1 when the profile
 * would deny something. */
static int profile_run(struct hr_global *g, const struct hr_sandbox_opts *o, const char *learn, const char *check,
		       struct hr_error *err)
{
	char *config = NULL, *id = NULL;
	int status = -1;

	if (learn && check)
		return hr_error_set(err, 0, "sandbox: --learn and --check are separate runs; give one");
	if (o->seccomp && !check)
		return hr_error_set(err, 0, "sandbox: --seccomp with --learn: learn replaces the filter; "
					    "extend a profile with `profile learn --merge`");
	if (hr_sandbox_prepare(o, &id, &config, err) < 0)
		return -1;
	if (check)
		status = hr_profile_check(&(struct hr_check_opts){ .root = g->root, .policy = g->policy, .bundle = "/",
								   .config_text = config, .id = id, .profile = check,
								   .enforce_after = -1 },
					  err);
	else if (hr_profile_learn(&(struct hr_learn_opts){ .root = g->root, .policy = g->policy, .bundle = "/",
							   .config_text = config, .id = id, .output = learn },
				  &status, err) < 0)
		status = -1;
	hr_sandbox_release(o, id);
	free(config);
	free(id);
	return status;
}

static int cmd_sandbox(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	struct hr_sandbox_opts o = {
		.root = g->root, .policy = g->policy, .rootfs = a->value[SB_ROOTFS], .host = a->set[SB_HOST],
		.bind_cwd = a->set[SB_BIND_CWD], .binds = a->list[SB_BIND], .tmpfs = a->list[SB_TMPFS],
		.memory = a->value[SB_MEMORY], .cpus = a->value[SB_CPUS], .pids = a->value[SB_PIDS],
		.cap_add = a->list[SB_CAP_ADD], .seccomp = a->value[SB_SECCOMP], .apparmor = a->value[SB_APPARMOR],
		.user = a->value[SB_USER], .env = a->list[SB_ENV], .workdir = a->value[SB_WORKDIR],
		.hostname = a->value[SB_HOSTNAME], .read_write = a->set[SB_READ_WRITE], .args = a->argv,
	};

	if (a->value[SB_LEARN] || a->value[SB_CHECK])
		return profile_run(g, &o, a->value[SB_LEARN], a->value[SB_CHECK], err);
	return hr_sandbox_run(&o, a->set[SB_DRY_RUN], err);
}

const struct cli_verb cli_verb_sandbox = {
	.name = "sandbox",
	.fn = cmd_sandbox,
	.summary = "run a program in a hardened throw-away container",
	.usage = "[OPTIONS] -- CMD [ARG...]",
	.description = "Runs CMD from --rootfs DIR (or the host's own root, read-only, with --host)\n"
		       "with `hardrun spec`'s hardening and no config.json to write: a user namespace\n"
		       "(as root: host ids of its own from the id pool, given back at exit),\n"
		       "no capabilities, no_new_privs, read-only root, seccomp, AppArmor where enabled,\n"
		       "limits where the cgroup offers them, its own network. The container is removed\n"
		       "when CMD exits, and hardrun exits with CMD's status.",
	.options = options,
	.order = CLI_OPTIONS_FIRST,
	.min_args = 1,
	.max_args = -1,
	.args_error = "expected a command to run (-- CMD [ARG...])",
	.fail_status = 125,
};
