/* events [--stats] [--interval D] ID: resource statistics as runc prints them,
 * one JSON object per line: {"type":"stats","id":ID,"data":{...}} every
 * interval (default 5s) until the container stops, or once with --stats.
 * An increase of memory.events oom_kill between samples is reported as
 * {"type":"oom","id":ID}. The container lock is held only while sampling. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "hardrun/hardrun.h"

/* Go-style duration ("5s", "100ms", "1.5m", "2h"); a bare number is seconds. */
static long long parse_interval_ms(const char *s)
{
	static const struct { const char *unit; double ms; } units[] = {
		{ "ns", 1e-6 }, { "us", 1e-3 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "", 1000 },
	};
	char *end;
	double v = strtod(s, &end);

	if (end == s || !(v > 0) || !isfinite(v))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].unit) == 0) {
			double ms = v * units[i].ms;
			return ms < 1 ? 1 : (long long)ms;
		}
	return -1;
}

/* One sample: prints the stats event (and an oom event when oom_kill rose).
 * Returns 1 when the container is gone or stopped, 0 after printing. */
static int sample(struct hr_global *g, const char *id, unsigned long long *oom_kills, bool first,
		  struct hr_error *err)
{
	char *data = NULL;
	int rc = hr_lifecycle_stats(g->root, id, &data, err);

	if (rc != 0) {
		if (rc > 0 && first)
			return hr_error_set(err, 0, "container %s is not running", id);
		return first ? -1 : 1;
	}
	json_t *d = json_loads(data, 0, NULL);
	free(data);
	json_t *k = json_object_get(json_object_get(json_object_get(d, "memory"), "raw"), "oom_kill");
	unsigned long long now = k ? (unsigned long long)json_integer_value(k) : 0;
	if (!first && now > *oom_kills)
		printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
	*oom_kills = now;
	json_t *ev = json_pack("{s:s,s:s,s:o}", "type", "stats", "id", id, "data", d);
	char *line = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	if (!line)
		return hr_error_set(err, 0, "events: encoding JSON");
	printf("%s\n", line);
	fflush(stdout);
	free(line);
	return 0;
}

enum { EVENTS_STATS, EVENTS_INTERVAL };
static const struct cli_option options[] = {
	[EVENTS_STATS] = { "stats", 0, CLI_FLAG, NULL, NULL, "print one sample and exit" },
	[EVENTS_INTERVAL] = { "interval", 0, CLI_VALUE, "DURATION", NULL, "time between samples (default 5s)" },
	{ NULL },
};

static int cmd_events(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	const char *interval = a->value[EVENTS_INTERVAL];
	long long interval_ms = 5000;
	unsigned long long oom_kills = 0;

	if (interval && (interval_ms = parse_interval_ms(interval)) < 0)
		return hr_error_set(err, 0, "events: invalid --interval \"%s\" (e.g. 5s, 500ms)", interval);
	for (bool first = true;; first = false) {
		int rc = sample(g, cli_id(a), &oom_kills, first, err);
		if (rc < 0)
			return -1;
		if (rc > 0 || a->set[EVENTS_STATS])
			return 0;
		struct timespec ts = { interval_ms / 1000, (interval_ms % 1000) * 1000000 };
		while (nanosleep(&ts, &ts) < 0)
			;
	}
}

const struct cli_verb cli_verb_events = {
	.name = "events",
	.fn = cmd_events,
	.summary = "print container resource statistics",
	.usage = "[OPTIONS] ID",
	.description = "One JSON object a line, {\"type\":\"stats\",\"id\":ID,\"data\":{...}}, every interval\n"
		       "until the container stops; {\"type\":\"oom\",\"id\":ID} when the OOM killer ran.",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.args_error = "expected exactly one container id",
};
