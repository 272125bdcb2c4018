/* list [--quiet] [--format table|json]: the containers under --root. */
#include <stdio.h>
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

enum list_output { LIST_TABLE, LIST_IDS, LIST_JSON };

struct list_printer {
	enum list_output output;
	size_t rows;
};

/* Each row is printed as it comes: nothing is held but the row. */
static int print_row(const struct hr_list_entry *e, void *arg, struct hr_error *err)
{
	struct list_printer *p = arg;

	(void)err;
	if (p->output == LIST_JSON)
		printf("%s%s", p->rows ? "," : "[", e->json); /* one compact array, as runc */
	else if (p->output == LIST_IDS)
		printf("%s\n", e->id);
	else
		printf("%-20s %-8d %-10s %-40s %-30s %s\n", e->id, (int)e->pid, e->status, e->bundle, e->created,
		       e->owner);
	p->rows++;
	return 0;
}

static int cmd_list(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	const char *format = a->value[LIST_FORMAT];
	struct list_printer p = { .output = LIST_TABLE };

	if (format && strcmp(format, "json") == 0)
		p.output = LIST_JSON;
	else if (a->set[LIST_QUIET])
		p.output = LIST_IDS;
	if (p.output == LIST_TABLE)
		printf("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
	if (hr_lifecycle_list(g->root, print_row, &p, err) < 0)
		return -1;
	if (p.output == LIST_JSON)
		printf("%s\n", p.rows ? "]" : "null"); /* runc prints null for none */
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
