/* The container process stays on one CPU from clone3 until just before the
 * workload's confinement (init.c), so that a tiny memory.max is not broken
 * by the memory controller's per-CPU charge stock. See cpu_pin.c. */
#ifndef HARDRUN_CPU_PIN_H
#define HARDRUN_CPU_PIN_H

#include "hardrun/error.h"

/* Pins the calling process to the CPU it runs on and remembers its
 * affinity. Best effort: when the affinity cannot be read or set, nothing
 * changes (the pin only avoids a kernel race, it enforces nothing). */
void hr_cpu_pin(void);

/* Gives the process back the affinity it would have had without the pin;
 * a no-op when not pinned (the runtime's own hooks). Fails only if the
 * pin cannot be undone: the workload never starts narrowed to one CPU. */
int hr_cpu_unpin(struct hr_error *err);

#endif
