/* OCI/fstab mount options -> mount(2) flags, propagation, mount_setattr(2)
 * attributes and filesystem data. */
#include "rootfs/rootfs.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "base/util.h"

struct flag_opt {
	const char *name;
	bool clear;
	unsigned long flag;
};

static const struct flag_opt flag_opts[] = {
	{ "ro", false, MS_RDONLY },          { "rw", true, MS_RDONLY },
	{ "suid", true, MS_NOSUID },         { "nosuid", false, MS_NOSUID },
	{ "dev", true, MS_NODEV },           { "nodev", false, MS_NODEV },
	{ "exec", true, MS_NOEXEC },         { "noexec", false, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS },   { "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC },    { "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK },      { "nomand", true, MS_MANDLOCK },
	{ "atime", true, MS_NOATIME },       { "noatime", false, MS_NOATIME },
	{ "diratime", true, MS_NODIRATIME }, { "nodiratime", false, MS_NODIRATIME },
	{ "relatime", false, MS_RELATIME },  { "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
	{ "lazytime", false, MS_LAZYTIME },  { "nolazytime", true, MS_LAZYTIME },
	{ "silent", false, MS_SILENT },      { "loud", true, MS_SILENT },
	{ "nosymfollow", false, MS_NOSYMFOLLOW }, { "symfollow", true, MS_NOSYMFOLLOW },
};

static const struct flag_opt propagation_opts[] = {
	{ "private", false, MS_PRIVATE },       { "rprivate", false, MS_PRIVATE | MS_REC },
	{ "shared", false, MS_SHARED },         { "rshared", false, MS_SHARED | MS_REC },
	{ "slave", false, MS_SLAVE },           { "rslave", false, MS_SLAVE | MS_REC },
	{ "unbindable", false, MS_UNBINDABLE }, { "runbindable", false, MS_UNBINDABLE | MS_REC },
};

/* Recursive mount attributes (runc 1.1+), always applied with AT_RECURSIVE. */
static const struct flag_opt attr_opts[] = {
	{ "rro", false, MOUNT_ATTR_RDONLY },           { "rrw", true, MOUNT_ATTR_RDONLY },
	{ "rnosuid", false, MOUNT_ATTR_NOSUID },       { "rsuid", true, MOUNT_ATTR_NOSUID },
	{ "rnodev", false, MOUNT_ATTR_NODEV },         { "rdev", true, MOUNT_ATTR_NODEV },
	{ "rnoexec", false, MOUNT_ATTR_NOEXEC },       { "rexec", true, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", false, MOUNT_ATTR_NODIRATIME }, { "rdiratime", true, MOUNT_ATTR_NODIRATIME },
	{ "rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW }, { "rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW },
};

/* Atime modes are one field: setting one replaces the others; clearing one
 * goes back to the kernel default (relatime). */
static const struct flag_opt atime_opts[] = {
	{ "rrelatime", false, MOUNT_ATTR_RELATIME },   { "rnorelatime", true, MOUNT_ATTR_RELATIME },
	{ "rnoatime", false, MOUNT_ATTR_NOATIME },     { "ratime", true, MOUNT_ATTR_NOATIME },
	{ "rstrictatime", false, MOUNT_ATTR_STRICTATIME }, { "rnostrictatime", true, MOUNT_ATTR_STRICTATIME },
};

void hr_mount_foreach_option(void (*fn)(const char *name, void *ud), void *ud)
{
	static const char *const special[] = { "bind", "rbind", "idmap", "ridmap", "tmpcopyup", "notmpcopyup" };
	const struct { const struct flag_opt *t; size_t n; } tables[] = {
		{ flag_opts, HR_ARRAY_SIZE(flag_opts) }, { propagation_opts, HR_ARRAY_SIZE(propagation_opts) },
		{ attr_opts, HR_ARRAY_SIZE(attr_opts) }, { atime_opts, HR_ARRAY_SIZE(atime_opts) },
	};

	for (size_t i = 0; i < HR_ARRAY_SIZE(special); i++)
		fn(special[i], ud);
	for (size_t t = 0; t < HR_ARRAY_SIZE(tables); t++)
		for (size_t i = 0; i < tables[t].n; i++)
			fn(tables[t].t[i].name, ud);
}

static const struct flag_opt *find_opt(const struct flag_opt *tab, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

static void append_data(char **data, const char *opt)
{
	char *joined;

	if (!*data) {
		*data = xstrdup(opt);
		return;
	}
	joined = xasprintf("%s,%s", *data, opt);
	free(*data);
	*data = joined;
}

static bool parse_special(const char *o, struct hr_mount_flags *out)
{
	if (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0) {
		out->bind = true;
		out->recursive = o[0] == 'r';
		out->flags |= MS_BIND | (out->recursive ? MS_REC : 0);
		return true;
	}
	if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0) {
		out->idmap = true;
		out->idmap_recursive = o[0] == 'r';
		return true;
	}
	return false;
}

static void parse_one(const char *o, struct hr_mount_flags *out)
{
	const struct flag_opt *f;

	if (parse_special(o, out))
		return;
	if ((f = find_opt(flag_opts, HR_ARRAY_SIZE(flag_opts), o))) {
		if (f->clear) {
			out->flags &= ~f->flag;
			out->clear |= f->flag;
		} else {
			out->flags |= f->flag;
			out->clear &= ~f->flag;
		}
	} else if ((f = find_opt(propagation_opts, HR_ARRAY_SIZE(propagation_opts), o))) {
		out->propagation = f->flag;
	} else if ((f = find_opt(attr_opts, HR_ARRAY_SIZE(attr_opts), o))) {
		if (f->clear) {
			out->attr_set &= ~f->flag;
			out->attr_clr |= f->flag;
		} else {
			out->attr_set |= f->flag;
			out->attr_clr &= ~f->flag;
		}
	} else if ((f = find_opt(atime_opts, HR_ARRAY_SIZE(atime_opts), o))) {
		out->attr_set &= ~(unsigned long long)MOUNT_ATTR__ATIME;
		out->attr_clr |= MOUNT_ATTR__ATIME;
		if (!f->clear)
			out->attr_set |= f->flag;
	} else {
		append_data(&out->data, o);
	}
}

int hr_mount_parse_options(char *const *options, struct hr_mount_flags *out, struct hr_error *err)
{
	(void)err; /* every option is accepted: unknown ones become filesystem data */
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; options && options[i]; i++) {
		/* "nosuid,nodev" in one element is split like fstab would */
		_cleanup_free_ char *copy = xstrdup(options[i]);
		char *save = NULL;

		for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
			/* runc's and crun's tmpfs copy-up extension (podman sends it) */
			if (strcmp(o, "tmpcopyup") == 0 || strcmp(o, "notmpcopyup") == 0)
				out->tmpcopyup = o[0] == 't';
			else
				parse_one(o, out);
		}
	}
	return 0;
}

void hr_mount_flags_clear(struct hr_mount_flags *f)
{
	if (!f)
		return;
	free(f->data);
	memset(f, 0, sizeof(*f));
}
