/* A scratch state root for unit tests: a fresh directory under /tmp, and
 * its removal with everything in it. Include after cmocka.h. */
#ifndef HARDRUN_TESTS_SCRATCH_ROOT_H
#define HARDRUN_TESTS_SCRATCH_ROOT_H

#include <stdlib.h>

#include "base/util.h"

static inline char *new_root(void)
{
	char tmpl[] = "/tmp/hardrun-unit-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static inline void rm_root(char *root)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", root);

	assert_int_equal(system(cmd), 0);
	free(root);
}

#endif
