/* The one place errors are printed: stderr or --log, as text or as runc's
 * JSON lines ({"level":"error","msg":"...","time":"..."}), which containerd
 * reads back to show the user. */
#ifndef HARDRUN_LOG_H
#define HARDRUN_LOG_H

#include <stdbool.h>

#include "hardrun/error.h"

enum hr_log_format { HR_LOG_TEXT, HR_LOG_JSON };

int hr_log_init(const char *path, enum hr_log_format format, bool debug, struct hr_error *err);
bool hr_log_debug_enabled(void);
/* fd of the log (stderr when no --log), kept open across fork for the
 * container side, which reports through its parent instead where it can. */
int hr_log_fd(void);

void hr_log_error(const struct hr_error *err);
void hr_log_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hr_log_warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hr_log_infof(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hr_log_debugf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An audit line: always one JSON object, {"level","msg",<fields' members>,
 * "time"}, in the log (stderr without --log). With --log, also on stderr
 * when that is a terminal, else in syslog: under a shim stderr is the
 * workload's. fields is a JSON object's text. */
void hr_log_audit(const char *level, const char *msg, const char *fields);
/* --debug: one line per step of create/exec, with the time it took since
 * the previous step ("step: mount the rootfs: 0.412 ms"); the container
 * process carries on the runtime's clock. Nothing without --debug. */
void hr_log_step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
