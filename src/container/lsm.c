/* Container side: AppArmor exec label and no_new_privs (init.c steps 15-16). */
#include "container/lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "apparmor/apparmor.h"
#include "base/util.h"

int hr_lsm_apply_exec_label(const struct hr_process *p, struct hr_exec_label *deferred, struct hr_error *err)
{
	if (!p->apparmor_profile)
		return 0;
	if (!deferred)
		return hr_apparmor_apply_onexec(p->apparmor_profile, err);
	if (hr_apparmor_prepare_onexec(p->apparmor_profile, &deferred->aa, err) < 0)
		return -1;
	/* the finish opens it again after its execve */
	close(hr_steal_fd(deferred->aa.attr_fd));
	if (fcntl(deferred->aa.proc_fd, F_SETFD, 0) < 0)
		return hr_error_set(err, errno, "keep /proc open for hardrun-exec-finish");
	return 0;
}

int hr_lsm_set_no_new_privs(const struct hr_process *p, struct hr_error *err)
{
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return hr_error_set(err, errno, "set no_new_privs");
	return 0;
}
