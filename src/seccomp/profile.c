/* Seccomp profiles as files in the OCI linux.seccomp form (the shipped
 * profiles/seccomp/default.json), parsed with the config parser's rules
 * (spec/seccomp.c, through spec.h). */
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>

#include "seccomp/seccomp.h"
#include "base/util.h"

/* The shipped default profile: its text is embedded one layer down, in
 * spec/default_seccomp.c, where the example config takes it from too. */
const char *hr_seccomp_default_profile_json(void)
{
	return hr_spec_default_seccomp_json();
}

int hr_seccomp_profile_parse(const char *json, const char *source_name, struct hr_seccomp **out,
			     struct hr_error *err)
{
	return hr_spec_parse_seccomp_text(json, source_name, out, err);
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
