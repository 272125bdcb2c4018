/* Container side: uid, gid, supplementary groups and umask of the workload;
 * the capability sets are applied in the same step (capabilities.c), since
 * only PR_SET_KEEPCAPS carries them across the uid change. */
#include "container/identity.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "container/capabilities.h"
#include "base/util.h"

static bool setgroups_denied(void)
{
	_cleanup_free_ char *text = NULL;
	struct hr_error ignored = { 0 };

	return hr_read_file_at(AT_FDCWD, "/proc/self/setgroups", &text, NULL, &ignored) == 0 &&
	       strncmp(text, "deny", 4) == 0;
}

int hr_identity_apply(const struct hr_process *p, struct hr_error *err)
{
	_cleanup_free_ gid_t *groups = xcalloc(p->user.n_additional_gids + 1, sizeof(gid_t));
	bool set_groups = true;

	for (size_t i = 0; i < p->user.n_additional_gids; i++)
		groups[i] = p->user.additional_gids[i];
	/* a user namespace mapped without privilege has setgroups denied */
	if (setgroups_denied()) {
		if (p->user.n_additional_gids)
			return hr_error_set(err, 0, "process.user.additionalGids cannot be set: setgroups is denied in "
						    "this user namespace (rootless without newgidmap)");
		set_groups = false;
	}
	if (hr_caps_change_identity_and_apply(&p->capabilities, p->user.uid, p->user.gid, groups,
					      p->user.n_additional_gids, set_groups, err) < 0)
		return -1;
	umask(p->user.has_umask ? p->user.umask : 022);
	return 0;
}
