/* The verbs that take just an id: start, state, delete, kill. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hardrun/hardrun.h"
#include "state/state.h"
#include "base/util.h"

/* Parses [flags] ID [extra]; flags is a list of long names taking no value. */
static int parse_id_args(int argc, char **argv, const char *const *flags, bool *set, int max_extra,
			 const char **id, const char **extra, struct hr_error *err)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i] + (argv[i][1] == '-' ? 2 : 1);
		bool found = false;
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		for (int f = 0; flags && flags[f]; f++) {
			if (strcmp(a, flags[f]) == 0 || (a[1] == '\0' && a[0] == flags[f][0])) {
				set[f] = found = true;
				break;
			}
		}
		if (!found)
			return hr_error_set(err, 0, "%s: unknown option \"%s\"", argv[0], argv[i]);
	}
	if (i >= argc || argc - i - 1 > max_extra)
		return hr_error_set(err, 0, "%s: expected a container id%s", argv[0], max_extra ? " [and a signal]" : "");
	*id = argv[i];
	if (extra)
		*extra = i + 1 < argc ? argv[i + 1] : NULL;
	return 0;
}

int cmd_start(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	const char *id;

	if (parse_id_args(argc, argv, NULL, NULL, 0, &id, NULL, err) < 0)
		return -1;
	return hr_lifecycle_start(g->root, id, err) < 0 ? -1 : 0;
}

int cmd_state(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	struct hr_container *c;
	const char *id;
	char *json;

	if (parse_id_args(argc, argv, NULL, NULL, 0, &id, NULL, err) < 0 ||
	    hr_container_load(g->root, id, &c, err) < 0)
		return -1;
	json = hr_container_state_json(c);
	printf("%s\n", json);
	free(json);
	hr_container_free(c);
	return 0;
}

int cmd_delete(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	static const char *const flags[] = { "force", NULL };
	bool set[1] = { false };
	const char *id;

	if (parse_id_args(argc, argv, flags, set, 0, &id, NULL, err) < 0)
		return -1;
	if (hr_lifecycle_delete(g->root, id, set[0], err) < 0) {
		/* runc: delete --force of a missing container succeeds */
		if (set[0] && strstr(err->msg, "does not exist"))
			return 0;
		return -1;
	}
	return 0;
}

int cmd_kill(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	static const char *const flags[] = { "all", NULL };
	bool set[1] = { false };
	const char *id, *signame;
	int sig = 15;

	if (parse_id_args(argc, argv, flags, set, 1, &id, &signame, err) < 0)
		return -1;
	if (signame && (sig = hr_signal_parse(signame)) < 0)
		return hr_error_set(err, 0, "invalid signal \"%s\"", signame);
	return hr_lifecycle_kill(g->root, id, sig, set[0], err) < 0 ? -1 : 0;
}
