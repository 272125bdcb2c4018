/* Shared by the libFuzzer targets: the parsers take C strings, libFuzzer
 * hands out unterminated bytes. A NUL inside the input ends the string, as
 * it would for a document read by the CLI (the file loaders refuse NULs). */
#ifndef HARDRUN_FUZZ_COMMON_H
#define HARDRUN_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
