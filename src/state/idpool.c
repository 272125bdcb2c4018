/* Host id ranges for injected user namespaces: each container gets its own
 * range from the policy's pool, so no two containers share host ids.
 *
 * <root>/@userns-pool holds one line per allocation, "START SIZE PID
 * PIDSTART ID" ('@' is never in a container id, so it cannot collide with a
 * container dir). Every change happens under flock of the state root
 * directory itself (no lock file to leave behind) and is written by atomic
 * rename; the file goes when its last range does. A range belongs to its container while
 * the container's dir exists; before that (create is still on its way) it
 * belongs to the allocating process, named by pid and start time. An entry
 * with neither is stale (create was killed before its dir existed) and is
 * reclaimed; one with a dir is released by delete, --force included. */
#include "state/state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/util.h"

#define POOL_FILE "@userns-pool"

struct pool_entry {
	uint32_t start, size;
	pid_t pid;
	unsigned long long pid_start;
	char id[256];
};

struct pool {
	int rootfd;            /* the state root, flocked */
	struct pool_entry *v;
	size_t n;
};

static void pool_close(struct pool *p)
{
	if (p->rootfd >= 0)
		close(p->rootfd); /* releases the flock */
	free(p->v);
}

static int pool_read(struct pool *p, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;
	struct hr_error read_err;

	if (hr_read_file_at(p->rootfd, POOL_FILE, &text, NULL, &read_err) < 0) {
		if (read_err.errnum == ENOENT)
			return 0;
		*err = read_err;
		return hr_error_wrap(err, "user namespace id pool");
	}
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct pool_entry e = { 0 };
		int pid;
		if (sscanf(l, "%" SCNu32 " %" SCNu32 " %d %llu %255s", &e.start, &e.size, &pid,
			   &e.pid_start, e.id) != 5 || !hr_id_valid(e.id))
			return hr_error_set(err, 0, "user namespace id pool %s: malformed line \"%s\"",
					    POOL_FILE, l);
		e.pid = pid;
		p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
		p->v[p->n++] = e;
	}
	return 0;
}

/* 0 and the pool locked and read; 1 when there is none and !create. */
static int pool_open(const char *root, bool create, struct pool *p, struct hr_error *err)
{
	*p = (struct pool){ .rootfd = -1 };
	p->rootfd = hr_state_root_open(root, create, err);
	if (p->rootfd < 0)
		return -1;
	/* no pool file: nothing was ever allocated here (release and lookup
	 * then touch nothing) */
	if (!create && faccessat(p->rootfd, POOL_FILE, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
		return 1;
	while (flock(p->rootfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return hr_error_set(err, errno, "lock the user namespace id pool");
	return pool_read(p, err);
}

static int pool_write(struct pool *p, struct hr_error *err)
{
	char *text;

	if (p->n == 0) {
		if (unlinkat(p->rootfd, POOL_FILE, 0) < 0 && errno != ENOENT)
			return hr_error_set(err, errno, "remove the empty user namespace id pool");
		return 0;
	}
	text = xstrdup("");

	for (size_t i = 0; i < p->n; i++) {
		char *next = xasprintf("%s%" PRIu32 " %" PRIu32 " %d %llu %s\n", text, p->v[i].start,
				       p->v[i].size, (int)p->v[i].pid, p->v[i].pid_start, p->v[i].id);
		free(text);
		text = next;
	}
	int rc = hr_write_file_atomic_at(p->rootfd, POOL_FILE, text, strlen(text), err);
	free(text);
	return rc < 0 ? hr_error_wrap(err, "user namespace id pool") : 0;
}

static bool entry_live(const struct pool *p, const struct pool_entry *e)
{
	if (hr_state_is_container(p->rootfd, e->id))
		return true;
	return e->pid > 0 && hr_proc_start_time(e->pid) == e->pid_start;
}

static void drop_stale(struct pool *p)
{
	size_t out = 0;

	for (size_t i = 0; i < p->n; i++)
		if (entry_live(p, &p->v[i]))
			p->v[out++] = p->v[i];
	p->n = out;
}

/* The lowest start in [lo, lo+span) aligned to size not overlapping any entry. */
static bool find_gap(const struct pool *p, uint64_t lo, uint64_t span, uint32_t size,
		     uint32_t *out)
{
	for (uint64_t s = lo; s + size <= lo + span; s += size) {
		bool clash = false;
		for (size_t i = 0; i < p->n && !clash; i++)
			clash = s < (uint64_t)p->v[i].start + p->v[i].size && p->v[i].start < s + size;
		if (!clash) {
			*out = (uint32_t)s;
			return true;
		}
	}
	return false;
}

int hr_idpool_allocate(const char *root, const char *id, const struct hr_idpool_cfg *cfg,
		       uint32_t *start, struct hr_error *err)
{
	struct pool p;
	int rc = -1;

	if (cfg->start == 0 || cfg->range == 0 || (uint64_t)cfg->start + cfg->size > UINT32_MAX)
		return hr_error_set(err, 0, "user namespace id pool: invalid pool");
	if (pool_open(root, true, &p, err) == 0) {
		drop_stale(&p);
		for (size_t i = 0; i < p.n; i++)
			if (strcmp(p.v[i].id, id) == 0) {
				hr_error_set(err, 0, "container with id %s already exists (it holds user "
					     "namespace ids %u-%u)", id, p.v[i].start, p.v[i].start + p.v[i].size - 1);
				pool_close(&p);
				return -1;
			}
		if (!find_gap(&p, cfg->start, cfg->size, cfg->range, start)) {
			hr_error_set(err, 0, "user namespace id pool %u-%u is exhausted (%zu containers of "
				     "%u ids)", cfg->start, cfg->start + cfg->size - 1, p.n, cfg->range);
		} else {
			struct pool_entry e = { .start = *start, .size = cfg->range, .pid = getpid(),
						.pid_start = hr_proc_start_time(getpid()) };
			snprintf(e.id, sizeof(e.id), "%s", id);
			p.v = xrealloc(p.v, (p.n + 1) * sizeof(*p.v));
			p.v[p.n++] = e;
			rc = pool_write(&p, err);
		}
	}
	pool_close(&p);
	return rc;
}

int hr_idpool_release(const char *root, const char *id, bool only_own, struct hr_error *err)
{
	struct pool p;
	size_t out = 0, before;
	int rc = pool_open(root, false, &p, err);

	if (rc == 0) {
		before = p.n;
		for (size_t i = 0; i < p.n; i++)
			if (strcmp(p.v[i].id, id) != 0 || (only_own && p.v[i].pid != getpid()))
				p.v[out++] = p.v[i];
		p.n = out;
		rc = before == out ? 0 : pool_write(&p, err);
	}
	pool_close(&p);
	return rc > 0 ? 0 : rc;
}

int hr_idpool_lookup(const char *root, const char *id, uint32_t *start, uint32_t *size,
		     struct hr_error *err)
{
	struct pool p;
	int rc = pool_open(root, false, &p, err);

	if (rc > 0)
		rc = 0;
	else if (rc == 0)
		for (size_t i = 0; i < p.n && rc == 0; i++)
			if (strcmp(p.v[i].id, id) == 0) {
				*start = p.v[i].start;
				*size = p.v[i].size;
				rc = 1;
			}
	pool_close(&p);
	return rc;
}
