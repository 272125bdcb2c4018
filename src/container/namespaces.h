/* Namespaces: which to create, which to join, and user-namespace id maps. */
#ifndef HARDRUN_NS_H
#define HARDRUN_NS_H

#include <stdbool.h>
#include <sys/types.h>

#include "hardrun/error.h"
#include "spec/spec.h"

/* Namespaces to join, opened in the runtime before the container process
 * exists (paths are host paths). fds[t] < 0 when not joining type t. */
struct hr_ns_join {
	int fds[HR_NS_COUNT];
	int count;
};

/* CLONE_NEW* flags for the namespaces the spec asks to create. */
int hr_ns_new_flags(const struct hr_spec *spec);
/* Opens paths[t] for each namespace type t to join (NULL: not joined). */
int hr_ns_open_paths(const char *const paths[HR_NS_COUNT], struct hr_ns_join *j, struct hr_error *err);
void hr_ns_join_close(struct hr_ns_join *j);
/* Container side: setns in the order the kernel needs (user first). */
int hr_ns_join_all(struct hr_ns_join *j, struct hr_error *err);

/* Writes uid_map/gid_map of pid from the spec (root: directly; otherwise
 * through newuidmap/newgidmap, or a self-mapping with setgroups deny). */
int hr_ns_write_id_maps(pid_t pid, const struct hr_spec *spec, struct hr_error *err);
/* Whether an id map as /proc/PID/uid_map shows it ("inside outside count"
 * lines) maps the outside id. */
bool hr_ns_map_text_has(const char *text, unsigned long long id);
/* Whether the user namespace of pid maps our euid or our egid (the
 * outside ids of its maps, read from our user namespace); true when a map
 * cannot be read. */
bool hr_ns_maps_own_ids(pid_t pid);

/* Maps a container uid/gid to the host, (uid_t)-1 if unmapped. */
uid_t hr_ns_host_uid(const struct hr_spec *spec, uid_t container_uid);
gid_t hr_ns_host_gid(const struct hr_spec *spec, gid_t container_gid);

#endif
