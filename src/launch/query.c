/* The facade's read-side and cgroup verbs (hardrun.h): state, list, ps,
 * pause, resume and the stats events samples, each a thin walk from the
 * container's state to its cgroup; and the few module calls the CLI makes
 * around the verbs (state root, self-exe protection, apparmor verb). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hardrun/hardrun.h"
#include "apparmor/apparmor.h"
#include "apparmor/default_profile.h"
#include "base/log.h"
#include "base/util.h"
#include "cgroup/cgroup.h"
#include "launch/selfexe.h"
#include "spec/spec.h"
#include "state/list.h"
#include "state/state.h"

int hr_lifecycle_state(const char *root, const char *id, char **json, struct hr_error *err)
{
	struct hr_container *c;

	if (hr_container_load(root, id, &c, err) < 0)
		return -1;
	*json = hr_container_state_json(c);
	hr_container_free(c);
	return 0;
}

struct list_call {
	hr_list_fn *fn;
	void *arg;
};

static const char *row_string(json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));
	return s ? s : "";
}

static int list_row(json_t *row, void *arg, struct hr_error *err)
{
	const struct list_call *call = arg;
	_cleanup_free_ char *text = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER);
	struct hr_list_entry e = {
		.id = row_string(row, "id"),
		.status = row_string(row, "status"),
		.bundle = row_string(row, "bundle"),
		.created = row_string(row, "created"),
		.owner = row_string(row, "owner"),
		.pid = (pid_t)json_integer_value(json_object_get(row, "pid")),
		.json = text,
	};

	if (!text)
		return hr_error_set(err, 0, "list: encoding the state of %s as JSON", e.id);
	return call->fn(&e, call->arg, err);
}

int hr_lifecycle_list(const char *root, hr_list_fn *fn, void *arg, struct hr_error *err)
{
	struct list_call call = { fn, arg };

	return hr_state_list(root, list_row, &call, err);
}

/* Loads (and locks) container id and opens its cgroup; fails with
 * "container X has no cgroup" when it has none. */
static int open_container_cgroup(const char *root, const char *id, struct hr_container **c, struct hr_cgroup **cg,
				 struct hr_error *err)
{
	*c = NULL;
	*cg = NULL;
	if (hr_container_load(root, id, c, err) < 0)
		return -1;
	if (!(*c)->st.cgroup_path) {
		hr_error_set(err, 0, "container %s has no cgroup", id);
		goto fail;
	}
	if (hr_container_open_cgroup(*c, cg, err) < 0)
		goto fail;
	return 0;
fail:
	hr_container_free(*c);
	*c = NULL;
	return -1;
}

int hr_lifecycle_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct hr_error *err)
{
	struct hr_container *c;
	struct hr_cgroup *cg;

	if (open_container_cgroup(root, id, &c, &cg, err) < 0)
		return -1;
	int rc = hr_cgroup_pids(cg, pids, n, err);
	hr_cgroup_free(cg);
	hr_container_free(c);
	return rc;
}

/* pause/resume: freeze or thaw the cgroup; `state` reads "paused" back
 * from cgroup.events. */
static int set_frozen(const char *root, const char *id, bool frozen, struct hr_error *err)
{
	struct hr_container *c;
	struct hr_cgroup *cg;
	int rc = -1;

	if (open_container_cgroup(root, id, &c, &cg, err) < 0)
		return -1;
	enum hr_status st = hr_container_status(c);
	if (frozen && st != HR_STATUS_RUNNING)
		hr_error_set(err, 0, "container %s is not running (status %s)", id, hr_status_name(st));
	else if (!frozen && st != HR_STATUS_PAUSED)
		hr_error_set(err, 0, "container %s is not paused (status %s)", id, hr_status_name(st));
	else
		rc = hr_cgroup_freeze(cg, frozen, err) < 0 ? -1 : 0;
	hr_cgroup_free(cg);
	hr_container_free(c);
	return rc;
}

int hr_lifecycle_pause(const char *root, const char *id, struct hr_error *err)
{
	return set_frozen(root, id, true, err);
}

int hr_lifecycle_resume(const char *root, const char *id, struct hr_error *err)
{
	return set_frozen(root, id, false, err);
}

int hr_lifecycle_stats(const char *root, const char *id, char **json, struct hr_error *err)
{
	struct hr_container *c;
	struct hr_cgroup *cg;
	int rc;

	*json = NULL;
	if (open_container_cgroup(root, id, &c, &cg, err) < 0)
		return -1;
	if (hr_container_status(c) == HR_STATUS_STOPPED)
		rc = 1;
	else
		rc = hr_cgroup_stats_json(cg, json, err) < 0 ? -1 : 0;
	hr_cgroup_free(cg);
	hr_container_free(c);
	return rc;
}

/* root: /run/hardrun; any other user its own runtime dir, as runc does */
const char *hr_default_root(void)
{
	static char user_root[4096];
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		return HR_DEFAULT_ROOT;
	if (xdg && *xdg)
		snprintf(user_root, sizeof(user_root), "%s/hardrun", xdg);
	else
		snprintf(user_root, sizeof(user_root), "/tmp/hardrun-%u", (unsigned)geteuid());
	return user_root;
}

int hr_root_check(const char *root, struct hr_error *err)
{
	return hr_state_root_check(root, err);
}

int hr_protect_self(char **argv, struct hr_error *err)
{
	return hr_selfexe_ensure_protected(argv, err);
}

void hr_protect_self_later(char **argv)
{
	hr_selfexe_remember_argv(argv);
}

bool hr_apparmor_available(void)
{
	return hr_apparmor_enabled();
}

int hr_apparmor_load(const char *profile_file, char **loaded, struct hr_error *err)
{
	char *path = profile_file ? strdup(profile_file) : hr_apparmor_default_profile_path();

	if (!path)
		return hr_error_set(err, ENOMEM, "apparmor: profile path");
	if (hr_apparmor_load_profile_file(path, err) < 0) {
		free(path);
		return -1;
	}
	*loaded = path;
	return 0;
}

int hr_log_open(const char *path, bool json, bool debug, struct hr_error *err)
{
	return hr_log_init(path, json ? HR_LOG_JSON : HR_LOG_TEXT, debug, err);
}

void hr_report_error(const struct hr_error *err)
{
	hr_log_error(err);
}
