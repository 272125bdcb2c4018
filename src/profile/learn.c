/* `profile learn`: every syscall of every process and thread of the
 * container goes to the supervisor (a one-instruction USER_NOTIF filter,
 * loaded where the bundle's own filter would be) and continues; the tally
 * becomes the profile. While the workload runs, a checkpoint thread
 * rewrites the output (atomically, flagged partial) whenever something new
 * was seen, so a learn that is killed itself still leaves what it saw.
 * With --merge the filter is the base profile's complain-mode program, so
 * a run that repeats known behaviour costs little. */
#include "profile/learn.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "profile/aa_learn.h"
#include "profile/check_internal.h"
#include "profile/supervised_run.h"
#include "seccomp/seccomp.h"
#include "spec/spec.h"

struct learn {
	const struct hr_learn_opts *o;
	json_t *base;               /* --merge */
	struct hr_seccomp *base_cfg;
	int base_runs;
	struct hr_recording *rec;
	bool include_runtime;
	pthread_mutex_t write_lock; /* checkpoint vs final write */
	int supervisor_failed;      /* errno that ended recording early */
};

static json_t *build(struct learn *l, const struct hr_learn_meta *m, size_t *n_entries, struct hr_error *err)
{
	struct hr_rec_entry *e = NULL;
	size_t n = hr_recording_snapshot(l->rec, &e, NULL);
	json_t *profile = hr_learn_profile(e, n, m), *merged = NULL;

	*n_entries = 0;
	for (size_t i = 0; i < n; i++)
		*n_entries += e[i].by_workload || (m->include_runtime && e[i].before_exec);
	hr_rec_entries_free(e, n);
	if (!l->base)
		return profile;
	if (hr_learn_merge(l->base, profile, &merged, err) < 0)
		merged = NULL;
	json_decref(profile);
	return merged;
}

static int write_profile(struct learn *l, const struct hr_learn_meta *m, size_t *n_entries, struct hr_error *err)
{
	json_t *profile, *out;
	_cleanup_free_ char *text = NULL;
	int rc;

	pthread_mutex_lock(&l->write_lock);
	profile = build(l, m, n_entries, err);
	if (!profile) {
		pthread_mutex_unlock(&l->write_lock);
		return -1;
	}
	out = l->o->docker_format ? hr_learn_to_docker(profile) : json_incref(profile);
	text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(out);
	json_decref(profile);
	text = xrealloc(text, strlen(text) + 2);
	strcat(text, "\n");
	rc = hr_write_file_atomic_at(AT_FDCWD, l->o->output, text, strlen(text), err);
	pthread_mutex_unlock(&l->write_lock);
	return rc < 0 ? hr_error_wrap(err, "writing the learned profile") : 0;
}

static void checkpoint(void *ud)
{
	struct learn *l = ud;
	struct hr_learn_meta m = { .partial = true, .include_runtime = l->include_runtime, .runs = 1,
				   .reason = "a checkpoint written while the workload ran: learn did not finish" };
	struct hr_error err = { 0 };
	struct hr_rec_entry *e = NULL;
	bool changed = false;
	size_t n = hr_recording_snapshot(l->rec, &e, &changed);

	hr_rec_entries_free(e, n);
	if (changed && write_profile(l, &m, &n, &err) < 0)
		hr_log_debugf("learn checkpoint: %s", err.msg);
}

/* noNewPrivileges off: the filter is loaded before hardrun drops
 * privileges, so those steps run under it and must be in the profile */
static int read_bundle(struct learn *l, struct hr_error *err)
{
	_cleanup_free_ char *path = NULL;
	struct hr_spec *spec = NULL;
	int rc;

	if (hr_supervised_run_load_spec(l->o->bundle, l->o->config_text, &spec, &path, err) < 0)
		return -1;
	l->include_runtime = spec->has_process && !spec->process.no_new_privileges;
	rc = hr_supervised_run_check_spec("profile learn", path, spec, err);
	hr_spec_free(spec);
	return rc;
}

