/* load the temporary profile (complain mode) -> run the bundle with
 * process.apparmorProfile set to it (this run only: the config is given as
 * text) -> read the audit records while it runs -> a marker record to know
 * every record of the run has arrived -> unload. The profile is leased
 * (state/lsm_lease.h) before it is loaded, so a SIGKILL leaves nothing that
 * the next learn, check or delete does not unload. Terminating signals are
 * held from the start, so one that arrives before the workload runs is
 * forwarded to it rather than killing us with the profile loaded. */
#include "profile/aa_run.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apparmor/apparmor.h"
#include "base/util.h"
#include "profile/supervised_run.h"
#include "state/lsm_lease.h"

#define READ_TICK_MS 50
#define DRAIN_TIMEOUT_MS 3000

struct reader {
	struct hr_aa_run *r;
	int fd;
	char marker[96];
	bool marker_seen;
};

int hr_aa_require_enabled(const char *what, struct hr_error *err)
{
	_cleanup_free_ char *on = NULL;
	struct hr_error ignored = { 0 };

	if (hr_read_file_at(AT_FDCWD, HR_AA_ENABLED_FILE, &on, NULL, &ignored) < 0 || on[0] != 'Y')
		return hr_error_set(err, 0, "%s: AppArmor is not enabled on this host (%s)", what, HR_AA_ENABLED_FILE);
	return 0;
}

bool hr_aa_run_complete(const struct hr_aa_run *r)
{
	return r->drained && r->lost == 0 && r->kernel_lost <= 0;
}

bool hr_aa_name_ok(const char *name)
{
	if (!name || !*name || strlen(name) > 200)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '.' || *c == '_' || *c == '-'))
			return false;
	return name[0] != '.' && name[0] != '-';
}

static void on_audit(void *ud, int type, const char *text)
{
	struct reader *rd = ud;
	struct hr_aa_record rec;

	if (type == HR_AUDIT_USER_AVC && strstr(text, rd->marker))
		rd->marker_seen = true;
	if (type != HR_AUDIT_AVC || hr_aa_record_parse(text, &rec) < 0)
		return;
	if (hr_aa_record_is_of(&rec, rd->r->label)) {
		rd->r->records++;
		rd->r->on_record(rd->r->ud, &rec);
	}
	hr_aa_record_clear(&rec);
}

static void tick(void *ud)
{
	struct reader *rd = ud;
	struct hr_error ignored = { 0 };

	hr_aa_audit_read(rd->fd, 0, on_audit, rd, &rd->r->lost, &ignored);
	if (rd->r->on_tick)
		rd->r->on_tick(rd->r->ud);
}

/* The marker goes through the kernel's audit queue behind every record of
 * the run; without it (no CAP_AUDIT_WRITE), a quiet spell has to do. */
static void drain(struct reader *rd)
{
	struct hr_error err = { 0 };
	bool marked = hr_aa_audit_send_marker(rd->marker, &err) == 0;
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int n = hr_aa_audit_read(rd->fd, marked ? 100 : 300, on_audit, rd, &rd->r->lost, &err);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (rd->marker_seen || n < 0 || (!marked && n == 0))
			break;
		if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 > DRAIN_TIMEOUT_MS)
			break;
	}
	rd->r->drained = rd->marker_seen;
}

/* The config (BUNDLE/config.json or the given text) with
 * process.apparmorProfile = label. */
static char *config_text(const char *bundle, const char *given, const char *label, struct hr_error *err)
{
	_cleanup_free_ char *path = given ? xstrdup("the given config") : xasprintf("%s/config.json", bundle);
	json_error_t jerr;
	json_t *cfg = given ? json_loads(given, 0, &jerr) : json_load_file(path, 0, &jerr), *process;
	char *text;

	if (!cfg) {
		hr_error_set(err, 0, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	process = json_object_get(cfg, "process");
	if (!json_is_object(process)) {
		json_decref(cfg);
		hr_error_set(err, 0, "%s: no process object", path);
		return NULL;
	}
	json_object_set_new(process, "apparmorProfile", json_string(label));
	text = json_dumps(cfg, JSON_PRESERVE_ORDER);
	json_decref(cfg);
	return text;
}

static int load_temporary(const struct hr_aa_run *r, struct hr_error *err)
{
	char path[] = "/tmp/hardrun-apparmor-XXXXXX";
	int fd = mkstemp(path), rc;

	if (fd < 0)
		return hr_error_set(err, errno, "a temporary file for the AppArmor profile");
	close(fd);
	rc = hr_write_file_atomic_at(AT_FDCWD, path, r->profile_text, strlen(r->profile_text), err);
	if (rc == 0)
		rc = hr_apparmor_load_complain(path, err);
	unlink(path);
	return rc;
}

static int run_loaded(struct hr_aa_run *r, struct reader *rd, const char *text, int *status, struct hr_error *err)
{
	struct hr_supervised_run run = {
		.root = r->root, .policy = r->policy, .bundle = r->bundle, .id = r->id, .config_text = text,
		.tick = tick, .tick_ud = rd, .tick_ms = READ_TICK_MS,
	};
	struct timespec now;
	unsigned lost0 = 0, lost1 = 0;
	struct hr_error ignored = { 0 };
	bool counted = hr_aa_audit_lost(&lost0, &ignored) == 0;

	clock_gettime(CLOCK_REALTIME, &now);
	/* hr_aa_record's time_ms is the same clock */
	r->start_ms = (unsigned long long)now.tv_sec * 1000 + (unsigned long long)now.tv_nsec / 1000000;
	if (hr_supervised_run(&run, status, err) < 0)
		return -1;
	drain(rd);
	/* the kernel's own losses (backlog full) never reach the socket */
	counted = counted && hr_aa_audit_lost(&lost1, &ignored) == 0;
	r->kernel_lost = counted ? (long)(lost1 - lost0) : -1;
	return 0;
}

int hr_aa_run(struct hr_aa_run *r, int *status, struct hr_error *err)
{
	struct reader rd = { .r = r, .fd = -1 };
	_cleanup_free_ char *text = NULL;
	struct hr_error unload = { 0 };
	sigset_t term;
	int rc;

	*status = -1;
	if (hr_aa_require_enabled("profile --apparmor", err) < 0)
		return -1;
	/* temporary profiles of earlier runs that were killed */
	hr_lsm_leases_sweep(r->root);
	text = config_text(r->bundle, r->config_text, r->label, err);
	if (!text)
		return -1;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigaddset(&term, SIGHUP);
	sigaddset(&term, SIGQUIT);
	sigprocmask(SIG_BLOCK, &term, NULL);
	snprintf(rd.marker, sizeof(rd.marker), "hardrun-marker=%s", r->label);
	rd.fd = hr_aa_audit_open(err);
	if (rd.fd < 0)
		return -1;
	/* recorded first: if we are killed, learn, check or delete unload it */
	rc = hr_lsm_lease_take(r->root, r->label, err);
	if (rc == 0 && load_temporary(r, err) < 0) {
		hr_lsm_lease_drop(r->root, r->label);
		rc = -1;
	} else if (rc == 0) {
		rc = run_loaded(r, &rd, text, status, err);
		if (hr_apparmor_remove_profile(r->label, &unload) == 0)
			hr_lsm_lease_drop(r->root, r->label);
		else if (rc == 0)
			rc = hr_error_set(err, 0, "%s", unload.msg);
	}
	close(rd.fd);
	return rc;
}
