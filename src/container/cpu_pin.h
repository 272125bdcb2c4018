/* The container process stays on one CPU from clone3 until just before the
 * workload's confinement (init.c), so that a tiny memory.max is not broken
 * by the memory controller's per-CPU charge stock. See cpu_pin.c. */
#ifndef HARDRUN_CPU_PIN_H
#define HARDRUN_CPU_PIN_H

#include <stdbool.h>
#include <sys/types.h>

#include "hardrun/error.h"

/* Pins the calling process to the CPU it runs on and remembers its
 * affinity. Best effort: when the affinity cannot be read or set, nothing
 * changes (the pin only avoids a kernel race, it enforces nothing). */
void hr_cpu_pin(void);

/* The same onto a given CPU (the runtime, to act from the CPU its
 * container process is pinned to): true when the caller runs there now.
 * hr_cpu_unpin undoes it in either case. */
bool hr_cpu_pin_to(int cpu);

/* Gives the process back the affinity it would have had without the pin;
 * a no-op when not pinned (the runtime's own hooks). Fails only if the
 * pin cannot be undone: the workload never starts narrowed to one CPU. */
int hr_cpu_unpin(struct hr_error *err);

/* The one CPU pid's affinity allows (a pinned container process), or -1
 * when it allows more than one or cannot be read. */
int hr_cpu_pinned(pid_t pid);

#endif
