/* `hardrun apparmor load [PROFILE_FILE]` and `hardrun apparmor status`. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hardrun/hardrun.h"

static const struct cli_option options[] = { { NULL } };

static int cmd_apparmor(struct hr_global *g, const struct cli_args *a, struct hr_error *err);

const struct cli_verb cli_verb_apparmor = {
	.name = "apparmor",
	.fn = cmd_apparmor,
	.summary = "load or inspect AppArmor profiles",
	.usage = "load [PROFILE_FILE] | status",
	.description = "load: load (or replace) a profile; default: the hardrun-default profile.\n"
		       "status: whether AppArmor is enabled on this host (exit 1 if not).",
	.options = options,
	.min_args = 0,
	.max_args = 2,
	.args_error = "unknown subcommand or arguments (see hardrun apparmor --help)",
};

static int cmd_apparmor(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	char *loaded = NULL;
	const char *sub = a->argc > 0 ? a->argv[0] : NULL;

	(void)g;
	if (!sub) {
		cli_print_verb_help(stderr, &cli_verb_apparmor);
		return 2;
	}
	if (strcmp(sub, "status") == 0 && a->argc == 1) {
		bool on = hr_apparmor_available();
		printf("AppArmor is %s on this host\n", on ? "enabled" : "not enabled");
		return on ? 0 : 1;
	}
	if (strcmp(sub, "load") == 0) {
		if (hr_apparmor_load(a->argc == 2 ? a->argv[1] : NULL, &loaded, err) < 0)
			return -1;
		printf("loaded AppArmor profile file %s\n", loaded);
		free(loaded);
		return 0;
	}
	return hr_error_set(err, 0, "apparmor: unknown subcommand or arguments (see hardrun apparmor --help)");
}
