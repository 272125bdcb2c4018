#include "hardrun/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A message longer than the buffer ends in "..." so a cut is visible. */
static void mark_cut(struct hr_error *err, int n)
{
	if (n >= (int)sizeof(err->msg))
		memcpy(err->msg + sizeof(err->msg) - 4, "...", 4);
}

int (hr_error_set)(struct hr_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0, err->msg[0] = '\0';
	err->errnum = errnum;
	if (errnum && n < (int)sizeof(err->msg))
		n += snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", strerror(errnum));
	mark_cut(err, n);
	return -1;
}

int (hr_error_wrap)(struct hr_error *err, const char *fmt, ...)
{
	char *old;
	va_list ap;
	int n;

	if (!err)
		return -1;
	old = strdup(err->msg);
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0, err->msg[0] = '\0';
	if (n < (int)sizeof(err->msg) && old)
		n += snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", old);
	mark_cut(err, n);
	free(old);
	return -1;
}

void hr_error_clear(struct hr_error *err)
{
	if (!err)
		return;
	err->errnum = 0;
	err->msg[0] = '\0';
}
