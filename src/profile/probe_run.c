/* `profile probe`: the bundle's config, changed only in what runs (the
 * probe instead of process.args) and one read-only bind of a throw-away copy
 * of the probe into a tmpfs the config already mounts, is run with `hardrun
 * run` (the same create/start path); the probe's JSON comes back on a pipe.
 * The container never sees the hardrun binary, nor the installed probe: a
 * container that remounts its copy writable can only spoil the copy. */
#include "profile/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"

#ifndef HARDRUN_LIBEXECDIR
#define HARDRUN_LIBEXECDIR "/usr/local/libexec/hardrun"
#endif

#define PROBE_NAME ".hardrun-probe"

struct probe_run {
	char tmpdir[PATH_MAX - 64]; /* room for "/config.json" */
	char id[64];
	char dest[64];   /* where the probe appears in the container */
};

/* Beside the binary in a build tree (build/hardrun-probe, or the binary's
 * own directory for build-san), else the installed one. */
static int find_probe(char *out, size_t n, struct hr_error *err)
{
	char self[PATH_MAX], *dir;
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *env = getenv("HARDRUN_PROBE");

	if (env && *env) {
		snprintf(out, n, "%s", env);
		return access(out, X_OK) == 0 ? 0
			: hr_error_set(err, errno, "profile probe: HARDRUN_PROBE=%s", env);
	}
	if (len > 0) {
		self[len] = '\0';
		dir = dirname(self);
		snprintf(out, n, "%s/hardrun-probe", dir);
		if (access(out, X_OK) == 0)
			return 0;
		snprintf(out, n, "%s/build/hardrun-probe", dir);
		if (access(out, X_OK) == 0)
			return 0;
	}
	snprintf(out, n, "%s/hardrun-probe", HARDRUN_LIBEXECDIR);
	if (access(out, X_OK) == 0)
		return 0;
	return hr_error_set(err, errno, "profile probe: the probe program %s (make builds it as build/hardrun-probe)", out);
}

static int copy_file(const char *from, const char *to, struct hr_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	_cleanup_close_ int fd = -1;

	if (hr_read_file_at(AT_FDCWD, from, &data, &len, err) < 0)
		return -1;
	fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (fd < 0 || hr_write_all(fd, data, len) < 0 || fchmod(fd, 0755) < 0)
		return hr_error_set(err, errno, "profile probe: copying the probe to %s", to);
	return 0;
}

/* A tmpfs the config mounts, so the bind's mount point is made there and
 * never in the bundle's rootfs. */
static int pick_dest(json_t *cfg, struct probe_run *r, struct hr_error *err)
{
	static const char *const wanted[] = { "/dev", "/run", "/tmp", "/dev/shm" };
	json_t *mounts = json_object_get(cfg, "mounts"), *m;
	size_t i;

	for (size_t w = 0; w < HR_ARRAY_SIZE(wanted); w++)
		json_array_foreach(mounts, i, m) {
			const char *dest = json_string_value(json_object_get(m, "destination"));
			const char *type = json_string_value(json_object_get(m, "type"));
			if (dest && type && strcmp(dest, wanted[w]) == 0 && strcmp(type, "tmpfs") == 0) {
				snprintf(r->dest, sizeof(r->dest), "%s/%s", dest, PROBE_NAME);
				return 0;
			}
		}
	return hr_error_set(err, 0, "profile probe: the config mounts no tmpfs on /dev, /run or /tmp to put the probe in (it is never written into the rootfs)");
}

/* The bundle's config with the probe as the process. */
static int write_config(const char *bundle, json_t *cfg, struct probe_run *r, struct hr_error *err)
{
	json_t *process = json_object_get(cfg, "process"), *root = json_object_get(cfg, "root");
	const char *rootpath = json_string_value(json_object_get(root, "path"));
	char path[PATH_MAX], abs_root[PATH_MAX], probe_copy[PATH_MAX];

	if (!json_is_object(process) || !rootpath)
		return hr_error_set(err, 0, "profile probe: %s/config.json has no process or root.path", bundle);
	snprintf(path, sizeof(path), "%s/%s", bundle, rootpath);
	if (!realpath(rootpath[0] == '/' ? rootpath : path, abs_root))
		return hr_error_set(err, errno, "profile probe: root.path %s", rootpath);
	snprintf(probe_copy, sizeof(probe_copy), "%s/hardrun-probe", r->tmpdir);
	json_object_set_new(root, "path", json_string(abs_root));
	json_object_set_new(process, "args", json_pack("[s, s]", r->dest, "--in-container"));
	json_object_set_new(process, "terminal", json_false());
	json_object_del(process, "consoleSize");
	if (!json_is_array(json_object_get(cfg, "mounts")))
		json_object_set_new(cfg, "mounts", json_array());
	json_array_append_new(json_object_get(cfg, "mounts"),
			      json_pack("{s:s, s:s, s:s, s:[s, s, s, s]}", "destination", r->dest, "type", "bind",
					"source", probe_copy, "options", "bind", "ro", "nosuid", "nodev"));
	snprintf(path, sizeof(path), "%s/config.json", r->tmpdir);
	if (json_dump_file(cfg, path, JSON_INDENT(2)) < 0)
		return hr_error_set(err, errno, "profile probe: writing %s", path);
	return 0;
}

