/* features: the runtime-spec features document of this build and host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "hardrun/hardrun.h"

static const struct cli_option options[] = { { NULL } };

static int cmd_features(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	char *text;

	(void)g;
	if (a->argc > 0)
		return hr_error_set(err, 0, "features: unexpected argument \"%s\"", a->argv[0]);
	if (hr_features_json(&text, err) < 0)
		return -1;
	printf("%s\n", text);
	free(text);
	return fflush(stdout) == 0 ? 0 : hr_error_set(err, errno, "features: writing to stdout");
}

const struct cli_verb cli_verb_features = {
	.name = "features",
	.fn = cmd_features,
	.summary = "print the features this build supports",
	.usage = "",
	.description = "The runtime-spec features document (JSON) for this build on this host.",
	.options = options,
	.min_args = 0,
	.max_args = -1, /* an argument is refused naming it */
};
