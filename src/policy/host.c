/* The host description the checkpoint decides against, probed once. */
#include "policy/policy.h"

#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "apparmor/apparmor.h"
#include "base/util.h"
#include "container/capabilities.h"
#include "policy/floor.h"

static bool has_effective_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[CAP_SYS_ADMIN / 32].effective & (1U << (CAP_SYS_ADMIN % 32));
}

void hr_host_probe(struct hr_host *h, const char *apparmor_profile)
{
	memset(h, 0, sizeof(*h));
	hr_caps_probe_host(&h->cap_last, &h->cap_bounding);
	h->apparmor_enabled = hr_apparmor_enabled();
	if (h->apparmor_enabled && apparmor_profile && strcmp(apparmor_profile, "unconfined") != 0)
		h->apparmor_profiles = hr_apparmor_loaded_profiles();
	h->can_clone_mounts = has_effective_sys_admin();
	h->live = true;
}

void hr_host_clear(struct hr_host *h)
{
	free(h->apparmor_profiles);
	h->apparmor_profiles = NULL;
	hr_policy_free(h->floor);
	h->floor = NULL;
	if (h->floor_host)
		free(h->floor_host->seccomp_cache);
	free(h->floor_host);
	h->floor_host = NULL;
}

int hr_host_load_floor(struct hr_host *h, const char *path, const char *root, const char *id,
		       bool allocate_ids, struct hr_error *err)
{
	if (hr_policy_load_host(path, &h->floor, err) < 0)
		return -1;
	if (!h->floor)
		return 0;
	h->floor_host = xcalloc(1, sizeof(*h->floor_host));
	hr_policy_host_probe(h->floor_host);
	h->floor_host->state_root = root;
	h->floor_host->container_id = id;
	h->floor_host->id_range = allocate_ids ? hr_policy_ids_allocate : hr_policy_ids_lookup;
	/* the rootfs is idmapped where launch opens it on the host side */
	h->floor_host->rootfs_idmap = h->can_clone_mounts;
	/* an injected profile is looked up in the kernel's list like an asked one */
	if (h->apparmor_enabled && !h->apparmor_profiles && h->floor->apparmor.mode != HR_POLICY_OFF)
		h->apparmor_profiles = hr_apparmor_loaded_profiles();
	return 0;
}
