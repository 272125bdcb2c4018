/* config.json: the whole spec loader (hr_spec_load_string), as `create` and
 * `run` read a bundle's config.json. */
#include "fuzz_common.h"

#include <stdio.h>

#include "spec/spec.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* What `hardrun spec` writes must load: a broken example fails the run. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct hr_error err = { 0 };
	struct hr_spec *spec = NULL;

	(void)argc;
	(void)argv;
	for (int rootless = 0; rootless < 2; rootless++) {
		char *text = hr_spec_example_json(rootless);
		if (hr_spec_load_string(text, "hardrun spec", &spec, &err) < 0) {
			fprintf(stderr, "fuzz_config: hr_spec_example_json(%d): %s\n", rootless, err.msg);
			abort();
		}
		hr_spec_free(spec);
		free(text);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct hr_error err = { 0 };
	struct hr_spec *spec = NULL;

	if (hr_spec_load_string(text, "fuzz/config.json", &spec, &err) == 0) {
		/* what later stages look at first */
		(void)hr_spec_find_ns(spec, HR_NS_USER);
		(void)hr_spec_find_ns(spec, HR_NS_MOUNT);
		if (spec->has_process)
			(void)hr_env_get(spec->process.env, "PATH");
		hr_spec_free(spec);
	}
	free(text);
	return 0;
}
