/* Container side: AppArmor exec label and no_new_privs (init.c steps 15-16). */
#include "container/lsm.h"

#include <errno.h>
#include <sys/prctl.h>

#include "apparmor/apparmor.h"

int hr_lsm_apply_exec_label(const struct hr_process *p, struct hr_error *err)
{
	if (p->apparmor_profile && hr_apparmor_apply_onexec(p->apparmor_profile, err) < 0)
		return -1;
	return 0;
}

int hr_lsm_set_no_new_privs(const struct hr_process *p, struct hr_error *err)
{
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return hr_error_set(err, errno, "set no_new_privs");
	return 0;
}
