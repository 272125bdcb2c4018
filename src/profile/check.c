/* `profile check`: complain mode. The kernel has none for seccomp; the
 * complain filter (check_filter.c) sends what the profile would deny to the
 * supervisor, which asks the profile's real program (hr_seccomp_eval) what
 * enforcement would have answered, lets the call through and counts it.
 * With --enforce-after N, the calls after the first N denials get that
 * answer for real: errno as an error return, kill as SIGKILL, trap as
 * SIGSYS (without the kernel's siginfo). */
#include "profile/check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "profile/aa_learn.h"
#include "profile/check_internal.h"
#include "profile/supervised_run.h"
#include "seccomp/eval.h"
#include "spec/spec.h"

struct check {
	const struct hr_check_opts *o;
	struct hr_seccomp_program enforcing;
	struct hr_recording *rec;
	atomic_llong denied;
	atomic_bool enforced;
	int supervisor_failed;
};

static void enforce(const struct hr_seccomp_verdict *v, const struct seccomp_notif *n,
		    struct seccomp_notif_resp *resp)
{
	resp->flags = 0;
	resp->val = 0;
	resp->error = -ENOSYS;
	switch (v->action) {
	case SECCOMP_RET_ERRNO: resp->error = -(int)v->data; break;
	case SECCOMP_RET_KILL_PROCESS:
	case SECCOMP_RET_KILL_THREAD: kill((pid_t)n->pid, SIGKILL); break;
	case SECCOMP_RET_TRAP: kill((pid_t)n->pid, SIGSYS); break;
	default: break; /* TRACE without a tracer, USER_NOTIF without an agent: ENOSYS */
	}
}

static void decide(void *ud, const struct seccomp_notif *n, struct seccomp_notif_resp *resp)
{
	struct check *c = ud;
	struct hr_seccomp_verdict v;
	struct hr_error ignored = { 0 };

	if (hr_seccomp_eval(c->enforcing.filter, c->enforcing.n_insns, &n->data, &v, &ignored) < 0 ||
	    hr_seccomp_verdict_allows(&v))
		return; /* an exec the profile allows, noted for where the workload starts */
	if (!hr_recording_exec_seen(c->rec))
		return; /* hardrun's own steps; reported apart */
	if (c->o->enforce_after >= 0 && atomic_fetch_add(&c->denied, 1) >= c->o->enforce_after) {
		atomic_store(&c->enforced, true);
		enforce(&v, n, resp);
	} else if (c->o->enforce_after < 0) {
		atomic_fetch_add(&c->denied, 1);
	}
}

static int load_profile(const struct hr_check_opts *o, struct hr_seccomp **cfg, bool *include_runtime,
			struct hr_error *err)
{
	_cleanup_free_ char *path = NULL;
	struct hr_spec *spec = NULL;

	*cfg = NULL;
	if (o->profile && hr_seccomp_profile_load_file(o->profile, cfg, err) < 0)
		return -1;
	if (hr_supervised_run_load_spec(o->bundle, o->config_text, &spec, &path, err) < 0)
		return -1;
	*include_runtime = spec->has_process && !spec->process.no_new_privileges;
	if (hr_supervised_run_check_spec("profile check", path, spec, err) < 0) {
		hr_spec_free(spec);
		return -1;
	}
	if (!*cfg && !spec->linux_.seccomp) {
		hr_spec_free(spec);
		return hr_error_set(err, 0, "profile check: %s has no linux.seccomp; name a profile with --profile", path);
	}
	if (!*cfg) {
		/* the bundle's own profile: taken out of the spec */
		*cfg = spec->linux_.seccomp;
		spec->linux_.seccomp = NULL;
	}
	hr_spec_free(spec);
	if ((*cfg)->listener_path)
		return hr_error_set(err, 0, "profile check: the profile hands syscalls to a seccomp agent "
					    "(listenerPath); complain mode cannot stand in for it");
	return 0;
}

static int supervise(struct check *c, const struct hr_seccomp *cfg, int *status, struct hr_error *err)
{
	struct hr_seccomp_program complain = { 0 };
	_cleanup_free_ char *id = c->o->id ? NULL : hr_supervised_run_id();
	struct hr_supervised_run run = {
		.root = c->o->root, .policy = c->o->policy, .bundle = c->o->bundle,
		.config_text = c->o->config_text, .id = c->o->id ? c->o->id : id,
		.prog = &complain,
		.rec = c->rec, .decide = decide, .decide_ud = c, .supervisor_failed = &c->supervisor_failed,
	};
	int rc;

	if (hr_check_complain_program(cfg, &complain, err) < 0)
		return -1;
	rc = hr_supervised_run(&run, status, err);
	hr_seccomp_program_clear(&complain);
	return rc;
}

static int exit_status(int workload, const struct hr_check_result *res, json_t *report)
{
	if (workload != 0)
		return workload;
	return json_array_size(json_object_get(report, "denied")) || json_array_size(json_object_get(report, "runtimeDenied")) ||
			       res->denied_calls
		       ? 1
		       : 0;
}

int hr_profile_check(const struct hr_check_opts *o, struct hr_error *err)
{
	struct check c = { .o = o };
	struct hr_seccomp *cfg = NULL;
	struct hr_check_result res = { .profile_name = o->profile ? o->profile : "the bundle's linux.seccomp",
				       .enforcing = &c.enforcing, .enforce_after = o->enforce_after };
	json_t *report = NULL;
	int status = -1, rc = -1;

	if (o->apparmor)
		return hr_aa_check(o, err);

	if (load_profile(o, &cfg, &res.include_runtime, err) < 0)
		goto out;
	/* what `run` would load: the same compiler, hardrun's ENOSYS prefix included */
	if (hr_seccomp_compile(cfg, NULL, &c.enforcing, err) < 0)
		goto out;
	c.rec = hr_recording_new();
	if (supervise(&c, cfg, &status, err) < 0)
		goto out;
	res.n_entries = hr_recording_snapshot(c.rec, &res.entries, NULL);
	res.denied_calls = atomic_load(&c.denied);
	res.enforced = atomic_load(&c.enforced);
	res.exit_status = status;
	report = hr_check_report_json(&res);
	if (hr_check_write_report(o, report, hr_check_report_text, err) == 0)
		rc = exit_status(status, &res, report);
	if (rc >= 0 && c.supervisor_failed)
		rc = hr_error_set(err, c.supervisor_failed, "profile check: supervision stopped early, the report is "
							     "incomplete");
out:
	json_decref(report);
	hr_rec_entries_free(res.entries, res.n_entries);
	hr_recording_free(c.rec);
	hr_seccomp_program_clear(&c.enforcing);
	hr_seccomp_profile_free(cfg);
	return rc;
}
