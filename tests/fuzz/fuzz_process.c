/* The process document of `exec --process FILE` (process.json). */
#include "fuzz_common.h"

#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct hr_error err = { 0 };
	struct hr_process p;

	if (hr_process_load_string(text, "fuzz/process.json", &p, &err) == 0) {
		(void)hr_env_get(p.env, "PATH");
		hr_process_clear(&p);
	}
	free(text);
	return 0;
}
