/* systemd driver: a container's scope from creation to removal.
 *
 * create: systemd wants a process to put in a scope, and the container
 * process must be cloned straight into its final cgroup (CLONE_INTO_CGROUP,
 * so its cgroup namespace is rooted there). So a placeholder process is
 * forked first, the scope is started with it (StartTransientUnit, PIDs =
 * [placeholder], Delegate=yes, the resources as properties), the scope's
 * cgroup is opened and the files written, and the placeholder is killed once
 * the container process is in the scope (hr_systemd_release_placeholder). */
#include "cgroup/systemd.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "cgroup/systemd_bus.h"

#define SCOPE_IFACE "org.freedesktop.systemd1.Scope"
#define UNIT_IFACE "org.freedesktop.systemd1.Unit"
#define GONE_TIMEOUT_MS 10000

int hr_systemd_plan_path(const struct hr_systemd_unit *u, char **out, struct hr_error *err)
{
	_cleanup_bus_ sd_bus *bus = NULL;
	_cleanup_free_ char *manager = NULL;

	/* the system manager's scopes are below the root of our cgroup2 view */
	if (!u->user)
		return hr_systemd_unit_cgroup(u, "/", out, err);
	if (hr_sd_bus_open(true, &bus, err) < 0 || hr_sd_manager_cgroup(bus, &manager, err) < 0)
		return -1;
	return hr_systemd_unit_cgroup(u, manager, out, err);
}

bool hr_systemd_want_user(void)
{
	_cleanup_free_ char *map = NULL;
	unsigned long inside, outside, count;
	struct hr_error ignored;

	if (geteuid() != 0)
		return true;
	if (hr_read_file_at(AT_FDCWD, "/proc/self/uid_map", &map, NULL, &ignored) < 0)
		return false;
	/* the initial user namespace maps all of 0..2^32-2 onto itself */
	return !(sscanf(map, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 && outside == 0 &&
		 count == 4294967295UL);
}

bool hr_systemd_available(bool user)
{
	_cleanup_bus_ sd_bus *bus = NULL;
	struct hr_error ignored;

	return hr_sd_bus_open(user, &bus, &ignored) == 0;
}

/* ---- the placeholder -------------------------------------------------------------- */

static pid_t start_placeholder(struct hr_error *err)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0)
		return hr_error_set(err, errno, "systemd: fork the scope's placeholder process");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		close_range(3, ~0U, 0);
		for (;;)
			pause();
	}
	return pid;
}

void hr_systemd_release_placeholder(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* ---- create ------------------------------------------------------------------------- */

static void push(struct hr_sd_props *p, struct hr_sd_prop q)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n++] = q;
}

static void add_base_props(struct hr_sd_props *p, const struct hr_systemd_unit *u, pid_t pid)
{
	static const char *const accounting[] = { "MemoryAccounting", "CPUAccounting", "IOAccounting",
						  "TasksAccounting" };
	uint32_t *pids = xmalloc(sizeof(*pids));

	pids[0] = (uint32_t)pid;
	push(p, (struct hr_sd_prop){ .name = "Description", .type = HR_SD_STR,
				     .str = xasprintf("hardrun container %s", u->unit) });
	push(p, (struct hr_sd_prop){ .name = "Slice", .type = HR_SD_STR, .str = xstrdup(u->slice) });
	push(p, (struct hr_sd_prop){ .name = "Delegate", .type = HR_SD_BOOL, .u64 = 1 });
	/* as runc: no shutdown ordering of its own */
	push(p, (struct hr_sd_prop){ .name = "DefaultDependencies", .type = HR_SD_BOOL, .u64 = 0 });
	for (size_t i = 0; i < HR_ARRAY_SIZE(accounting); i++)
		push(p, (struct hr_sd_prop){ .name = accounting[i], .type = HR_SD_BOOL, .u64 = 1 });
	push(p, (struct hr_sd_prop){ .name = "PIDs", .type = HR_SD_PIDS, .pids = pids, .n_pids = 1 });
}

/* StartTransientUnit; a unit of that name left failed by an earlier
 * container is reset once and the start tried again. */
static int start_scope(sd_bus *bus, const char *unit, const struct hr_sd_props *props, struct hr_error *err)
{
	for (int attempt = 0;; attempt++) {
		__attribute__((cleanup(sd_bus_error_free))) sd_bus_error e = SD_BUS_ERROR_NULL;
		if (hr_sd_start_transient(bus, unit, props, &e, err) == 0)
			return 0;
		if (attempt || !sd_bus_error_has_name(&e, "org.freedesktop.systemd1.UnitExists"))
			return -1;
		struct hr_error ignored;
		hr_sd_unit_call(bus, "ResetFailedUnit", unit, &ignored);
	}
}

static int check_scope_cgroup(sd_bus *bus, const char *unit, const char *planned, struct hr_error *err)
{
	_cleanup_free_ char *cg = NULL;

	if (hr_sd_unit_string(bus, unit, SCOPE_IFACE, "ControlGroup", &cg, err) < 0)
		return hr_error_wrap(err, "systemd: scope %s", unit);
	if (cg[0] != '/' || strcmp(cg + 1, planned) != 0)
		return hr_error_set(err, 0, "systemd: scope %s has cgroup \"%s\", not the recorded \"/%s\"", unit, cg,
				    planned);
	return 0;
}

