/* systemd driver: the D-Bus side (libsystemd's sd-bus). Connecting to the
 * manager, starting a transient unit and waiting for its job, setting
 * properties, stopping and reading back. */
#include "cgroup/systemd_bus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define PRIVATE_SOCKET "unix:path=/run/systemd/private"
#define JOB_TIMEOUT_USEC (30ULL * 1000000ULL)

void hr_sd_bus_closep(sd_bus **bus)
{
	if (*bus)
		sd_bus_flush_close_unref(*bus);
}

static int bus_fail(struct hr_error *err, int r, const sd_bus_error *e, const char *what)
{
	if (e && sd_bus_error_is_set(e))
		return hr_error_set(err, 0, "systemd: %s: %s (%s)", what, e->message ? e->message : "", e->name);
	return hr_error_set(err, -r, "systemd: %s", what);
}

/* Root without a system bus daemon: systemd's own socket (still systemd, and
 * the error names both when neither answers). */
static int open_private(sd_bus **out)
{
	sd_bus *bus = NULL;
	int r = sd_bus_new(&bus);

	if (r >= 0)
		r = sd_bus_set_address(bus, PRIVATE_SOCKET);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0) {
		sd_bus_unref(bus);
		return r;
	}
	*out = bus;
	return 0;
}

int hr_sd_bus_open(bool user, sd_bus **out, struct hr_error *err)
{
	int r;

	if (hr_sd_lib_load(err) < 0)
		return -1;
	if (user) {
		r = sd_bus_open_user(out);
		if (r < 0)
			return hr_error_set(err, -r, "systemd cgroup driver: cannot connect to the user's systemd "
					    "instance over the session D-Bus (DBUS_SESSION_BUS_ADDRESS or "
					    "$XDG_RUNTIME_DIR/bus; is `systemd --user` running for this user?)");
		return 0;
	}
	if (sd_booted() <= 0)
		return hr_error_set(err, 0, "systemd cgroup driver: systemd is not the init system here "
				    "(no /run/systemd/system); run without --systemd-cgroup");
	r = sd_bus_open_system(out);
	if (r < 0 && geteuid() == 0 && open_private(out) == 0)
		return 0;
	if (r < 0)
		return hr_error_set(err, -r, "systemd cgroup driver: cannot connect to systemd over the system "
				    "D-Bus (/run/dbus/system_bus_socket) or /run/systemd/private");
	return 0;
}

/* ---- properties into a message ----------------------------------------------- */

