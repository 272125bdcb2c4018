/* list [--quiet] [--format table|json]: the containers under --root. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hardrun/hardrun.h"

static const char *const formats[] = { "table", "json", NULL };

enum { LIST_QUIET, LIST_FORMAT };
static const struct cli_option options[] = {
	[LIST_QUIET] = { "quiet", 'q', CLI_FLAG, NULL, NULL, "print the ids only" },
	[LIST_FORMAT] = { "format", 'f', CLI_VALUE, NULL, formats, "output format (default table)" },
	{ NULL },
};

static void print_table(json_t *all, bool quiet)
{
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

static int cmd_list(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	const char *format = a->value[LIST_FORMAT];
	char *text;
	json_t *all;

	if (hr_lifecycle_list(g->root, &text, err) < 0)
		return -1;
	all = json_loads(text, 0, NULL);
	if (format && strcmp(format, "json") == 0)
		printf("%s\n", json_array_size(all) ? text : "null"); /* runc prints null for none */
	else
		print_table(all, a->set[LIST_QUIET]);
	json_decref(all);
	free(text);
	return 0;
}

const struct cli_verb cli_verb_list = {
	.name = "list",
	.fn = cmd_list,
	.summary = "list containers",
	.usage = "[OPTIONS]",
	.options = options,
	.min_args = 0,
	.max_args = 0,
	.args_error = "takes no arguments",
};
