/* Errors travel as values: a fallible function returns a negative int and
 * fills a struct hr_error; callers add context with hr_error_wrap and pass it
 * up to the one place that prints it (hr_log_error). */
#ifndef HARDRUN_ERROR_H
#define HARDRUN_ERROR_H

#include <stddef.h>

/* Room for a few PATH_MAX paths and their context: a message is never cut
 * short in practice; if it is, it ends in "..." rather than mid-word. */
#define HR_ERROR_MSG_MAX 16384

struct hr_error {
	int errnum;                  /* errno of the root cause, 0 if none */
	char msg[HR_ERROR_MSG_MAX];  /* "doing X: doing Y: strerror" */
};

/* Sets err to "fmt...: strerror(errnum)" (no suffix when errnum is 0).
 * Always returns -1 so callers can `return hr_error_set(...)`. */
int hr_error_set(struct hr_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes context: err->msg becomes "fmt...: <old msg>". Returns -1. */
int hr_error_wrap(struct hr_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void hr_error_clear(struct hr_error *err);

#ifdef HR_ANALYZE
/* make analyze: gcc -fanalyzer sees one file at a time, so it would take
 * `return hr_error_set(...)` for a possible success and report paths that
 * cannot happen. Tell it what error.c does: both always yield -1. */
#define hr_error_set(...) ({ (hr_error_set)(__VA_ARGS__); -1; })
#define hr_error_wrap(...) ({ (hr_error_wrap)(__VA_ARGS__); -1; })
#endif

#endif