static int append_pairs(sd_bus_message *m, const struct hr_sd_prop *p)
{
	bool st = p->type == HR_SD_PATH_U64;
	int r = sd_bus_message_open_container(m, 'v', st ? "a(st)" : "a(ss)");

	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', st ? "(st)" : "(ss)");
	for (size_t i = 0; r >= 0 && i < p->n_pairs; i++)
		r = st ? sd_bus_message_append(m, "(st)", p->pairs[i].path, p->pairs[i].value)
		       : sd_bus_message_append(m, "(ss)", p->pairs[i].path, p->pairs[i].access);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

static int append_prop(sd_bus_message *m, const struct hr_sd_prop *p)
{
	int r;

	switch (p->type) {
	case HR_SD_U64: return sd_bus_message_append(m, "(sv)", p->name, "t", p->u64);
	case HR_SD_BOOL: return sd_bus_message_append(m, "(sv)", p->name, "b", (int)(p->u64 != 0));
	case HR_SD_STR: return sd_bus_message_append(m, "(sv)", p->name, "s", p->str);
	default: break;
	}
	r = sd_bus_message_open_container(m, 'r', "sv");
	if (r >= 0)
		r = sd_bus_message_append(m, "s", p->name);
	if (r < 0)
		return r;
	switch (p->type) {
	case HR_SD_BYTES:
		r = sd_bus_message_open_container(m, 'v', "ay");
		if (r >= 0)
			r = sd_bus_message_append_array(m, 'y', p->bytes, p->n_bytes);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		break;
	case HR_SD_PIDS:
		r = sd_bus_message_open_container(m, 'v', "au");
		if (r >= 0)
			r = sd_bus_message_append_array(m, 'u', p->pids, p->n_pids * sizeof(*p->pids));
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		break;
	default:
		r = append_pairs(m, p);
		break;
	}
	return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_props(sd_bus_message *m, const struct hr_sd_props *props)
{
	int r = sd_bus_message_open_container(m, 'a', "(sv)");

	for (size_t i = 0; r >= 0 && i < props->n; i++)
		r = append_prop(m, &props->v[i]);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

/* ---- jobs ------------------------------------------------------------------------ */

struct job_wait {
	char *path;      /* the job object we wait for */
	char *result;    /* "done", "failed", "timeout", ... once removed */
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct job_wait *w = userdata;
	uint32_t id;
	const char *path, *unit, *result;

	(void)ret_error;
	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->path && !w->result && strcmp(path, w->path) == 0)
		w->result = xstrdup(result);
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static int wait_job(sd_bus *bus, struct job_wait *w, const char *what, struct hr_error *err)
{
	uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC;

	while (!w->result) {
		int r = sd_bus_process(bus, NULL);
		if (r < 0)
			return hr_error_set(err, -r, "systemd: %s: waiting for job %s", what, w->path);
		if (r > 0)
			continue;
		uint64_t now = now_usec();
		if (now >= deadline)
			return hr_error_set(err, 0, "systemd: %s: job %s did not finish in %llu s", what, w->path,
					    JOB_TIMEOUT_USEC / 1000000ULL);
		r = sd_bus_wait(bus, deadline - now);
		if (r < 0)
			return hr_error_set(err, -r, "systemd: %s: waiting for job %s", what, w->path);
	}
	if (strcmp(w->result, "done") != 0)
		return hr_error_set(err, 0, "systemd: %s: job %s ended \"%s\" (journalctl for the unit has more)",
				    what, w->path, w->result);
	return 0;
}

/* Sends a manager call that returns a job ("o") and waits for that job. The
 * signal is subscribed first so the job cannot end unseen. */
int hr_sd_call_job(sd_bus *bus, sd_bus_message *m, const char *what, struct hr_error *err,
		   sd_bus_error *call_error)
{
	__attribute__((cleanup(sd_bus_slot_unrefp))) sd_bus_slot *slot = NULL;
	__attribute__((cleanup(sd_bus_message_unrefp))) sd_bus_message *reply = NULL;
	struct job_wait w = { 0 };
	const char *job;
	int r, rc;

	r = sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, &w);
	if (r < 0)
		return bus_fail(err, r, NULL, "subscribe to JobRemoved");
	/* systemd sends job signals only to subscribers; already subscribed
	 * is fine */
	sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, "");
	r = sd_bus_call(bus, m, 0, call_error, &reply);
	if (r < 0)
		return bus_fail(err, r, call_error, what);
	if ((r = sd_bus_message_read(reply, "o", &job)) < 0)
		return bus_fail(err, r, NULL, what);
	w.path = xstrdup(job);
	rc = wait_job(bus, &w, what, err);
	free(w.path);
	free(w.result);
	return rc;
}

int hr_sd_new_call(sd_bus *bus, sd_bus_message **m, const char *method, struct hr_error *err)
{
	int r = sd_bus_message_new_method_call(bus, m, SD_DEST, SD_PATH, SD_MANAGER, method);
	return r < 0 ? bus_fail(err, r, NULL, method) : 0;
}

int hr_sd_start_transient(sd_bus *bus, const char *unit, const struct hr_sd_props *props, sd_bus_error *call_error,
			  struct hr_error *err)
{
	__attribute__((cleanup(sd_bus_message_unrefp))) sd_bus_message *m = NULL;
	_cleanup_free_ char *what = xasprintf("start transient unit %s", unit);
	int r;

	if (hr_sd_new_call(bus, &m, "StartTransientUnit", err) < 0)
		return -1;
	r = sd_bus_message_append(m, "ss", unit, "fail");
	if (r >= 0)
		r = append_props(m, props);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0)
		return bus_fail(err, r, NULL, what);
	return hr_sd_call_job(bus, m, what, err, call_error);
}

