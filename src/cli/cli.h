/* Thin command-line layer: one file per verb, each describing its options
 * in a table (struct cli_verb) that one parser reads (args.c) and the help
 * is printed from (help.c); the verb then calls the hardrun.h facade. */
#ifndef HARDRUN_CLI_H
#define HARDRUN_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "hardrun/error.h"

struct hr_global {
	const char *root;        /* --root, default /run/hardrun */
	const char *log_path;
	bool log_json;
	bool debug;
	bool systemd_cgroup;
	const char *policy;      /* --policy FILE: the host policy (default /etc/hardrun/policy.json) */
};

enum cli_arg_kind {
	CLI_FLAG,                /* no value */
	CLI_VALUE,               /* one value; the last one given wins */
	CLI_LIST,                /* repeatable; every value kept, in order */
};

struct cli_option {
	const char *name;             /* long name, without "--"; NULL ends a table */
	char short_name;              /* 0: long form only */
	enum cli_arg_kind kind;
	const char *metavar;          /* the value's name in help ("DIR") */
	const char *const *choices;   /* allowed values, NULL-terminated; NULL: any */
	const char *help;
};

/* Room for the options of the largest verb (exec) and the added --help. */
#define CLI_MAX_OPTIONS 24

/* What the parser found, indexed like the verb's option table. */
struct cli_args {
	bool set[CLI_MAX_OPTIONS];
	const char *value[CLI_MAX_OPTIONS];   /* CLI_VALUE: the last value given */
	char **list[CLI_MAX_OPTIONS];         /* CLI_LIST: NULL-terminated, or NULL */
	int argc;                             /* the positional arguments */
	char **argv;
	bool help;                            /* -h / --help was given */
};

enum cli_order {
	CLI_PERMUTE,             /* options anywhere, as runc's `update ID --memory 1m` */
	CLI_OPTIONS_FIRST,       /* options end at the first positional (exec, ps: a command follows) */
};

/* Each verb returns the process exit status (>= 0), or -1 with err set. */
typedef int (*hr_cmd_fn)(struct hr_global *g, const struct cli_args *a, struct hr_error *err);

struct cli_verb {
	const char *name;
	hr_cmd_fn fn;
	const char *summary;          /* one line, for `hardrun --help` */
	const char *usage;            /* after "hardrun VERB ", e.g. "[OPTIONS] ID" */
	const char *description;      /* a paragraph for `hardrun VERB --help`, or NULL */
	const struct cli_option *options;
	enum cli_order order;
	int min_args, max_args;       /* positional arguments; max -1: no limit */
	const char *args_error;       /* said when their number is wrong */
	int fail_status;              /* exit status when the verb fails; 0 means 1 */
};

/* Parses argv[1..] (argv[0] is the verb or program name) against opts.
 * Unknown options, missing values and values outside an option's choices
 * are errors naming the option. Returns 0; out->list vectors are owned by
 * out (cli_args_clear). */
int cli_parse(const char *what, const struct cli_option *opts, enum cli_order order, int argc, char **argv,
	      struct cli_args *out, struct hr_error *err);
void cli_args_clear(struct cli_args *a);

/* Parses for verb v, including the number of positional arguments. */
int cli_parse_verb(const struct cli_verb *v, int argc, char **argv, struct cli_args *out, struct hr_error *err);

/* Help generated from the tables. */
void cli_print_options(FILE *out, const struct cli_option *opts);
void cli_print_verb_help(FILE *out, const struct cli_verb *v);

/* The id is the first positional argument of most verbs. */
static inline const char *cli_id(const struct cli_args *a)
{
	return a->argc > 0 ? a->argv[0] : NULL;
}

/* A decimal number without sign, as strtoull reads it to the end. */
bool cli_parse_u64(const char *s, unsigned long long *out);

/* A --preserve-fds style count in [0, max]. */
int cli_parse_count(const char *verb, const char *option, const char *v, int max, int *out, struct hr_error *err);

extern const struct cli_verb cli_verb_create, cli_verb_start, cli_verb_run, cli_verb_state, cli_verb_kill,
	cli_verb_delete, cli_verb_list, cli_verb_spec, cli_verb_exec, cli_verb_ps, cli_verb_pause,
	cli_verb_resume, cli_verb_update, cli_verb_events, cli_verb_features, cli_verb_apparmor,
	cli_verb_profile, cli_verb_policy, cli_verb_inspect, cli_verb_sandbox;

#endif