static char *read_proc_devices(void)
{
	char *text = NULL;
	size_t len;
	struct hr_error ignored;

	if (hr_read_file_at(AT_FDCWD, "/proc/devices", &text, &len, &ignored) < 0)
		return NULL;
	return text;
}

int hr_systemd_create(const struct hr_systemd_unit *u, const char *planned, const struct hr_resources *res,
		      struct hr_cgroup **out, pid_t *placeholder, struct hr_error *err)
{
	_cleanup_bus_ sd_bus *bus = NULL;
	_cleanup_free_ char *devices = read_proc_devices();
	struct hr_sd_props props = { 0 };
	struct hr_cgroup *cg = NULL;
	static const struct hr_resources none;
	pid_t pid = -1;
	bool started = false;

	*placeholder = -1;
	if (!res)
		res = &none;
	if (hr_sd_bus_open(u->user, &bus, err) < 0 || hr_systemd_resource_props(res, devices, 0, &props, err) < 0)
		return -1;
	if ((pid = start_placeholder(err)) < 0)
		goto fail;
	add_base_props(&props, u, pid);
	if (start_scope(bus, u->unit, &props, err) < 0)
		goto fail;
	started = true;
	if (check_scope_cgroup(bus, u->unit, planned, err) < 0 || hr_cgroup_open(planned, &cg, err) < 0)
		goto fail;
	/* what systemd has no property for, the exact values, and hardrun's
	 * own device program */
	if (hr_cgroup_apply_resources(cg, res, 0, err) < 0)
		goto fail;
	hr_sd_props_clear(&props);
	*out = cg;
	*placeholder = pid;
	return 0;
fail:
	hr_sd_props_clear(&props);
	hr_cgroup_free(cg);
	hr_systemd_release_placeholder(pid);
	if (started) {
		struct hr_error ignored;
		if (hr_systemd_stop(u->unit, u->user, &ignored) < 0)
			hr_log_warnf("systemd: removing %s after a failed create: %s", u->unit, ignored.msg);
	}
	return -1;
}

/* ---- update, stop ------------------------------------------------------------------------ */

int hr_systemd_update(const char *unit, bool user, struct hr_cgroup *cg, const struct hr_resources *res,
		      struct hr_error *err)
{
	_cleanup_bus_ sd_bus *bus = NULL;
	struct hr_sd_props props = { 0 };
	int rc;

	if (hr_sd_bus_open(user, &bus, err) < 0 ||
	    hr_systemd_resource_props(res, NULL, HR_SD_SKIP_DEVICES, &props, err) < 0)
		return -1;
	rc = hr_sd_set_properties(bus, unit, &props, err);
	hr_sd_props_clear(&props);
	if (rc < 0)
		return -1;
	return hr_cgroup_apply_resources(cg, res, HR_CGROUP_SKIP_DEVICES, err);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_gone(sd_bus *bus, const char *unit, struct hr_error *err)
{
	long long deadline = now_ms() + GONE_TIMEOUT_MS;

	for (;;) {
		_cleanup_free_ char *path = NULL, *state = NULL;
		if (hr_sd_unit_path(bus, unit, &path, err) < 0)
			return -1;
		if (!path)
			return 0;
		if (now_ms() > deadline) {
			struct hr_error ignored;
			hr_sd_unit_string(bus, unit, UNIT_IFACE, "ActiveState", &state, &ignored);
			return hr_error_set(err, 0, "systemd: unit %s is still loaded (%s) %d s after it was stopped",
					    unit, state ? state : "state unknown", GONE_TIMEOUT_MS / 1000);
		}
		usleep(20 * 1000);
	}
}

int hr_systemd_stop(const char *unit, bool user, struct hr_error *err)
{
	_cleanup_bus_ sd_bus *bus = NULL;
	__attribute__((cleanup(sd_bus_message_unrefp))) sd_bus_message *m = NULL;
	__attribute__((cleanup(sd_bus_error_free))) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *path = NULL, *what = xasprintf("stop %s", unit);

	if (hr_sd_bus_open(user, &bus, err) < 0 || hr_sd_unit_path(bus, unit, &path, err) < 0)
		return -1;
	if (!path)
		return 0;
	if (hr_sd_new_call(bus, &m, "StopUnit", err) < 0)
		return -1;
	if (sd_bus_message_append(m, "ss", unit, "replace") < 0)
		return hr_error_set(err, 0, "systemd: %s: building the call", what);
	if (hr_sd_call_job(bus, m, what, err, &e) < 0 &&
	    !sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit")) {
		/* a job that ended other than "done" still stopped the unit */
		if (sd_bus_error_is_set(&e))
			return -1;
		hr_log_debugf("%s", err->msg);
	}
	hr_error_clear(err);
	if (hr_sd_unit_call(bus, "ResetFailedUnit", unit, err) < 0)
		return -1;
	return wait_gone(bus, unit, err);
}

int hr_systemd_unit_u64(const char *unit, bool user, const char *iface, const char *prop, uint64_t *out,
			struct hr_error *err)
{
	_cleanup_bus_ sd_bus *bus = NULL;

	if (hr_sd_bus_open(user, &bus, err) < 0)
		return -1;
	return hr_sd_unit_u64(bus, unit, iface, prop, out, err);
}