int hr_sd_set_properties(sd_bus *bus, const char *unit, const struct hr_sd_props *props, struct hr_error *err)
{
	__attribute__((cleanup(sd_bus_message_unrefp))) sd_bus_message *m = NULL;
	__attribute__((cleanup(sd_bus_error_free))) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *what = xasprintf("set properties of %s", unit);
	int r;

	if (hr_sd_new_call(bus, &m, "SetUnitProperties", err) < 0)
		return -1;
	r = sd_bus_message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = append_props(m, props);
	if (r >= 0)
		r = sd_bus_call(bus, m, 0, &e, NULL);
	return r < 0 ? bus_fail(err, r, &e, what) : 0;
}

/* ---- units ------------------------------------------------------------------------ */

/* The unit's object path; 0 with *path NULL when systemd does not know it. */
int hr_sd_unit_path(sd_bus *bus, const char *unit, char **path, struct hr_error *err)
{
	__attribute__((cleanup(sd_bus_message_unrefp))) sd_bus_message *reply = NULL;
	__attribute__((cleanup(sd_bus_error_free))) sd_bus_error e = SD_BUS_ERROR_NULL;
	const char *p;
	int r;

	*path = NULL;
	r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &e, &reply, "s", unit);
	if (r < 0 && sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
		return 0;
	if (r < 0 || (r = sd_bus_message_read(reply, "o", &p)) < 0)
		return bus_fail(err, r, &e, "GetUnit");
	*path = xstrdup(p);
	return 0;
}

/* The object path of a unit systemd must know: a named error if it does not. */
static int known_unit_path(sd_bus *bus, const char *unit, char **path, struct hr_error *err)
{
	if (hr_sd_unit_path(bus, unit, path, err) < 0)
		return -1;
	if (!*path)
		return hr_error_set(err, 0, "systemd: no unit %s", unit);
	return 0;
}

int hr_sd_unit_string(sd_bus *bus, const char *unit, const char *iface, const char *prop, char **out,
		      struct hr_error *err)
{
	__attribute__((cleanup(sd_bus_error_free))) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *path = NULL;
	int r;

	if (known_unit_path(bus, unit, &path, err) < 0)
		return -1;
	r = sd_bus_get_property_string(bus, SD_DEST, path, iface, prop, &e, out);
	return r < 0 ? bus_fail(err, r, &e, prop) : 0;
}

int hr_sd_unit_u64(sd_bus *bus, const char *unit, const char *iface, const char *prop, uint64_t *out,
		   struct hr_error *err)
{
	__attribute__((cleanup(sd_bus_error_free))) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *path = NULL;
	int r;

	if (known_unit_path(bus, unit, &path, err) < 0)
		return -1;
	r = sd_bus_get_property_trivial(bus, SD_DEST, path, iface, prop, &e, 't', out);
	return r < 0 ? bus_fail(err, r, &e, prop) : 0;
}

/* The manager's own cgroup ("/" for the system manager,
 * "/user.slice/user-1000.slice/user@1000.service" for a user's). */
int hr_sd_manager_cgroup(sd_bus *bus, char **out, struct hr_error *err)
{
	__attribute__((cleanup(sd_bus_error_free))) sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sd_bus_get_property_string(bus, SD_DEST, SD_PATH, SD_MANAGER, "ControlGroup", &e, out);

	if (r < 0)
		return bus_fail(err, r, &e, "the manager's ControlGroup");
	return 0;
}

/* Simple manager calls on a unit name; NoSuchUnit counts as done. */
int hr_sd_unit_call(sd_bus *bus, const char *method, const char *unit, struct hr_error *err)
{
	__attribute__((cleanup(sd_bus_error_free))) sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, method, &e, NULL, "s", unit);

	if (r < 0 && (sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit") ||
		      sd_bus_error_has_name(&e, "org.freedesktop.systemd1.LoadFailed")))
		return 0;
	if (r < 0) {
		_cleanup_free_ char *what = xasprintf("%s %s", method, unit);
		return bus_fail(err, r, &e, what);
	}
	return 0;
}
