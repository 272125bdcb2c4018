/* Seccomp profiles as files in the OCI linux.seccomp form (the shipped
 * profiles/seccomp/default.json), parsed with the config parser's rules. */
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>

#include "seccomp/seccomp.h"
#include "base/util.h"
#include "spec/internal.h"

/* The shipped default profile, embedded at build time (make runs from the
 * repository root). Editing the profile needs a rebuild of this file. */
__asm__(".pushsection .rodata\n"
	".global hr_seccomp_default_profile_text\n"
	".type hr_seccomp_default_profile_text, @object\n"
	"hr_seccomp_default_profile_text:\n"
	".incbin \"profiles/seccomp/default.json\"\n"
	".byte 0\n"
	".popsection\n");
extern const char hr_seccomp_default_profile_text[];

const char *hr_seccomp_default_profile_json(void)
{
	return hr_seccomp_default_profile_text;
}

int hr_seccomp_profile_parse(const char *json, const char *source_name, struct hr_seccomp **out,
			     struct hr_error *err)
{
	json_t *root = hr_json_parse(json, source_name, err);
	int rc;

	*out = NULL;
	if (!root)
		return -1;
	rc = hr_spec_parse_seccomp(root, "linux.seccomp", out, err);
	json_decref(root);
	if (rc < 0)
		return hr_error_wrap(err, "%s", source_name);
	return 0;
}

int hr_seccomp_profile_load_file(const char *path, struct hr_seccomp **out, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;

	*out = NULL;
	if (hr_read_file_at(AT_FDCWD, path, &text, NULL, err) < 0)
		return hr_error_wrap(err, "reading seccomp profile");
	return hr_seccomp_profile_parse(text, path, out, err);
}

void hr_seccomp_profile_free(struct hr_seccomp *s)
{
	hr_seccomp_free(s);
}
