/* `hardrun apparmor load [PROFILE_FILE]` and `hardrun apparmor status`. */
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "apparmor/apparmor.h"
#include "base/util.h"

#define DEFAULT_PROFILE "apparmor/hardrun-default"

/* The installed profile, else the one in the source tree the binary was
 * built in (./profiles relative to the binary, or to the working directory). */
static char *default_profile_path(void)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *p;

	p = xasprintf("%s/%s", HARDRUN_PROFILEDIR, DEFAULT_PROFILE);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			p = xasprintf("%s/../share/hardrun/profiles/%s", exe, DEFAULT_PROFILE);
			if (access(p, R_OK) == 0)
				return p;
			free(p);
			p = xasprintf("%s/profiles/%s", exe, DEFAULT_PROFILE);
			if (access(p, R_OK) == 0)
				return p;
			free(p);
		}
	}
	return xasprintf("profiles/%s", DEFAULT_PROFILE);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: hardrun apparmor load [PROFILE_FILE]   load (or replace) a profile;\n"
		   "                                              default: the hardrun-default profile\n"
		   "       hardrun apparmor status                whether AppArmor is enabled\n");
}

int cmd_apparmor(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	_cleanup_free_ char *path = NULL;

	(void)g;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "status") == 0 && argc == 2) {
		bool on = hr_apparmor_enabled();
		printf("AppArmor is %s on this host\n", on ? "enabled" : "not enabled");
		return on ? 0 : 1;
	}
	if (strcmp(argv[1], "load") == 0 && argc <= 3) {
		path = argc == 3 ? xstrdup(argv[2]) : default_profile_path();
		if (hr_apparmor_load_profile_file(path, err) < 0)
			return -1;
		printf("loaded AppArmor profile file %s\n", path);
		return 0;
	}
	return hr_error_set(err, 0, "apparmor: unknown subcommand or arguments (see hardrun apparmor --help)");
}
