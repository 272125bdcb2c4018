/* `profile learn --apparmor`: the bundle runs confined by an empty profile
 * in complain mode, named hardrun-learn-<container id>; every access it
 * makes is allowed and logged, and each record becomes a rule of the
 * learned profile. The profile written is self-contained (no #include), so
 * it loads on any host with the same kernel features. */
#include "profile/aa_learn.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "profile/aa_run.h"
#include "profile/supervised_run.h"

#define CHECKPOINT_MS 500

struct aa_learn {
	struct hr_aa_rules *rules;
	long allowed, denied;
	/* checkpoints: the profile so far, while the workload runs */
	const struct hr_learn_opts *o;
	long checkpointed;           /* records in the last checkpoint */
	struct timespec last;
};

static void on_record(void *ud, const struct hr_aa_record *r)
{
	struct aa_learn *l = ud;

	if (r->apparmor && strcmp(r->apparmor, "DENIED") == 0)
		l->denied++;
	else
		l->allowed++;
	hr_aa_rules_add(l->rules, r);
}

static int write_profile(const struct hr_learn_opts *o, const char *text, struct hr_error *err);

/* Every CHECKPOINT_MS, when new records came, the profile so far is written
 * (atomically), flagged partial: if hardrun is killed, that stays. */
static void checkpoint(void *ud)
{
	struct aa_learn *l = ud;
	struct hr_error err = { 0 };
	_cleanup_free_ char *hdr = NULL, *text = NULL;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (l->allowed + l->denied == l->checkpointed ||
	    (now.tv_sec - l->last.tv_sec) * 1000 + (now.tv_nsec - l->last.tv_nsec) / 1000000 < CHECKPOINT_MS)
		return;
	l->last = now;
	l->checkpointed = l->allowed + l->denied;
	hdr = xasprintf("# Learned by `hardrun profile learn --apparmor` from the bundle %s:\n"
			"# PARTIAL: a checkpoint written while the workload ran: learn did not finish.\n"
			"# %ld records (%ld denied), %zu rules so far.\n",
			l->o->bundle, l->checkpointed, l->denied, hr_aa_rules_count(l->rules));
	text = hr_aa_rules_render(l->rules, hdr);
	if (write_profile(l->o, text, &err) < 0)
		hr_log_debugf("learn --apparmor checkpoint: %s", err.msg);
}

/* --name, else the output's file name up to its first dot. */
static char *profile_name(const struct hr_learn_opts *o, struct hr_error *err)
{
	_cleanup_free_ char *copy = xstrdup(o->output);
	char *name;

	if (o->name) {
		if (!hr_aa_name_ok(o->name)) {
			hr_error_set(err, 0, "profile learn --apparmor: --name \"%s\": use letters, digits, . _ -", o->name);
			return NULL;
		}
		return xstrdup(o->name);
	}
	name = xstrdup(basename(copy));
	name[strcspn(name, ".")] = '\0';
	if (!hr_aa_name_ok(name)) {
		free(name);
		hr_error_set(err, 0, "profile learn --apparmor: no profile name in the output's file name `%s`; "
				     "give one with --name", o->output);
		return NULL;
	}
	return name;
}

static char *header(const struct hr_learn_opts *o, const struct hr_aa_run *run, const struct aa_learn *l,
		    int status, const char *name)
{
	const char *partial = "";
	char note[128] = "";

	if (status >= 128) {
		snprintf(note, sizeof(note), "# PARTIAL: the workload was killed by signal %d.\n", status - 128);
		partial = note;
	} else if (!hr_aa_run_complete(run)) {
		partial = "# PARTIAL: some audit records may be missing (the kernel dropped some, or they came late).\n";
	}
	return xasprintf("# Learned by `hardrun profile learn --apparmor` from the bundle %s:\n"
			 "# %ld records (%ld denied), %zu rules; the workload exited with status %d.\n%s"
			 "# Load it with `hardrun apparmor load %s`; use it with\n"
			 "# \"process.apparmorProfile\": \"%s\".\n",
			 o->bundle, run->records, l->denied, hr_aa_rules_count(l->rules), status, partial, o->output, name);
}

static int check_output(const struct hr_learn_opts *o, struct hr_error *err)
{
	_cleanup_free_ char *copy = xstrdup(o->output);
	const char *dir = dirname(copy);

	if (access(dir, W_OK) < 0)
		return hr_error_set(err, errno, "output `%s`: directory `%s`", o->output, dir);
	return 0;
}

static int write_profile(const struct hr_learn_opts *o, const char *text, struct hr_error *err)
{
	if (hr_write_file_atomic_at(AT_FDCWD, o->output, text, strlen(text), err) < 0)
		return hr_error_wrap(err, "writing the learned AppArmor profile");
	return 0;
}

int hr_aa_learn(const struct hr_learn_opts *o, int *status, struct hr_error *err)
{
	_cleanup_free_ char *name = NULL, *gen_id = NULL, *label = NULL, *temp = NULL, *hdr = NULL, *text = NULL;
	struct aa_learn l = { .o = o };
	struct hr_aa_run run = { .root = o->root, .policy = o->policy, .bundle = o->bundle,
				 .config_text = o->config_text, .on_record = on_record, .on_tick = checkpoint,
				 .ud = &l };
	int rc = -1;

	*status = -1;
	if (!(name = profile_name(o, err)) || check_output(o, err) < 0)
		return -1;
	gen_id = o->id ? NULL : hr_supervised_run_id();
	run.id = o->id ? o->id : gen_id;
	run.label = label = xasprintf("hardrun-learn-%s", run.id);
	run.profile_text = temp = xasprintf("profile %s flags=(%s) {\n}\n", label, HR_AA_PROFILE_FLAGS);
	l.rules = hr_aa_rules_new(label, name);
	if (hr_aa_run(&run, status, err) == 0) {
		hdr = header(o, &run, &l, *status, name);
		text = hr_aa_rules_render(l.rules, hdr);
		rc = write_profile(o, text, err);
	}
	if (rc == 0) {
		if (!hr_aa_run_complete(&run))
			fprintf(stderr, "hardrun: warning: some audit records may be missing (%d socket overruns, %ld "
					"lost by the kernel%s); the profile is flagged partial\n", run.lost, run.kernel_lost,
				run.drained ? "" : ", no closing marker");
		fprintf(stderr, "hardrun: learned %zu AppArmor rules from %ld records; wrote %s (profile %s)\n",
			hr_aa_rules_count(l.rules), run.records, o->output, name);
	}
	hr_aa_rules_free(l.rules);
	return rc;
}
