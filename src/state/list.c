/* Listing the state root: what `hardrun list` prints. */
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

/* runc's OWNER: the user who owns the container's state */
static void fill_owner(json_t *o, int rootfd, const char *id)
{
	const char *owner = json_string_value(json_object_get(o, "owner"));
	struct stat st;
	struct passwd *pw;
	char num[16];

	if ((owner && *owner) || fstatat(rootfd, id, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	pw = getpwuid(st.st_uid);
	snprintf(num, sizeof(num), "%u", (unsigned)st.st_uid);
	json_object_set_new(o, "owner", json_string(pw ? pw->pw_name : num));
}

static int by_id(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "id")),
		      json_string_value(json_object_get(*(json_t *const *)b, "id")));
}

static void sort_by_id(json_t *all)
{
	size_t n = json_array_size(all);
	json_t **v = xcalloc(n + 1, sizeof(*v));

	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(all, i));
	qsort(v, n, sizeof(*v), by_id);
	json_array_clear(all);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(all, v[i]);
	free(v);
}

int hr_state_list(const char *root, json_t **out, struct hr_error *err)
{
	json_t *all = json_array();
	struct dirent *de;
	DIR *d;
	int rootfd;

	*out = NULL;
	rootfd = hr_state_root_open(root, false, err);
	if (rootfd < 0 && err->errnum != ENOENT) {
		json_decref(all);
		return -1;
	}
	d = rootfd >= 0 ? fdopendir(rootfd) : NULL;
	while (d && (de = readdir(d))) {
		struct hr_container *c;
		struct hr_error ignored = { 0 };
		/* only hardrun's own dirs; a damaged one is listed as such */
		if (!hr_id_valid(de->d_name) || !hr_state_is_container(rootfd, de->d_name))
			continue;
		if (hr_container_open(root, de->d_name, HR_OPEN_DAMAGED, &c, &ignored) < 0)
			continue;
		json_t *o = hr_container_state_object(c);
		fill_owner(o, rootfd, de->d_name);
		json_array_append_new(all, o);
		hr_container_free(c);
	}
	sort_by_id(all);
	if (d)
		closedir(d);
	else if (rootfd >= 0)
		close(rootfd);
	*out = all;
	return 0;
}
