/* spec [--bundle DIR] [--rootless]: write a starting config.json. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/hardrun.h"
#include "base/util.h"

enum { SPEC_BUNDLE, SPEC_ROOTLESS };
static const struct cli_option options[] = {
	[SPEC_BUNDLE] = { "bundle", 'b', CLI_VALUE, "DIR", NULL, "write DIR/config.json (default: .)" },
	[SPEC_ROOTLESS] = { "rootless", 0, CLI_FLAG, NULL, NULL, "a config for an unprivileged user (user namespace)" },
	{ NULL },
};

static int cmd_spec(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	const char *bundle = a->value[SPEC_BUNDLE] ? a->value[SPEC_BUNDLE] : ".";
	_cleanup_free_ char *json = NULL;
	_cleanup_close_ int dirfd = -1;
	_cleanup_close_ int fd = -1;

	(void)g;
	dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return hr_error_set(err, errno, "spec: bundle `%s`", bundle);
	json = hr_example_config(a->set[SPEC_ROOTLESS]);
	fd = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			return hr_error_set(err, 0, "spec: File %s/config.json exists. Remove it first", bundle);
		return hr_error_set(err, errno, "spec: create %s/config.json", bundle);
	}
	if (hr_write_all(fd, json, strlen(json)) < 0)
		return hr_error_set(err, errno, "spec: write config.json");
	return 0;
}

const struct cli_verb cli_verb_spec = {
	.name = "spec",
	.fn = cmd_spec,
	.summary = "write a starting config.json",
	.usage = "[OPTIONS]",
	.options = options,
	.min_args = 0,
	.max_args = 0,
	.args_error = "takes no arguments",
};
