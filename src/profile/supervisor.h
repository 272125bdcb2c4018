/* The seccomp supervisor of `profile learn` and `profile check`: a thread
 * of the foreground runtime that answers every notification of the
 * container's supervised filter, recording it first. */
#ifndef HARDRUN_PROFILE_SUPERVISOR_H
#define HARDRUN_PROFILE_SUPERVISOR_H

#include <linux/seccomp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "hardrun/error.h"
#include "profile/record.h"

/* How to answer one notification (after it is recorded). Default (NULL):
 * let the syscall run (SECCOMP_USER_NOTIF_FLAG_CONTINUE). */
typedef void (*hr_supervisor_decide_fn)(void *ud, const struct seccomp_notif *n, struct seccomp_notif_resp *resp);

struct hr_supervisor {
	int notify_fd;               /* owned */
	struct hr_recording *rec;    /* borrowed */
	hr_supervisor_decide_fn decide;
	void *decide_ud;
	pthread_t thread;
	bool running;
	atomic_int stop;
	int failed_errno;            /* the loop ended on an error, not because the workload ended */
	unsigned long long answered;
};

/* Starts the thread; takes notify_fd. */
int hr_supervisor_start(struct hr_supervisor *s, int notify_fd, struct hr_recording *rec, struct hr_error *err);
/* Ends the thread (it also ends by itself when no process uses the filter). */
void hr_supervisor_stop(struct hr_supervisor *s);

#endif
