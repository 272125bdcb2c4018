/* Listing the state root: what `hardrun list` prints, one container at a
 * time. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/list.h"
#include "state/state.h"
#include "base/util.h"

/* The container ids under the root, sorted; each owner's name is looked up
 * once (getpwuid reads the passwd file on every call). */
struct list_walk {
	char **ids;
	size_t n, cap;
	uid_t owner_uid;
	char owner[64];            /* "" until the first lookup */
};

/* runc's OWNER: the user who owns the container's state */
static void fill_owner(json_t *o, int rootfd, const char *id, struct list_walk *w)
{
	const char *owner = json_string_value(json_object_get(o, "owner"));
	struct stat st;

	if ((owner && *owner) || fstatat(rootfd, id, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!*w->owner || w->owner_uid != st.st_uid) {
		struct passwd *pw = getpwuid(st.st_uid);

		if (pw)
			snprintf(w->owner, sizeof(w->owner), "%s", pw->pw_name);
		else
			snprintf(w->owner, sizeof(w->owner), "%u", (unsigned)st.st_uid);
		w->owner_uid = st.st_uid;
	}
	json_object_set_new(o, "owner", json_string(w->owner));
}

static int by_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Only hardrun's own dirs: a name that is a valid id with the marker. */
static void collect_ids(DIR *d, int rootfd, struct list_walk *w)
{
	struct dirent *de;

	while ((de = readdir(d))) {
		if (!hr_id_valid(de->d_name) || !hr_state_is_container(rootfd, de->d_name))
			continue;
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 64;
			w->ids = xrealloc(w->ids, w->cap * sizeof(*w->ids));
		}
		w->ids[w->n++] = xstrdup(de->d_name);
	}
	qsort(w->ids, w->n, sizeof(*w->ids), by_id);
}

/* One container's row; one that vanished or cannot be opened is skipped. */
static int list_one(const char *root, int rootfd, const char *id, struct list_walk *w, hr_state_list_fn *fn,
		    void *arg, struct hr_error *err)
{
	struct hr_container *c;
	struct hr_error ignored = { 0 };
	json_t *row;
	int rc;

	if (hr_container_open_at(rootfd, root, id, HR_OPEN_DAMAGED, &c, &ignored) < 0)
		return 0;
	row = hr_container_state_object(c);
	fill_owner(row, rootfd, id, w);
	hr_container_free(c);
	rc = fn(row, arg, err);
	json_decref(row);
	return rc;
}

int hr_state_list(const char *root, hr_state_list_fn *fn, void *arg, struct hr_error *err)
{
	struct list_walk w = { 0 };
	int rootfd, rc = 0;
	DIR *d;

	rootfd = hr_state_root_open(root, false, err);
	if (rootfd < 0 && err->errnum == ENOENT) {
		hr_error_clear(err);   /* no root yet: no containers */
		return 0;
	}
	if (rootfd < 0)
		return -1;
	d = fdopendir(rootfd);
	if (!d) {
		close(rootfd);
		return hr_error_set(err, errno, "read state root `%s`", root);
	}
	collect_ids(d, rootfd, &w);
	for (size_t i = 0; i < w.n && rc == 0; i++)
		rc = list_one(root, rootfd, w.ids[i], &w, fn, arg, err);
	for (size_t i = 0; i < w.n; i++)
		free(w.ids[i]);
	free(w.ids);
	closedir(d);
	return rc < 0 ? -1 : 0;
}
