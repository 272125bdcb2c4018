#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"

static int log_fd = STDERR_FILENO;
static enum hr_log_format log_format = HR_LOG_TEXT;
static bool log_debug;
static struct timespec last_step;

int hr_log_init(const char *path, enum hr_log_format format, bool debug, struct hr_error *err)
{
	log_format = format;
	log_debug = debug;
	clock_gettime(CLOCK_MONOTONIC, &last_step);
	if (path && *path) {
		int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return hr_error_set(err, errno, "open log file `%s`", path);
		log_fd = fd;
	}
	return 0;
}

bool hr_log_debug_enabled(void)
{
	return log_debug;
}

int hr_log_fd(void)
{
	return log_fd;
}

static void json_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
}

static void json_time(char *ts, size_t n)
{
	struct timeval tv;
	struct tm tm;
	char sec[48];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts, n, "%s.%06ldZ", sec, (long)tv.tv_usec);
}

static void emit(const char *level, const char *msg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return;
	if (log_format == HR_LOG_JSON) {
		char ts[64];

		json_time(ts, sizeof(ts));
		fprintf(out, "{\"level\":\"%s\",\"msg\":\"", level);
		json_escape(out, msg);
		fprintf(out, "\",\"time\":\"%s\"}\n", ts);
	} else if (log_fd == STDERR_FILENO) {
		fprintf(out, "hardrun: %s%s%s\n", strcmp(level, "error") ? level : "",
			strcmp(level, "error") ? ": " : "", msg);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		char ts[64];
		gmtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(out, "%s %s: %s\n", ts, level, msg);
	}
	fclose(out);
	/* one write(2) per line, so concurrent writers with O_APPEND interleave whole lines */
	(void)hr_write_all(log_fd, buf, len);
	/* errors go to stderr too, as runc does: containerd's shim and podman
	 * match runc's words ("container not running", "does not exist") in
	 * the runtime's output, not in the --log file */
	if (log_fd != STDERR_FILENO && strcmp(level, "error") == 0)
		fprintf(stderr, "hardrun: %s\n", msg);
	free(buf);
}

static void vemit(const char *level, const char *fmt, va_list ap)
{
	char msg[HR_ERROR_MSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	emit(level, msg);
}

void hr_log_error(const struct hr_error *err)
{
	emit("error", err->msg[0] ? err->msg : "unknown error");
}

#define DEFINE_LOGF(fn, level, cond)               \
	void fn(const char *fmt, ...)              \
	{                                          \
		va_list ap;                        \
		if (!(cond))                       \
			return;                    \
		va_start(ap, fmt);                 \
		vemit(level, fmt, ap);             \
		va_end(ap);                        \
	}

DEFINE_LOGF(hr_log_errorf, "error", true)
DEFINE_LOGF(hr_log_warnf, "warning", true)
DEFINE_LOGF(hr_log_infof, "info", true)
DEFINE_LOGF(hr_log_debugf, "debug", log_debug)

void hr_log_step(const char *fmt, ...)
{
	char what[256];
	struct timespec now;
	va_list ap;
	double ms;

	if (!log_debug)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - last_step.tv_sec) * 1e3 + (double)(now.tv_nsec - last_step.tv_nsec) / 1e6;
	last_step = now;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	hr_log_debugf("step: %s: %.3f ms", what, ms);
}

void hr_log_audit(const char *level, const char *msg, const char *fields)
{
	char *buf = NULL, ts[64];
	size_t len = 0, flen = strlen(fields);
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return;
	json_time(ts, sizeof(ts));
	fprintf(out, "{\"level\":\"%s\",\"msg\":\"", level);
	json_escape(out, msg);
	fputs("\"", out);
	/* the members of fields ("{...}") go between msg and time */
	if (flen > 2 && fields[0] == '{' && fields[flen - 1] == '}')
		fprintf(out, ",%.*s", (int)(flen - 2), fields + 1);
	fprintf(out, ",\"time\":\"%s\"}\n", ts);
	fclose(out);
	if (log_fd != STDERR_FILENO)
		(void)hr_write_all(log_fd, buf, len);
	/* stderr when a person reads it; without a terminal (containerd's
	 * shim, conmon) the runtime's stderr is the workload's or the engine's
	 * one error message, so syslog has them instead */
	if (isatty(STDERR_FILENO))
		(void)hr_write_all(STDERR_FILENO, buf, len);
	else
		syslog(LOG_WARNING, "%.*s", (int)len - 1, buf);
	free(buf);
}
