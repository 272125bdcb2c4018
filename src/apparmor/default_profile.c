/* Finding the hardrun-default profile file for `hardrun apparmor load`. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apparmor/default_profile.h"
#include "base/util.h"

#define DEFAULT_PROFILE "apparmor/hardrun-default"

char *hr_apparmor_default_profile_path(void)
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