static int check_output_dir(const char *output, struct hr_error *err)
{
	_cleanup_free_ char *copy = xstrdup(output);
	const char *dir = dirname(copy);

	if (access(dir, W_OK) < 0)
		return hr_error_set(err, errno, "output `%s`: directory `%s`", output, dir);
	return 0;
}

static void report(const struct hr_learn_meta *m, const struct hr_learn_opts *o, size_t n_entries)
{
	if (m->partial)
		fprintf(stderr, "hardrun: warning: %s; the profile in %s is partial (x-hardrun.learn.partial)\n",
			m->reason, o->output);
	else if (m->exit_status != 0)
		fprintf(stderr, "hardrun: note: the workload exited with status %d; the profile has what it did until then\n",
			m->exit_status);
	if (o->merge)
		fprintf(stderr, "hardrun: learned %zu syscall cases %s did not allow; wrote %s%s\n", n_entries,
			o->merge, o->output, o->docker_format ? " (Docker format)" : "");
	else
		fprintf(stderr, "hardrun: learned %zu syscall cases; wrote %s%s\n", n_entries, o->output,
			o->docker_format ? " (Docker format)" : "");
}

static int learn_run(struct learn *l, int *status, struct hr_error *err)
{
	struct hr_seccomp_program prog;
	_cleanup_free_ char *id = l->o->id ? NULL : hr_supervised_run_id();
	struct hr_supervised_run run = {
		.root = l->o->root, .policy = l->o->policy, .bundle = l->o->bundle,
		.config_text = l->o->config_text, .id = l->o->id ? l->o->id : id,
		.prog = &prog,
		.rec = l->rec, .tick = checkpoint, .tick_ud = l,
		.tick_ms = l->o->checkpoint_ms > 0 ? l->o->checkpoint_ms : 500,
		.supervisor_failed = &l->supervisor_failed,
	};
	int rc;

	/* with --merge, what the base already allows stays in the kernel: only
	 * the rest is recorded (the complain-mode program of the base) */
	if (!l->base_cfg)
		hr_seccomp_record_program(&prog);
	else if (hr_check_complain_program(l->base_cfg, &prog, err) < 0)
		return -1;
	rc = hr_supervised_run(&run, status, err);
	hr_seccomp_program_clear(&prog);
	return rc;
}

int hr_profile_learn(const struct hr_learn_opts *o, int *status, struct hr_error *err)
{
	struct learn l = { .o = o };
	struct hr_learn_meta m = { .runs = 1 };
	char reason[160];
	size_t n = 0;
	int rc = -1;

	*status = -1;
	if (o->apparmor)
		return hr_aa_learn(o, status, err);
	if (check_output_dir(o->output, err) < 0 || read_bundle(&l, err) < 0)
		return -1;
	if (o->merge && hr_learn_load_profile(o->merge, &l.base, &l.base_cfg, err) < 0)
		return -1;
	pthread_mutex_init(&l.write_lock, NULL);
	l.rec = hr_recording_new();
	m.include_runtime = l.include_runtime;
	if (learn_run(&l, status, err) == 0) {
		m.has_exit_status = true;
		m.exit_status = *status;
		if (l.supervisor_failed) {
			snprintf(reason, sizeof(reason), "recording stopped early: %s", strerror(l.supervisor_failed));
			m.partial = true;
			m.reason = reason;
		} else if (*status >= 128) {
			snprintf(reason, sizeof(reason), "the workload was killed by signal %d", *status - 128);
			m.partial = true;
			m.reason = reason;
		}
		rc = write_profile(&l, &m, &n, err);
		if (rc == 0)
			report(&m, o, n);
	}
	hr_recording_free(l.rec);
	json_decref(l.base);
	hr_seccomp_profile_free(l.base_cfg);
	pthread_mutex_destroy(&l.write_lock);
	return rc;
}