static int prepare(const char *bundle, struct probe_run *r, struct hr_error *err)
{
	char cfg_path[PATH_MAX], probe[PATH_MAX], copy[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	json_error_t jerr;
	json_t *cfg;
	int rc;

	if (find_probe(probe, sizeof(probe), err) < 0)
		return -1;
	snprintf(cfg_path, sizeof(cfg_path), "%s/config.json", bundle);
	cfg = json_load_file(cfg_path, JSON_REJECT_DUPLICATES, &jerr);
	if (!cfg && jerr.line < 0) /* not read at all */
		return hr_error_set(err, 0, "profile probe: %s", jerr.text);
	if (!cfg)
		return hr_error_set(err, 0, "%s:%d:%d: %s", cfg_path, jerr.line, jerr.column, jerr.text);
	snprintf(r->tmpdir, sizeof(r->tmpdir), "%s/hardrun-probe.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	snprintf(r->id, sizeof(r->id), "hardrun-probe-%d", (int)getpid());
	if (!mkdtemp(r->tmpdir)) {
		r->tmpdir[0] = '\0';
		json_decref(cfg);
		return hr_error_set(err, errno, "profile probe: mkdtemp");
	}
	/* a container's mapped root must reach the bind source */
	chmod(r->tmpdir, 0755);
	snprintf(copy, sizeof(copy), "%s/hardrun-probe", r->tmpdir);
	rc = pick_dest(cfg, r, err);
	if (rc == 0)
		rc = copy_file(probe, copy, err);
	if (rc == 0)
		rc = write_config(bundle, cfg, r, err);
	json_decref(cfg);
	return rc;
}

static void cleanup(struct probe_run *r)
{
	char path[PATH_MAX];

	if (!r->tmpdir[0])
		return;
	snprintf(path, sizeof(path), "%s/hardrun-probe", r->tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/config.json", r->tmpdir);
	unlink(path);
	rmdir(r->tmpdir);
}

/* `hardrun --root ROOT run --bundle TMP ID` with stdout on a pipe. */
static int run_container(const char *root, bool debug, struct probe_run *r, char **out, int *status,
			 struct hr_error *err)
{
	int fds[2];
	pid_t pid;
	size_t len = 0, cap = 65536;

	if (pipe2(fds, O_CLOEXEC) < 0) /* dup2 onto stdout clears it there */
		return hr_error_set(err, errno, "profile probe: pipe");
	pid = fork();
	if (pid < 0)
		return hr_error_set(err, errno, "profile probe: fork");
	if (pid == 0) {
		const char *argv[] = { "hardrun", "--root", root, "run", "--bundle", r->tmpdir, r->id, NULL, NULL };
		int null = open("/dev/null", O_RDONLY);
		if (debug) { /* hardrun --debug --root ROOT run ... */
			memmove(&argv[2], &argv[1], 7 * sizeof(argv[0]));
			argv[1] = "--debug";
		}
		dup2(null, 0);
		dup2(fds[1], 1);
		execv("/proc/self/exe", (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	*out = xmalloc(cap);
	for (ssize_t n; (n = read(fds[0], *out + len, cap - len - 1)) != 0;) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
		if (cap - len < 4096)
			*out = xrealloc(*out, cap *= 2);
	}
	(*out)[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* Which of the probe's namespaces are the runtime's own. */
static void compare_namespaces(json_t *report)
{
	json_t *ns = json_object_get(report, "namespaces"), *shared = json_array(), *v;
	const char *name;

	json_object_foreach(ns, name, v) {
		char link[64], mine[128];
		ssize_t n;
		snprintf(link, sizeof(link), "/proc/self/ns/%s", name);
		n = readlink(link, mine, sizeof(mine) - 1);
		if (n < 0 || !json_is_string(v))
			continue;
		mine[n] = '\0';
		if (strcmp(mine, json_string_value(v)) == 0)
			json_array_append_new(shared, json_string(name));
	}
	json_object_set_new(report, "namespaces_shared_with_runtime", shared);
}

int hr_profile_probe(const char *root, const char *bundle, bool debug, json_t **report,
		     struct hr_error *err)
{
	struct probe_run r = { 0 };
	char abs_bundle[PATH_MAX];
	_cleanup_free_ char *out = NULL;
	json_error_t jerr;
	int status = 0, rc;

	*report = NULL;
	rc = prepare(bundle, &r, err);
	if (rc == 0)
		rc = run_container(root, debug, &r, &out, &status, err);
	cleanup(&r);
	if (rc < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return hr_error_set(err, 0, "profile probe: the probe container failed (%s %d)",
				    WIFEXITED(status) ? "exit status" : "signal",
				    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	*report = json_loads(out, 0, &jerr);
	if (!*report)
		return hr_error_set(err, 0, "profile probe: the probe's report is not JSON (%s)", jerr.text);
	json_object_set_new(*report, "bundle", json_string(realpath(bundle, abs_bundle) ? abs_bundle : bundle));
	json_object_set_new(*report, "container_id", json_string(r.id));
	compare_namespaces(*report);
	return 0;
}
