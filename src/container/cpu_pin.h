/* The container process stays on one CPU from clone3 until just before the
 * workload's confinement (init.c), so that a tiny memory.max is not broken
 * by the memory controller's per-CPU charge stock. See cpu_pin.c. */
#ifndef HARDRUN_CPU_PIN_H
#define HARDRUN_CPU_PIN_H

#include <sched.h>
#include <sys/types.h>

#include "hardrun/error.h"

/* Pins the calling process to the CPU it runs on and remembers its
 * affinity. Best effort: when the affinity cannot be read or set, nothing
 * changes (the pin only avoids a kernel race, it enforces nothing). */
void hr_cpu_pin(void);

/* Gives the process back the affinity it would have had without the pin;
 * a no-op when not pinned (the runtime's own hooks). Fails only if the
 * pin cannot be undone: the workload never starts narrowed to one CPU. */
int hr_cpu_unpin(struct hr_error *err);

/* The affinity of pid (0: the caller), CPU_ALLOC'ed (free()) in a set
 * large enough for the kernel's CPU count, its size in *size; NULL on
 * error (errno). */
cpu_set_t *hr_cpu_get_affinity(pid_t pid, size_t *size);

/* The one CPU pid's affinity allows (a pinned container process), or -1
 * when it allows more than one or cannot be read. */
int hr_cpu_pinned(pid_t pid);

#endif
