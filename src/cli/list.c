#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/state.h"
#include "hardrun/util.h"

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
		else if ((strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--format") == 0) && i + 1 < argc)
			json = strcmp(argv[++i], "json") == 0;
		else if (strcmp(argv[i], "--format=json") == 0)
			json = true;
		else if (strcmp(argv[i], "--format=table") != 0)
			return hr_error_set(err, 0, "list: unknown option \"%s\"", argv[i]);
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
		json_array_append_new(all, hr_container_state_object(c));
		hr_container_free(c);
	}
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
