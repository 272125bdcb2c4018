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
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cgroup_cli.h"
#include "hardrun/hardrun.h"
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

enum { O_MEMORY = 256, O_SWAP, O_RESERVATION, O_QUOTA, O_PERIOD, O_SHARES, O_CPUS, O_MEMS, O_PIDS, O_BLKIO };

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

int cmd_update(struct hr_global *g, int argc, char **argv, struct hr_error *err)
{
	static const struct option opts[] = {
		{ "resources", required_argument, NULL, 'r' }, { "memory", required_argument, NULL, O_MEMORY },
		{ "memory-swap", required_argument, NULL, O_SWAP },
		{ "memory-reservation", required_argument, NULL, O_RESERVATION },
		{ "cpu-quota", required_argument, NULL, O_QUOTA }, { "cpu-period", required_argument, NULL, O_PERIOD },
		{ "cpu-shares", required_argument, NULL, O_SHARES }, { "cpuset-cpus", required_argument, NULL, O_CPUS },
		{ "cpuset-mems", required_argument, NULL, O_MEMS }, { "pids-limit", required_argument, NULL, O_PIDS },
		{ "blkio-weight", required_argument, NULL, O_BLKIO }, { 0 },
	};
	struct flag { int opt; const char *val; } flags[32];
	size_t n_flags = 0;
	const char *resources = NULL, *id = NULL;
	struct hr_resources res = { 0 };
	int opt, rc = -1;

	/* options may follow the id, as runc allows (`update ID --cpuset-cpus 1`);
	 * optind 0 makes glibc re-read the ordering ("+" was used before) */
	optind = 0;
	while ((opt = getopt_long(argc, argv, "r:", opts, NULL)) != -1) {
		if (opt == 'r')
			resources = optarg;
		else if (opt >= O_MEMORY && n_flags < HR_ARRAY_SIZE(flags))
			flags[n_flags++] = (struct flag){ opt, optarg };
		else
			return hr_error_set(err, 0, "update: unknown or repeated option");
	}
	if (hr_cli_one_id(argc, argv, &id, err) < 0)
		return -1;
	if (resources && read_resources(resources, &res, err) < 0)
		return -1;
	for (size_t i = 0; i < n_flags; i++)
		if (apply_flag(flags[i].opt, flags[i].val, &res, err) < 0)
			goto out;
	rc = hr_lifecycle_update(g->root, id, &res, err);
out:
	hr_resources_clear(&res);
	return rc;
}
