/* Container state on disk. One directory per container under --root, locked
 * with flock for the duration of every command touching it. */
#include "state/state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "base/util.h"
#include "spec/json.h"
#include "state/internal.h"

#define STATE_FILE "state.json"
#define CONFIG_FILE "config.json"

bool hr_id_valid(const char *id)
{
	size_t len = id ? strlen(id) : 0;

	if (len == 0 || len > NAME_MAX || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	for (const char *p = id; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("_+.-", *p))
			return false;
	}
	return true;
}

/* The id is never echoed raw: a control character would split the log
 * line, and an over-long one would swamp the message. */
int hr_id_check(const char *id, struct hr_error *err)
{
	size_t len = id ? strlen(id) : 0;

	if (len == 0)
		return hr_error_set(err, 0, "container id cannot be empty");
	for (size_t i = 0; i < len; i++) {
		if (iscntrl((unsigned char)id[i]))
			return hr_error_set(err, 0, "invalid container id: it contains a control character (0x%02x at "
					    "offset %zu)", (unsigned char)id[i], i);
	}
	if (len > NAME_MAX)
		return hr_error_set(err, 0, "invalid container id \"%.32s...\": it is %zu characters long; the limit is "
				    "%d (NAME_MAX)", id, len, NAME_MAX);
	if (!hr_id_valid(id))
		return hr_error_set(err, 0, "invalid container id \"%s\": use 1-%d characters of [A-Za-z0-9_+.-], not "
				    "\".\" or \"..\"", id, NAME_MAX);
	return 0;
}

