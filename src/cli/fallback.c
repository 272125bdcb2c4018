/* Verbs whose implementation lives in its own file once its module lands;
 * until then (and only then) these weak definitions answer clearly. */
#include "cli.h"

#define FALLBACK(verb)                                                                        \
	__attribute__((weak)) int cmd_##verb(struct hr_global *g, int argc, char **argv,      \
					     struct hr_error *err)                            \
	{                                                                                     \
		(void)g; (void)argc; (void)argv;                                              \
		return hr_error_set(err, 0, "%s: not supported by this build of hardrun", #verb); \
	}

FALLBACK(exec)
FALLBACK(ps)
FALLBACK(pause)
FALLBACK(resume)
FALLBACK(update)
FALLBACK(events)
FALLBACK(features)
FALLBACK(apparmor)
