/* The rootfs and every bind-mount source, opened by the runtime on the host
 * side before the container process enters its user namespace. The mapped
 * root has no search permission in directories such as podman's 0700
 * storage or kubelet's pod directories; detached trees (open_tree with
 * OPEN_TREE_CLONE) need none once made, and the container process attaches
 * them with move_mount. */
#include "rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

/* A copy of a host mount tree keeps the host's peer groups: made slave at
 * once, nothing mounted in the container can propagate back to the host
 * (the same as the container process's "/" gets before anything else). */
static int open_tree_of(int dirfd, const char *path, bool recursive)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
	struct mount_attr attr = { .propagation = MS_SLAVE };
	_cleanup_close_ int fd = open_tree(dirfd, path, flags);

	if (fd < 0)
		return -1;
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return -1;
	return hr_steal_fd(fd);
}

/* A bind mount's source tree, with the recursion its options ask for. */
static int open_bind_source(int bundlefd, const struct hr_mount *m, int *out, struct hr_error *err)
{
	struct hr_mount_flags mf;
	bool bind;

	*out = -1;
	if (hr_mount_parse_options(m->options, &mf, err) < 0)
		return hr_error_wrap(err, "mount on \"%s\"", m->destination ? m->destination : "");
	bind = mf.bind || (m->type && strcmp(m->type, "bind") == 0);
	if (bind && m->source && *m->source) {
		*out = open_tree_of(bundlefd, m->source, mf.recursive);
		if (*out < 0)
			hr_error_set(err, errno, "open bind source \"%s\" for \"%s\"", m->source,
				     m->destination ? m->destination : "");
		/* idmapped here: the container's user namespace is not privileged
		 * over the host filesystem, so it could not do it itself */
		else if ((mf.idmap || m->n_uid_mappings || m->n_gid_mappings) &&
			 hr_tree_idmap(*out, m, mf.idmap_recursive || mf.recursive, err) < 0) {
			if (m->idmap_optional && !mf.idmap) {
				hr_log_warnf("bind mount on \"%s\" is not idmapped (%s): its files appear owned "
					     "by nobody inside, as the host policy's idmapFallback allows",
					     m->destination ? m->destination : "", err->msg);
				hr_error_clear(err);
			} else {
				close(*out);
				*out = -1;
				hr_error_wrap(err, "bind mount on \"%s\"", m->destination ? m->destination : "");
			}
		}
	}
	hr_mount_flags_clear(&mf);
	return bind && *out < 0 && m->source && *m->source ? -1 : 0;
}

/* The host policy's injected user namespace: the rootfs idmapped with the
 * container's own mapping, so its files keep their apparent owners. Where
 * the filesystem cannot, refused by name, or (idmapFallback) run without. */
/* The rootfs's top directory is owned by a host uid the container maps:
 * it was chowned for this mapping, and idmapping it again would hide that. */
static bool owned_by_mapped_id(const struct hr_linux *l, const char *rootfs)
{
	struct stat st;

	if (stat(rootfs, &st) < 0)
		return false;
	for (size_t i = 0; i < l->n_uid_mappings; i++) {
		const struct hr_id_mapping *m = &l->uid_mappings[i];
		if (st.st_uid >= m->host_id && st.st_uid - m->host_id < m->size)
			return true;
	}
	return false;
}

static int idmap_root(const struct hr_spec *spec, const char *rootfs, int tree, struct hr_error *err)
{
	const struct hr_linux *l = &spec->linux_;
	struct hr_mount m = { .source = (char *)rootfs, .uid_mappings = l->uid_mappings,
			      .n_uid_mappings = l->n_uid_mappings, .gid_mappings = l->gid_mappings,
			      .n_gid_mappings = l->n_gid_mappings };

	if (spec->root_idmap_auto && owned_by_mapped_id(l, rootfs))
		return 0;
	if (hr_tree_idmap(tree, &m, true, err) == 0)
		return 0;
	if (!spec->root_idmap_optional)
		return hr_error_wrap(err, "idmapped rootfs (the host policy's user namespace)");
	if (spec->root_idmap_auto && l->n_uid_mappings)
		hr_log_warnf("rootfs \"%s\" is not idmapped (%s): its files appear owned by nobody "
			     "inside; to make them container root's: chown -R %u:%u %s", rootfs, err->msg,
			     l->uid_mappings[0].host_id,
			     l->n_gid_mappings ? l->gid_mappings[0].host_id : l->uid_mappings[0].host_id, rootfs);
	else
		hr_log_warnf("rootfs \"%s\" is not idmapped (%s): its files appear owned by nobody inside, "
			     "as the host policy's idmapFallback allows", rootfs, err->msg);
	hr_error_clear(err);
	return 0;
}

int hr_rootfs_open_sources(const struct hr_spec *spec, const char *bundle, const char *rootfs,
			   struct hr_rootfs_sources *out, struct hr_error *err)
{
	_cleanup_close_ int bundlefd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);

	*out = (struct hr_rootfs_sources){ .open = true, .root_tree = -1 };
	if (bundlefd < 0)
		return hr_error_set(err, errno, "open bundle \"%s\"", bundle);
	out->root_tree = open_tree_of(AT_FDCWD, rootfs, true);
	if (out->root_tree < 0)
		return hr_error_set(err, errno, "open rootfs \"%s\"", rootfs);
	if (spec->root_idmap && idmap_root(spec, rootfs, out->root_tree, err) < 0) {
		hr_rootfs_sources_close(out);
		return -1;
	}
	out->bind_trees = xmalloc((spec->n_mounts ? spec->n_mounts : 1) * sizeof(int));
	out->n = spec->n_mounts;
	for (size_t i = 0; i < out->n; i++)
		out->bind_trees[i] = -1;
	for (size_t i = 0; i < out->n; i++) {
		if (open_bind_source(bundlefd, &spec->mounts[i], &out->bind_trees[i], err) < 0) {
			hr_rootfs_sources_close(out);
			return -1;
		}
	}
	return 0;
}

void hr_rootfs_sources_close(struct hr_rootfs_sources *s)
{
	if (!s->open)
		return;
	if (s->root_tree >= 0)
		close(s->root_tree);
	for (size_t i = 0; i < s->n; i++)
		if (s->bind_trees[i] >= 0)
			close(s->bind_trees[i]);
	free(s->bind_trees);
	*s = (struct hr_rootfs_sources){ .open = false, .root_tree = -1 };
}