static int lock_dir(int dirfd, const char *id, struct hr_error *err)
{
	while (flock(dirfd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return hr_error_set(err, errno, "lock state of container %s", id);
	}
	return 0;
}

void hr_container_unlock(struct hr_container *c)
{
	(void)flock(c->dirfd, LOCK_UN);
}

static struct hr_container *container_alloc(const char *root, const char *id, int dirfd)
{
	struct hr_container *c = xcalloc(1, sizeof(*c));
	c->root = xstrdup(root);
	c->id = xstrdup(id);
	c->dirfd = dirfd;
	c->st.id = xstrdup(id);
	return c;
}

int hr_container_new(const char *root, const char *id, struct hr_container **out, struct hr_error *err)
{
	_cleanup_close_ int rootfd = -1;
	_cleanup_close_ int dirfd = -1;
	struct hr_container *c;

	if (hr_id_check(id, err) < 0)
		return -1;
	rootfd = hr_state_root_open(root, true, err);
	if (rootfd < 0)
		return -1;
	if (mkdirat(rootfd, id, 0711) < 0) {
		if (errno == EEXIST)
			return hr_error_set(err, 0, "container with id %s already exists", id);
		return hr_error_set(err, errno, "create state directory `%s/%s`", root, id);
	}
	dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0 || lock_dir(dirfd, id, err) < 0 || hr_state_write_marker(dirfd, id, err) < 0) {
		int saved = errno;
		if (dirfd >= 0)
			unlinkat(dirfd, HR_STATE_MARKER, 0);
		unlinkat(rootfd, id, AT_REMOVEDIR);
		return dirfd < 0 ? hr_error_set(err, saved, "open state directory of %s", id) : -1;
	}
	c = container_alloc(root, id, hr_steal_fd(dirfd));
	/* an empty record from the start: this dir holds nothing to kill yet */
	if (hr_container_save_record(c, err) < 0) {
		struct hr_error ignored;
		hr_container_remove_dir(c, &ignored);
		hr_container_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

static char *json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? xstrdup(s) : NULL;
}

static int state_from_json(struct hr_state *st, json_t *j)
{
	json_t *ann = json_object_get(j, "annotations");
	const char *k;
	json_t *v;

	st->bundle = json_str(j, "bundle");
	st->rootfs = json_str(j, "rootfs");
	st->created = json_str(j, "created");
	st->owner = json_str(j, "owner");
	st->seccomp_key = json_str(j, "seccompKey");
	st->created_done = json_is_true(json_object_get(j, "createdDone"));
	st->started = json_is_true(json_object_get(j, "started"));
	if (json_is_boolean(json_object_get(j, "hasHooks")))
		st->hooks = json_is_true(json_object_get(j, "hasHooks")) ? HR_HOOKS_SOME : HR_HOOKS_NONE;
	if (json_is_object(ann)) {
		st->annotations = xcalloc(json_object_size(ann), sizeof(*st->annotations));
		json_object_foreach(ann, k, v) {
			if (!json_is_string(v))
				continue;
			st->annotations[st->n_annotations].key = xstrdup(k);
			st->annotations[st->n_annotations++].value = xstrdup(json_string_value(v));
		}
	}
	return 0;
}

/* The reason shows in `list` and in one-line errors: no control bytes
 * (a parser's message may quote the garbage it found). */
static void set_damage(struct hr_container *c, char *why)
{
	for (char *p = why; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	free(c->damage);
	c->damage = why;
}

/* The record is what kill and delete trust; state.json the rest. */
static void load_record(struct hr_container *c)
{
	struct hr_record rec;
	struct hr_error err = { 0 };

	if (hr_state_read_record(c->dirfd, &rec, &err) < 0) {
		set_damage(c, xasprintf("record unusable: %s", err.msg));
		return;
	}
	c->record_ok = true;
	c->st.cgroup_path = hr_steal_ptr(rec.cgroup_path);
	c->st.cgroup_shared = rec.cgroup_shared;
	c->st.systemd_unit = hr_steal_ptr(rec.systemd_unit);
	c->st.systemd_user = rec.systemd_user;
	c->st.pid = rec.pid;
	c->st.pid_start = rec.pid_start;
}

static void load_state_file(struct hr_container *c)
{
	_cleanup_free_ char *text = NULL;
	struct hr_error err = { 0 };
	struct hr_state *st = &c->st;
	json_error_t jerr;
	json_t *j = NULL;
	size_t len;

	if (hr_read_file_at(c->dirfd, STATE_FILE, &text, &len, &err) < 0) {
		set_damage(c, xasprintf("%s unreadable: %s", STATE_FILE, err.msg));
		return;
	}
	j = json_loadb(text, len, 0, &jerr);
	if (!json_is_object(j) || !json_is_string(json_object_get(j, "id")) ||
	    strcmp(json_string_value(json_object_get(j, "id")), c->id) != 0) {
		set_damage(c, xasprintf("%s is corrupt: %s", STATE_FILE, j ? "not this container's state" : jerr.text));
	} else {
		state_from_json(st, j);
		/* pid and cgroup come from the record; without one, only a pid
		 * (checked against its start time) is taken from here */
		if (!c->record_ok) {
			st->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
			st->pid_start = (unsigned long long)json_integer_value(json_object_get(j, "pidStart"));
		}
	}
	json_decref(j);
}

int hr_container_open_at(int rootfd, const char *root, const char *id, unsigned flags, struct hr_container **out,
			 struct hr_error *err)
{
	_cleanup_close_ int dirfd = -1;
	struct hr_container *c;

	if (hr_id_check(id, err) < 0)
		return -1;
	dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0) {
		if (errno == ENOENT)
			return hr_error_set(err, 0, "container %s does not exist", id);
		return hr_error_set(err, errno, "open state of container %s", id);
	}
	if (lock_dir(dirfd, id, err) < 0)
		return -1;
	if (!hr_state_is_container(rootfd, id))
		return hr_error_set(err, 0, "`%s/%s` is not a hardrun container (it has no %s marker): not touching it",
				    root, id, HR_STATE_MARKER);
	c = container_alloc(root, id, hr_steal_fd(dirfd));
	load_record(c);
	load_state_file(c);
	if (c->damage && !(flags & HR_OPEN_DAMAGED)) {
		hr_error_set(err, 0, "container %s is damaged (%s): `delete --force %s` removes it", id, c->damage, id);
		hr_container_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int hr_container_open(const char *root, const char *id, unsigned flags, struct hr_container **out,
		      struct hr_error *err)
{
	_cleanup_close_ int rootfd = -1;

	if (hr_id_check(id, err) < 0)
		return -1;
	rootfd = hr_state_root_open(root, false, err);
	if (rootfd < 0 && err->errnum == ENOENT)
		return hr_error_set(err, 0, "container %s does not exist", id);
	if (rootfd < 0)
		return -1;
	return hr_container_open_at(rootfd, root, id, flags, out, err);
}

int hr_container_load(const char *root, const char *id, struct hr_container **out, struct hr_error *err)
{
	return hr_container_open(root, id, 0, out, err);
}

void hr_container_free(struct hr_container *c)
{
	if (!c)
		return;
	if (c->dirfd >= 0)
		close(c->dirfd);
	free(c->root);
	free(c->id);
	free(c->st.id);
	free(c->st.bundle);
	free(c->st.rootfs);
	free(c->st.cgroup_path);
	free(c->st.systemd_unit);
	free(c->st.created);
	free(c->st.owner);
	free(c->st.seccomp_key);
	hr_kv_free(c->st.annotations, c->st.n_annotations);
	free(c->damage);
	hr_spec_free(c->spec);
	free(c);
}

static json_t *annotations_json(const struct hr_state *st)
{
	json_t *ann = json_object();
	for (size_t i = 0; i < st->n_annotations; i++)
		json_object_set_new(ann, st->annotations[i].key, json_string(st->annotations[i].value));
	return ann;
}

int hr_container_save(struct hr_container *c, struct hr_error *err)
{
	const struct hr_state *st = &c->st;
	json_t *j = json_object();
	char *text;
	int rc;

	json_object_set_new(j, "id", json_string(st->id));
	if (st->bundle)
		json_object_set_new(j, "bundle", json_string(st->bundle));
	if (st->rootfs)
		json_object_set_new(j, "rootfs", json_string(st->rootfs));
	json_object_set_new(j, "pid", json_integer(st->pid));
	json_object_set_new(j, "pidStart", json_integer((json_int_t)st->pid_start));
	if (st->cgroup_path)
		json_object_set_new(j, "cgroupPath", json_string(st->cgroup_path));
	if (st->created)
		json_object_set_new(j, "created", json_string(st->created));
	json_object_set_new(j, "owner", json_string(st->owner ? st->owner : ""));
	json_object_set_new(j, "createdDone", json_boolean(st->created_done));
	json_object_set_new(j, "started", json_boolean(st->started));
	if (st->hooks != HR_HOOKS_UNKNOWN)
		json_object_set_new(j, "hasHooks", json_boolean(st->hooks == HR_HOOKS_SOME));
	if (st->seccomp_key)
		json_object_set_new(j, "seccompKey", json_string(st->seccomp_key));
	json_object_set_new(j, "annotations", annotations_json(st));
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	rc = hr_write_file_atomic_at(c->dirfd, STATE_FILE, text, strlen(text), err);
	free(text);
	return rc < 0 ? hr_error_wrap(err, "save state of container %s", c->id) : 0;
}

/* The saved config into c->spec; with lean, linux.seccomp's rules left
 * out when the text allows (*elided says whether they were). */
static int load_saved_config(struct hr_container *c, bool lean, bool *elided, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL, *short_text = NULL;
	struct hr_error ignored = { 0 };

	if (hr_read_file_at(c->dirfd, CONFIG_FILE, &text, NULL, err) < 0)
		return hr_error_wrap(err, "read saved config of container %s", c->id);
	short_text = lean ? hr_json_elide_seccomp_rules(text) : NULL;
	if (short_text && hr_spec_load_string(short_text, CONFIG_FILE, &c->spec, &ignored) == 0 &&
	    c->spec->has_linux && c->spec->linux_.seccomp && c->spec->linux_.seccomp->n_syscalls == 0) {
		c->spec->linux_.seccomp->syscalls_elided = true;
		*elided = true;
		return 0;
	}
	hr_spec_free(hr_steal_ptr(c->spec));
	return hr_spec_load_string(text, CONFIG_FILE, &c->spec, err);
}

int hr_container_spec(struct hr_container *c, const struct hr_spec **out, struct hr_error *err)
{
	bool elided = false;

	if (!c->spec && load_saved_config(c, false, &elided, err) < 0)
		return -1;
	*out = c->spec;
	return 0;
}

int hr_container_spec_lean(struct hr_container *c, const struct hr_spec **out, bool *elided,
			   struct hr_error *err)
{
	*elided = false;
	if (!c->spec && load_saved_config(c, true, elided, err) < 0)
		return -1;
	*out = c->spec;
	return 0;
}

int hr_container_hooks_spec(struct hr_container *c, const struct hr_spec **out, struct hr_error *err)
{
	*out = NULL;
	return c->st.hooks == HR_HOOKS_NONE ? 0 : hr_container_spec(c, out, err);
}

unsigned long long hr_proc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	char *p;
	unsigned long long start = 0;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0; /* a zombie has finished running */
	p += 2;
	/* starttime is field 22; p points at field 3 */
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		start = strtoull(p, NULL, 10);
	return start;
}

int hr_container_open_cgroup(const struct hr_container *c, struct hr_cgroup **cg, struct hr_error *err)
{
	if (hr_cgroup_open(c->st.cgroup_path, cg, err) < 0)
		return -1;
	(*cg)->shared = c->st.cgroup_shared;
	return 0;
}

enum hr_status hr_container_status(struct hr_container *c)
{
	return hr_container_status_cgroup(c, NULL);
}

enum hr_status hr_container_status_cgroup(struct hr_container *c, struct hr_cgroup **keep)
{
	const struct hr_state *st = &c->st;
	struct hr_cgroup *cg = NULL;
	struct hr_error err = { 0 };
	bool frozen = false;

	if (c->damage)
		return HR_STATUS_DAMAGED;
	if (st->pid <= 0 || hr_proc_start_time(st->pid) != st->pid_start)
		return HR_STATUS_STOPPED;
	if (!st->created_done)
		return HR_STATUS_CREATING;
	if (!st->started)
		return HR_STATUS_CREATED;
	if (st->cgroup_path && hr_container_open_cgroup(c, &cg, &err) == 0) {
		if (hr_cgroup_is_frozen(cg, &frozen, &err) < 0)
			frozen = false;
		if (keep)
			*keep = cg;
		else
			hr_cgroup_free(cg);
	}
	return frozen ? HR_STATUS_PAUSED : HR_STATUS_RUNNING;
}

const char *hr_status_name(enum hr_status s)
{
	static const char *const names[] = { "creating", "created", "running", "paused", "stopped", "damaged" };
	return names[s];
}

/* The runtime-spec state fields every consumer shares (hooks, listeners,
 * `state`, `list`). */
static json_t *state_object(const char *id, const char *status, pid_t pid, const char *bundle,
			    const struct hr_kv *ann, size_t n_ann)
{
	json_t *j = json_object(), *a = json_object();

	for (size_t i = 0; i < n_ann; i++)
		json_object_set_new(a, ann[i].key, json_string(ann[i].value));
	json_object_set_new(j, "ociVersion", json_string("1.2.0"));
	json_object_set_new(j, "id", json_string(id));
	json_object_set_new(j, "status", json_string(status));
	json_object_set_new(j, "pid", json_integer(pid));
	json_object_set_new(j, "bundle", json_string(bundle ? bundle : ""));
	json_object_set_new(j, "annotations", a);
	return j;
}

char *hr_state_json_make(const char *id, const char *status, pid_t pid, const char *bundle,
			 const struct hr_spec *spec)
{
	json_t *j = state_object(id, status, pid, bundle, spec ? spec->annotations : NULL,
				 spec ? spec->n_annotations : 0);
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(j);
	return text;
}

json_t *hr_container_state_object(struct hr_container *c)
{
	const struct hr_state *st = &c->st;
	enum hr_status status = hr_container_status(c);
	bool dead = status == HR_STATUS_STOPPED ||
		    (status == HR_STATUS_DAMAGED && (st->pid <= 0 || hr_proc_start_time(st->pid) != st->pid_start));
	json_t *j = state_object(st->id, hr_status_name(status), dead ? 0 : st->pid, st->bundle, st->annotations,
				 st->n_annotations);

	json_object_set_new(j, "rootfs", json_string(st->rootfs ? st->rootfs : ""));
	json_object_set_new(j, "created", json_string(st->created ? st->created : ""));
	json_object_set_new(j, "owner", json_string(st->owner ? st->owner : ""));
	if (c->damage)
		json_object_set_new(j, "damage", json_string(c->damage));
	return j;
}

char *hr_container_state_json(struct hr_container *c)
{
	json_t *j = hr_container_state_object(c);
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(j);
	return text;
}

static int remove_tree_at(int dirfd, struct hr_error *err)
{
	DIR *d = fdopendir(dup(dirfd));
	struct dirent *de;
	int rc = 0;

	if (!d)
		return hr_error_set(err, errno, "read state directory");
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, HR_STATE_MARKER) == 0)
			continue;
		if (unlinkat(dirfd, de->d_name, de->d_type == DT_DIR ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT)
			rc = hr_error_set(err, errno, "remove `%s`", de->d_name);
	}
	closedir(d);
	return rc;
}

int hr_container_remove_dir(struct hr_container *c, struct hr_error *err)
{
	_cleanup_close_ int rootfd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (remove_tree_at(c->dirfd, err) < 0 ||
	    (unlinkat(c->dirfd, HR_STATE_MARKER, 0) < 0 && errno != ENOENT &&
	     hr_error_set(err, errno, "remove `%s`", HR_STATE_MARKER)))
		return hr_error_wrap(err, "delete state of container %s", c->id);
	if (rootfd < 0 || (unlinkat(rootfd, c->id, AT_REMOVEDIR) < 0 && errno != ENOENT))
		return hr_error_set(err, errno, "delete state directory of container %s", c->id);
	return 0;
}
