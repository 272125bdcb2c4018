/* The sd-bus calls of the systemd driver; only for src/cgroup/systemd*.c. */
#ifndef HARDRUN_CGROUP_SYSTEMD_BUS_H
#define HARDRUN_CGROUP_SYSTEMD_BUS_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "cgroup/systemd.h"
#include "cgroup/systemd_lib.h"
#include "hardrun/error.h"

void hr_sd_bus_closep(sd_bus **bus);
#define _cleanup_bus_ __attribute__((cleanup(hr_sd_bus_closep)))

/* The system manager (system bus, or /run/systemd/private as root), or the
 * user's (session bus). The error names what could not be reached. */
int hr_sd_bus_open(bool user, sd_bus **out, struct hr_error *err);
int hr_sd_new_call(sd_bus *bus, sd_bus_message **m, const char *method, struct hr_error *err);
/* Calls m (a manager method returning a job) and waits for JobRemoved of
 * that job; its result must be "done". call_error gets the D-Bus error of
 * the call itself (for UnitExists). */
int hr_sd_call_job(sd_bus *bus, sd_bus_message *m, const char *what, struct hr_error *err,
		   sd_bus_error *call_error);
int hr_sd_start_transient(sd_bus *bus, const char *unit, const struct hr_sd_props *props, sd_bus_error *call_error,
			  struct hr_error *err);
/* SetUnitProperties(unit, runtime=true, props). */
int hr_sd_set_properties(sd_bus *bus, const char *unit, const struct hr_sd_props *props, struct hr_error *err);
/* GetUnit: *path NULL when systemd does not know the unit. */
int hr_sd_unit_path(sd_bus *bus, const char *unit, char **path, struct hr_error *err);
int hr_sd_unit_string(sd_bus *bus, const char *unit, const char *iface, const char *prop, char **out,
		      struct hr_error *err);
int hr_sd_unit_u64(sd_bus *bus, const char *unit, const char *iface, const char *prop, uint64_t *out,
		   struct hr_error *err);
int hr_sd_manager_cgroup(sd_bus *bus, char **out, struct hr_error *err);
/* method(unit) without a job to wait for (ResetFailedUnit); NoSuchUnit is
 * success. */
int hr_sd_unit_call(sd_bus *bus, const char *method, const char *unit, struct hr_error *err);

#endif
