/* The shipped default seccomp profile (profiles/seccomp/default.json) as
 * text, embedded at build time (make runs from the repository root; the
 * Makefile rebuilds this file when the profile changes). Plain data in the
 * spec layer, so the example config can carry it without importing the
 * seccomp compiler, and seccomp/profile.c serves it as its default. */
#include "spec/spec.h"

__asm__(".pushsection .rodata\n"
	".global hr_default_seccomp_profile_text\n"
	".type hr_default_seccomp_profile_text, @object\n"
	"hr_default_seccomp_profile_text:\n"
	".incbin \"profiles/seccomp/default.json\"\n"
	".byte 0\n"
	".popsection\n");
extern const char hr_default_seccomp_profile_text[];

const char *hr_spec_default_seccomp_json(void)
{
	return hr_default_seccomp_profile_text;
}
