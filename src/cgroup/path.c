/* cgroup paths: resolving a container's, and checking one read back from
 * state before anything is killed or removed through it. */
#include "cgroup/cgroup.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"
#include "base/procfs.h"
#include "base/util.h"

int hr_cg_own_path(char **out, struct hr_error *err)
{
	return hr_proc_own_cgroup2(out, err) < 0 ? hr_error_wrap(err, "cgroup") : 0;
}

int hr_cg_append_components(char **buf, const char *p, const char *what, struct hr_error *err)
{
	_cleanup_free_ char *copy = xstrdup(p);
	char *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
			return hr_error_set(err, 0, "cgroup: %s \"%s\" must not contain \".\" or \"..\"", what, p);
		char *n = **buf ? xasprintf("%s/%s", *buf, c) : xstrdup(c);
		free(*buf);
		*buf = n;
	}
	return 0;
}

int hr_cgroup_resolve_path(const char *cgroups_path, const char *id, const char *own_cgroup, char **out,
			   struct hr_error *err)
{
	_cleanup_free_ char *buf = xstrdup("");

	if (cgroups_path && *cgroups_path == '/') {
		if (hr_cg_append_components(&buf, cgroups_path, "cgroupsPath", err) < 0)
			return -1;
	} else {
		if (hr_cg_append_components(&buf, own_cgroup ? own_cgroup : "/", "own cgroup", err) < 0)
			return -1;
		if (cgroups_path && *cgroups_path) {
			if (hr_cg_append_components(&buf, cgroups_path, "cgroupsPath", err) < 0)
				return -1;
		} else {
			if (!id || !*id || strchr(id, '/'))
				return hr_error_set(err, 0, "cgroup: invalid container id for the default cgroup path");
			if (hr_cg_append_components(&buf, "hardrun", "", err) < 0 ||
			    hr_cg_append_components(&buf, id, "container id", err) < 0)
				return -1;
		}
	}
	if (!*buf)
		return hr_error_set(err, 0, "cgroup: cgroupsPath \"%s\" names the root cgroup; a container needs its own",
				    cgroups_path ? cgroups_path : "");
	*out = hr_steal_ptr(buf);
	return 0;
}

int hr_cgroup_plan_path(const char *cgroups_path, const char *id, char **out, struct hr_error *err)
{
	_cleanup_free_ char *own = NULL;

	if ((!cgroups_path || *cgroups_path != '/') && hr_cg_own_path(&own, err) < 0)
		return -1;
	return hr_cgroup_resolve_path(cgroups_path, id, own, out, err);
}

int hr_cgroup_check_path(const char *path, char **out, struct hr_error *err)
{
	_cleanup_free_ char *norm = xstrdup(""), *own = NULL, *own_norm = xstrdup("");
	size_t n;

	if (!path || hr_cg_append_components(&norm, path, "path", err) < 0)
		return path ? -1 : hr_error_set(err, 0, "cgroup: no path");
	for (const char *p = norm; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return hr_error_set(err, 0, "cgroup: path contains a control character");
	}
	if (!*norm)
		return hr_error_set(err, 0, "cgroup: path \"%s\" names the root cgroup", path);
	if (hr_cg_own_path(&own, err) < 0 || hr_cg_append_components(&own_norm, own, "own cgroup", err) < 0)
		return -1;
	/* killing an ancestor of ours would kill hardrun and whatever runs beside it */
	n = strlen(norm);
	if (strncmp(own_norm, norm, n) == 0 && (own_norm[n] == '\0' || own_norm[n] == '/'))
		return hr_error_set(err, 0, "cgroup: path \"%s\" contains hardrun's own cgroup", path);
	*out = hr_steal_ptr(norm);
	return 0;
}
