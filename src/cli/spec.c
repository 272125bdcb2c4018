#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spec/spec.h"
#include "base/util.h"

int cmd_spec(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	const char *bundle = ".";
	bool rootless = false;
	_cleanup_free_ char *json = NULL;
	_cleanup_close_ int dirfd = -1;
	_cleanup_close_ int fd = -1;

	(void)g;
	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "--bundle") == 0 || strcmp(argv[i], "-b") == 0) && i + 1 < argc)
			bundle = argv[++i];
		else if (strncmp(argv[i], "--bundle=", 9) == 0)
			bundle = argv[i] + 9;
		else if (strcmp(argv[i], "--rootless") == 0)
			rootless = true;
		else
			return hr_error_set(err, 0, "spec: unknown option \"%s\"", argv[i]);
	}
	dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return hr_error_set(err, errno, "spec: bundle `%s`", bundle);
	json = hr_spec_example_json(rootless);
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
