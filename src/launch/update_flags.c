/* runc's update flags to resources: a LinuxResources JSON file (or "-",
 * stdin) as in config.json, then the flags override it (--memory
 * --memory-swap --memory-reservation --cpu-quota --cpu-period --cpu-shares
 * --cpuset-cpus --cpuset-mems --pids-limit --blkio-weight), then
 * hr_lifecycle_update. Sizes take runc's forms: 1048576, 512k, 100m, 1.5g,
 * -1 (unlimited). Device rules are not changed by update (as runc). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hardrun/hardrun.h"
#include "spec/spec.h"
#include "base/util.h"
#include "launch/launch.h"

/* "100m", "1.5G", "512kb", "-1" -> bytes (binary units, as runc). */
bool hr_launch_parse_size(const char *s, int64_t *out)
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

/* Applies one flag to res. */
static int apply_flag(int flag, const char *v, struct hr_resources *res, struct hr_error *err)
{
	int64_t n = 0;
	bool ok = true;

	switch (flag) {
	case HR_UPDATE_MEMORY:
		ok = hr_launch_parse_size(v, &n);
		res->has_memory = res->memory.has_limit = true;
		res->memory.limit = n;
		break;
	case HR_UPDATE_MEMORY_SWAP:
		ok = hr_launch_parse_size(v, &n);
		res->has_memory = res->memory.has_swap = true;
		res->memory.swap = n;
		break;
	case HR_UPDATE_MEMORY_RESERVATION:
		ok = hr_launch_parse_size(v, &n);
		res->has_memory = res->memory.has_reservation = true;
		res->memory.reservation = n;
		break;
	case HR_UPDATE_CPU_QUOTA:
		ok = parse_int(v, &n);
		res->has_cpu = res->cpu.has_quota = true;
		res->cpu.quota = n;
		break;
	case HR_UPDATE_CPU_PERIOD:
		ok = parse_int(v, &n) && n >= 0;
		res->has_cpu = res->cpu.has_period = true;
		res->cpu.period = (uint64_t)n;
		break;
	case HR_UPDATE_CPU_SHARES:
		ok = parse_int(v, &n) && n >= 0;
		res->has_cpu = res->cpu.has_shares = true;
		res->cpu.shares = (uint64_t)n;
		break;
	case HR_UPDATE_CPUSET_CPUS:
	case HR_UPDATE_CPUSET_MEMS: {
		char **list = flag == HR_UPDATE_CPUSET_CPUS ? &res->cpu.cpus : &res->cpu.mems;
		free(*list);
		res->has_cpu = true;
		*list = xstrdup(v);
		break;
	}
	case HR_UPDATE_PIDS_LIMIT:
		ok = parse_int(v, &n);
		res->has_pids = true;
		res->pids_limit = n;
		break;
	case HR_UPDATE_BLKIO_WEIGHT:
		ok = parse_int(v, &n) && n >= 10 && n <= 1000;
		res->has_block_io = res->block_io.has_weight = true;
		res->block_io.weight = (uint16_t)n;
		break;
	}
	if (!ok)
		return hr_error_set(err, 0, "update: invalid value \"%s\"", v);
	return 0;
}

int hr_lifecycle_update_flags(const char *root, const char *id, const struct hr_update_flags *f,
			      struct hr_error *err)
{
	struct hr_resources res = { 0 };
	int rc = -1;

	if (f->resources && read_resources(f->resources, &res, err) < 0)
		return -1;
	for (int i = 0; i < HR_UPDATE_N; i++)
		if (f->values[i] && apply_flag(i, f->values[i], &res, err) < 0)
			goto out;
	rc = hr_lifecycle_update(root, id, &res, f->policy, err);
out:
	hr_resources_clear(&res);
	return rc;
}
