/* The host description the checkpoint decides against, probed once. */
#include "policy/policy.h"

#include <stdlib.h>
#include <string.h>

#include "apparmor/apparmor.h"
#include "container/capabilities.h"

void hr_host_probe(struct hr_host *h, const char *apparmor_profile)
{
	memset(h, 0, sizeof(*h));
	hr_caps_probe_host(&h->cap_last, &h->cap_bounding);
	h->apparmor_enabled = hr_apparmor_enabled();
	if (h->apparmor_enabled && apparmor_profile && strcmp(apparmor_profile, "unconfined") != 0)
		h->apparmor_profiles = hr_apparmor_loaded_profiles();
	h->live = true;
}

void hr_host_clear(struct hr_host *h)
{
	free(h->apparmor_profiles);
	h->apparmor_profiles = NULL;
}
