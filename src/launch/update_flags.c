/* update [flags] ID: change the resource limits of a live container.
 *   --resources FILE|-  LinuxResources JSON (as in config.json), then the
 *                       flags override: --memory --memory-swap
 *                       --memory-reservation --cpu-quota --cpu-period
 *                       --cpu-shares --cpuset-cpus --cpuset-mems
 *                       --pids-limit --blkio-weight
 * Sizes take runc's forms: 1048576, 512k, 100m, 1.5g, -1 (unlimited).
 * Device rules are not changed by update (as runc). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/hardrun.h"
#include "spec/spec.h"
#include "base/util.h"

/* "100m", "1.5G", "512kb", "-1" -> bytes (binary units, as runc). */
static bool parse_size(const char *s, int64_t *out)
{
	static const char units[] = "bkmgtp";
	char *end;
	double v;

	if (strcmp(s, "-1") == 0) {
		*out = -1;
		return true;
	}
	v = strtod(s, &end);
	if (end == s || v < 0 || !isfinite(v))
		return false;
	double mult = 1;
	if (*end) {
		const char *u = strchr(units, (char)tolower((unsigned char)*end));
		if (!u)
			return false;
		for (const char *k = units; k < u; k++)
			mult *= 1024;
		end++;
		if (*end && strcasecmp(end, "b") != 0 && strcasecmp(end, "ib") != 0)
			return false;
	}
	if (v * mult > (double)INT64_MAX)
		return false;
	*out = (int64_t)(v * mult);
	return true;
}

static bool parse_int(const char *s, int64_t *out)
{
	long long v;
	if (!hr_parse_i64(s, &v))
		return false;
	*out = v;
	return true;
}

static int read_resources(const char *path, struct hr_resources *res, struct hr_error *err)
{
	_cleanup_free_ char *text = NULL;

	if (strcmp(path, "-") == 0) {
		size_t cap = 4096, used = 0;
		text = xmalloc(cap);
		ssize_t r;
		while ((r = read(STDIN_FILENO, text + used, cap - used - 1)) > 0)
			if ((used += (size_t)r) + 1 >= cap)
				text = xrealloc(text, cap *= 2);
		if (r < 0)
			return hr_error_set(err, errno, "update: read resources from stdin");
		text[used] = '\0';
	} else if (hr_read_file_at(AT_FDCWD, path, &text, NULL, err) < 0) {
		return hr_error_wrap(err, "update: --resources");
	}
	return hr_resources_load_string(text, strcmp(path, "-") == 0 ? "stdin" : path, res, err);
}

enum { O_RESOURCES, O_MEMORY, O_SWAP, O_RESERVATION, O_QUOTA, O_PERIOD, O_SHARES, O_CPUS, O_MEMS, O_PIDS, O_BLKIO };

static const struct cli_option options[] = {
	[O_RESOURCES] = { "resources", 'r', CLI_VALUE, "FILE", NULL,
			  "LinuxResources JSON (\"-\": stdin); the options below override it" },
	[O_MEMORY] = { "memory", 0, CLI_VALUE, "SIZE", NULL, "memory limit (512k, 100m, 1.5g; -1: none)" },
	[O_SWAP] = { "memory-swap", 0, CLI_VALUE, "SIZE", NULL, "memory plus swap limit" },
	[O_RESERVATION] = { "memory-reservation", 0, CLI_VALUE, "SIZE", NULL, "memory soft limit" },
	[O_QUOTA] = { "cpu-quota", 0, CLI_VALUE, "N", NULL, "CPU time (us) per period" },
	[O_PERIOD] = { "cpu-period", 0, CLI_VALUE, "N", NULL, "CPU period (us)" },
	[O_SHARES] = { "cpu-shares", 0, CLI_VALUE, "N", NULL, "CPU shares (as cpu.weight)" },
	[O_CPUS] = { "cpuset-cpus", 0, CLI_VALUE, "LIST", NULL, "CPUs to run on (0-3,5)" },
	[O_MEMS] = { "cpuset-mems", 0, CLI_VALUE, "LIST", NULL, "memory nodes to use" },
	[O_PIDS] = { "pids-limit", 0, CLI_VALUE, "N", NULL, "maximum number of processes" },
	[O_BLKIO] = { "blkio-weight", 0, CLI_VALUE, "N", NULL, "block IO weight, 10 to 1000" },
	{ NULL },
};

/* Applies one flag to res. */
static int apply_flag(int opt, const char *v, struct hr_resources *res, struct hr_error *err)
{
	int64_t n = 0;
	bool ok = true;

	switch (opt) {
	case O_MEMORY: ok = parse_size(v, &n); res->has_memory = res->memory.has_limit = true; res->memory.limit = n; break;
	case O_SWAP: ok = parse_size(v, &n); res->has_memory = res->memory.has_swap = true; res->memory.swap = n; break;
	case O_RESERVATION:
		ok = parse_size(v, &n);
		res->has_memory = res->memory.has_reservation = true;
		res->memory.reservation = n;
		break;
	case O_QUOTA: ok = parse_int(v, &n); res->has_cpu = res->cpu.has_quota = true; res->cpu.quota = n; break;
	case O_PERIOD:
		ok = parse_int(v, &n) && n >= 0;
		res->has_cpu = res->cpu.has_period = true;
		res->cpu.period = (uint64_t)n;
		break;
	case O_SHARES:
		ok = parse_int(v, &n) && n >= 0;
		res->has_cpu = res->cpu.has_shares = true;
		res->cpu.shares = (uint64_t)n;
		break;
	case O_CPUS: free(res->cpu.cpus); res->has_cpu = true; res->cpu.cpus = xstrdup(v); break;
	case O_MEMS: free(res->cpu.mems); res->has_cpu = true; res->cpu.mems = xstrdup(v); break;
	case O_PIDS: ok = parse_int(v, &n); res->has_pids = true; res->pids_limit = n; break;
	case O_BLKIO:
		ok = parse_int(v, &n) && n >= 10 && n <= 1000;
		res->has_block_io = res->block_io.has_weight = true;
		res->block_io.weight = (uint16_t)n;
		break;
	}
	if (!ok)
		return hr_error_set(err, 0, "update: invalid value \"%s\"", v);
	return 0;
}

static int cmd_update(struct hr_global *g, const struct cli_args *a, struct hr_error *err)
{
	struct hr_resources res = { 0 };
	int rc = -1;

	if (a->value[O_RESOURCES] && read_resources(a->value[O_RESOURCES], &res, err) < 0)
		return -1;
	for (int i = O_MEMORY; i <= O_BLKIO; i++)
		if (a->value[i] && apply_flag(i, a->value[i], &res, err) < 0)
			goto out;
	rc = hr_lifecycle_update(g->root, cli_id(a), &res, err);
out:
	hr_resources_clear(&res);
	return rc;
}

const struct cli_verb cli_verb_update = {
	.name = "update",
	.fn = cmd_update,
	.summary = "update a container's resource limits",
	.usage = "[OPTIONS] ID",
	.description = "Device rules are not changed by update (as runc).",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.args_error = "expected exactly one container id",
};
