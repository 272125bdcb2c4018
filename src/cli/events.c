/* events [--stats] [--interval D] ID: resource statistics as runc prints them,
 * one JSON object per line: {"type":"stats","id":ID,"data":{...}} every
 * interval (default 5s) until the container stops, or once with --stats.
 * An increase of memory.events oom_kill between samples is reported as
 * {"type":"oom","id":ID}. The container lock is held only while sampling. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup_cli.h"
#include "base/util.h"

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
	for (size_t i = 0; i < HR_ARRAY_SIZE(units); i++)
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
	struct hr_container *c;
	struct hr_cgroup *cg;
	char *data = NULL;
	int rc = -1;

	if (hr_cli_open_container_cgroup(g, id, &c, &cg, err) < 0)
		return first ? -1 : 1;
	if (hr_container_status(c) == HR_STATUS_STOPPED) {
		rc = first ? hr_error_set(err, 0, "container %s is not running", id) : 1;
		goto out;
	}
	if (hr_cgroup_stats_json(cg, &data, err) < 0)
		goto out;
	json_t *d = json_loads(data, 0, NULL);
	json_t *k = json_object_get(json_object_get(json_object_get(d, "memory"), "raw"), "oom_kill");
	unsigned long long now = k ? (unsigned long long)json_integer_value(k) : 0;
	if (!first && now > *oom_kills)
		printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
	*oom_kills = now;
	json_t *ev = json_pack("{s:s,s:s,s:o}", "type", "stats", "id", id, "data", d);
	char *line = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	if (!line) {
		hr_error_set(err, 0, "events: encoding JSON");
		goto out;
	}
	printf("%s\n", line);
	fflush(stdout);
	free(line);
	rc = 0;
out:
	free(data);
	hr_cgroup_free(cg);
	hr_container_free(c);
	return rc;
}

int cmd_events(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' }, { "interval", required_argument, NULL, 'i' }, { 0 },
	};
	long long interval_ms = 5000;
	bool once = false;
	const char *id = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (opt == 's')
			once = true;
		else if (opt == 'i' && (interval_ms = parse_interval_ms(optarg)) < 0)
			return hr_error_set(err, 0, "events: invalid --interval \"%s\" (e.g. 5s, 500ms)", optarg);
		else if (opt != 'i')
			return hr_error_set(err, 0, "events: unknown option");
	}
	if (hr_cli_one_id(argc, argv, &id, err) < 0)
		return -1;
	unsigned long long oom_kills = 0;
	for (bool first = true;; first = false) {
		int rc = sample(g, id, &oom_kills, first, err);
		if (rc < 0)
			return -1;
		if (rc > 0 || once)
			return 0;
		struct timespec ts = { interval_ms / 1000, (interval_ms % 1000) * 1000000 };
		while (nanosleep(&ts, &ts) < 0)
			;
	}
}
