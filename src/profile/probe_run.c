#include "profile/probe.h"

int hr_profile_probe(const char *root, const char *bundle, bool debug, json_t **report,
		     struct hr_error *err)
{
	(void)root; (void)bundle; (void)debug; *report = NULL;
	return hr_error_set(err, 0, "profile probe: not yet");
}

void hr_profile_probe_print(const json_t *report, FILE *out)
{
	(void)report; (void)out;
}
