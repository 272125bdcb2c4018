/* Container side: loads the compiled seccomp filter (step 13 or 17 of
 * init.c) and, for SCMP_ACT_NOTIFY, hands the notify fd to the listener. */
#include "container/handoff.h"

#include <unistd.h>

#include "state/state.h"
#include "base/util.h"

/* Under a host policy floor its filter goes first: the kernel takes the
 * stricter answer of the two, so the floor holds and only what it lets
 * through reaches the supervisor. */
static int install_supervised(struct hr_launch *l, struct hr_error *err)
{
	int notify_fd = -1;

	if (l->has_seccomp_floor && hr_seccomp_load(&l->seccomp_floor, &notify_fd, err) < 0)
		return -1;
	if (notify_fd >= 0) /* a floor that notifies has no agent here: those calls fail */
		close(notify_fd);
	return hr_seccomp_load_supervised(&l->seccomp, hr_steal_fd(l->listener_sock), l->supervisor_unprivileged,
					  err);
}

int hr_seccomp_install(struct hr_launch *l, pid_t host_pid, struct hr_error *err)
{
	int notify_fd = -1;
	_cleanup_free_ char *state = NULL;

	if (!l->has_seccomp)
		return 0;
	if (l->seccomp_supervised) /* profile learn/check (issue 14) */
		return install_supervised(l, err);
	if (hr_seccomp_load(&l->seccomp, &notify_fd, err) < 0)
		return -1;
	if (notify_fd < 0)
		return 0;
	if (l->listener_sock < 0) {
		close(notify_fd);
		return hr_error_set(err, 0, "seccomp: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
	}
	state = hr_state_json_make(l->id, "running", host_pid, l->bundle, l->spec);
	if (hr_seccomp_send_to_listener(l->listener_sock, notify_fd, state, l->spec->linux_.seccomp->listener_metadata,
					err) < 0)
		return -1;
	close(notify_fd);
	close(l->listener_sock);
	l->listener_sock = -1;
	return 0;
}
