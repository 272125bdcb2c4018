/* The one argument parser every verb uses: getopt_long underneath, built
 * from the verb's option table, with runc's forms (--opt=value, --opt value,
 * -d, combined short flags -qf json) and errors that name the option. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* getopt values: short options return their letter, long-only ones
 * OPT_BASE + their index in the table. */
#define OPT_BASE 256

static size_t count_options(const struct cli_option *opts)
{
	size_t n = 0;

	while (opts && opts[n].name)
		n++;
	return n;
}

/* The getopt_long tables for opts plus -h/--help (index n). */
static void build_getopt(const struct cli_option *opts, size_t n, enum cli_order order, struct option *longs,
			 char *shorts)
{
	char *s = shorts;

	/* "+" stops at the first positional; ":" reports a missing value apart */
	if (order == CLI_OPTIONS_FIRST)
		*s++ = '+';
	*s++ = ':';
	for (size_t i = 0; i < n; i++) {
		int has_arg = opts[i].kind == CLI_FLAG ? no_argument : required_argument;
		longs[i] = (struct option){ opts[i].name, has_arg, NULL,
					    opts[i].short_name ? opts[i].short_name : OPT_BASE + (int)i };
		if (opts[i].short_name) {
			*s++ = opts[i].short_name;
			if (has_arg == required_argument)
				*s++ = ':';
		}
	}
	longs[n] = (struct option){ "help", no_argument, NULL, 'h' };
	longs[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	*s++ = 'h';
	*s = '\0';
}

/* Index in opts of getopt's value c, -1 for help, -2 if none. */
static int option_index(const struct cli_option *opts, size_t n, int c)
{
	if (c >= OPT_BASE && (size_t)(c - OPT_BASE) < n)
		return c - OPT_BASE;
	for (size_t i = 0; i < n; i++)
		if (opts[i].short_name && opts[i].short_name == c)
			return (int)i;
	return c == 'h' ? -1 : -2;
}

/* getopt's '?' or ':' as an error naming the option as the user wrote it. */
static int option_error(const char *what, int c, const struct cli_option *opts, size_t n, char **argv,
			struct hr_error *err)
{
	int i = optopt ? option_index(opts, n, optopt) : -2;
	const char *name = i >= 0 ? opts[i].name : "help";

	if (c == ':' && i != -2)
		return hr_error_set(err, 0, "%s: option \"--%s\" needs a value", what, name);
	if (i != -2) /* a known option refusing the value given with "=" */
		return hr_error_set(err, 0, "%s: option \"--%s\" takes no value", what, name);
	if (optopt && optopt < OPT_BASE)
		return hr_error_set(err, 0, "%s: unknown option \"-%c\"", what, optopt);
	const char *arg = argv[optind - 1];
	return hr_error_set(err, 0, "%s: unknown option \"%.*s\"", what, (int)strcspn(arg, "="), arg);
}

static int check_choice(const char *what, const struct cli_option *o, const char *v, struct hr_error *err)
{
	char allowed[256] = "";
	size_t used = 0;

	if (!o->choices)
		return 0;
	for (size_t i = 0; o->choices[i]; i++) {
		if (strcmp(v, o->choices[i]) == 0)
			return 0;
		if (used < sizeof(allowed))
			used += (size_t)snprintf(allowed + used, sizeof(allowed) - used, "%s%s", i ? ", " : "",
						 o->choices[i]);
	}
	return hr_error_set(err, 0, "%s: invalid value \"%s\" for --%s (allowed: %s)", what, v, o->name, allowed);
}

static void store(const struct cli_option *o, size_t i, const char *v, struct cli_args *out)
{
	out->set[i] = true;
	if (o->kind == CLI_VALUE) {
		out->value[i] = v;
	} else if (o->kind == CLI_LIST) {
		size_t len = 0;
		while (out->list[i] && out->list[i][len])
			len++;
		char **grown = realloc(out->list[i], (len + 2) * sizeof(char *));
		if (!grown)
			abort(); /* as the library's x-allocators: no memory to report with */
		out->list[i] = grown;
		out->list[i][len] = (char *)v;
		out->list[i][len + 1] = NULL;
	}
}

int cli_parse(const char *what, const struct cli_option *opts, enum cli_order order, int argc, char **argv,
	      struct cli_args *out, struct hr_error *err)
{
	size_t n = count_options(opts);
	struct option longs[CLI_MAX_OPTIONS + 1];
	char shorts[3 * CLI_MAX_OPTIONS + 4];
	int c;

	*out = (struct cli_args){ 0 };
	if (n >= CLI_MAX_OPTIONS)
		return hr_error_set(err, 0, "%s: too many options in its table", what);
	build_getopt(opts, n, order, longs, shorts);
	opterr = 0;
	optind = 0; /* 0: glibc starts afresh, re-reading "+" for this table */
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == '?' || c == ':') {
			cli_args_clear(out);
			return option_error(what, c, opts, n, argv, err);
		}
		int i = option_index(opts, n, c);
		if (i == -1) {
			out->help = true;
			continue;
		}
		if (opts[i].kind != CLI_FLAG && check_choice(what, &opts[i], optarg, err) < 0) {
			cli_args_clear(out);
			return -1;
		}
		store(&opts[i], (size_t)i, optarg, out);
	}
	out->argc = argc - optind;
	out->argv = argv + optind;
	return 0;
}

void cli_args_clear(struct cli_args *a)
{
	for (size_t i = 0; i < CLI_MAX_OPTIONS; i++) {
		free(a->list[i]);
		a->list[i] = NULL;
	}
}

int cli_parse_verb(const struct cli_verb *v, int argc, char **argv, struct cli_args *out, struct hr_error *err)
{
	if (cli_parse(v->name, v->options, v->order, argc, argv, out, err) < 0)
		return -1;
	if (out->help)
		return 0;
	if (out->argc < v->min_args || (v->max_args >= 0 && out->argc > v->max_args)) {
		cli_args_clear(out);
		return hr_error_set(err, 0, "%s: %s", v->name, v->args_error ? v->args_error : "wrong number of arguments");
	}
	return 0;
}

bool cli_parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

int cli_parse_count(const char *verb, const char *option, const char *v, int max, int *out, struct hr_error *err)
{
	unsigned long long n;

	if (!cli_parse_u64(v, &n) || n > (unsigned long long)max)
		return hr_error_set(err, 0, "%s: invalid --%s \"%s\"", verb, option, v);
	*out = (int)n;
	return 0;
}
