/* Help printed from the same tables the parser reads, so that what
 * `hardrun VERB --help` lists is exactly what VERB accepts. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define HELP_COLUMN 30

static void print_option(FILE *out, char short_name, const char *name, const char *metavar,
			 const char *const *choices, const char *help)
{
	char left[128], value[96] = "";
	size_t used = 0;

	if (choices) {
		for (size_t i = 0; choices[i] && used < sizeof(value); i++)
			used += (size_t)snprintf(value + used, sizeof(value) - used, "%s%s", i ? "|" : "", choices[i]);
		metavar = value;
	}
	snprintf(left, sizeof(left), "  %c%c%c --%s%s%s", short_name ? '-' : ' ', short_name ? short_name : ' ',
		 short_name ? ',' : ' ', name, metavar ? " " : "", metavar ? metavar : "");
	if (strlen(left) + 2 > HELP_COLUMN)
		fprintf(out, "%s\n%*s%s\n", left, HELP_COLUMN, "", help);
	else
		fprintf(out, "%-*s%s\n", HELP_COLUMN, left, help);
}

void cli_print_options(FILE *out, const struct cli_option *opts)
{
	for (size_t i = 0; opts && opts[i].name; i++) {
		const struct cli_option *o = &opts[i];
		print_option(out, o->short_name, o->name, o->kind == CLI_FLAG ? NULL : o->metavar ? o->metavar : "VALUE",
			     o->choices, o->help);
	}
	print_option(out, 'h', "help", NULL, NULL, "show this help");
}

void cli_print_verb_help(FILE *out, const struct cli_verb *v)
{
	fprintf(out, "Usage: hardrun %s %s\n\n%s\n", v->name, v->usage, v->summary);
	if (v->description)
		fprintf(out, "\n%s\n", v->description);
	fprintf(out, "\nOptions:\n");
	cli_print_options(out, v->options);
}
