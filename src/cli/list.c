#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "state/state.h"
#include "base/util.h"

static int parse_format(const char *v, bool *json, struct hr_error *err)
{
	if (strcmp(v, "json") != 0 && strcmp(v, "table") != 0)
		return hr_error_set(err, 0, "list: --format must be table or json, not \"%s\"", v);
	*json = strcmp(v, "json") == 0;
	return 0;
}

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

int cmd_list(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	bool json = false, quiet = false;
	DIR *d;
	struct dirent *de;
	int rootfd;
	json_t *all = json_array();

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
			quiet = true;
		else if ((strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--format") == 0) && i + 1 < argc) {
			if (parse_format(argv[++i], &json, err) < 0)
				return -1;
		} else if (strncmp(argv[i], "--format=", 9) == 0) {
			if (parse_format(argv[i] + 9, &json, err) < 0)
				return -1;
		} else {
			return hr_error_set(err, 0, "list: unknown option \"%s\"", argv[i]);
		}
	}
	rootfd = hr_state_root_open(g->root, false, err);
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
		if (hr_container_open(g->root, de->d_name, HR_OPEN_DAMAGED, &c, &ignored) < 0)
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
	if (json) {
		char *s = json_dumps(all, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("%s\n", json_array_size(all) ? s : "null");
		free(s);
	} else {
		size_t i;
		json_t *e;
		if (!quiet)
			printf("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
		json_array_foreach(all, i, e) {
			if (quiet)
				printf("%s\n", json_string_value(json_object_get(e, "id")));
			else
				printf("%-20s %-8lld %-10s %-40s %-30s %s\n", json_string_value(json_object_get(e, "id")),
				       json_integer_value(json_object_get(e, "pid")),
				       json_string_value(json_object_get(e, "status")),
				       json_string_value(json_object_get(e, "bundle")),
				       json_string_value(json_object_get(e, "created")),
				       json_string_value(json_object_get(e, "owner")));
		}
	}
	json_decref(all);
	return 0;
}
