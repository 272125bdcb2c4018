/* Capabilities: names checked against libcap-ng and this host's bounding
 * set in the parent; the five sets applied exactly in the container. */
#include "container/capabilities.h"

#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

#define HR_CAP_MAX 64

enum hr_cap_set { SET_BOUNDING, SET_EFFECTIVE, SET_PERMITTED, SET_INHERITABLE, SET_AMBIENT, SET_COUNT };

static const char *const set_names[SET_COUNT] = {
	"bounding", "effective", "permitted", "inheritable", "ambient",
};

static char **const *set_list(const struct hr_capabilities *caps, enum hr_cap_set s)
{
	switch (s) {
	case SET_BOUNDING: return &caps->bounding;
	case SET_EFFECTIVE: return &caps->effective;
	case SET_PERMITTED: return &caps->permitted;
	case SET_INHERITABLE: return &caps->inheritable;
	default: return &caps->ambient;
	}
}

int hr_cap_from_name(const char *name)
{
	if (!name)
		return -1;
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	if (!*name)
		return -1;
	/* libcap-ng also parses numbers; a config must use names. */
	for (const char *p = name; *p; p++)
		if (!isalpha((unsigned char)*p) && *p != '_')
			return -1;
	return capng_name_to_capability(name);
}

/* The kernel's highest capability number, or -1 if unreadable. */
static int cap_last_cap(void)
{
	_cleanup_free_ char *s = NULL;
	struct hr_error ignored;
	unsigned long long v;

	if (hr_read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", &s, NULL, &ignored) < 0)
		return -1;
	s[strcspn(s, "\n")] = '\0';
	if (!hr_parse_u64(s, &v) || v >= HR_CAP_MAX)
		return -1;
	return (int)v;
}

/* Resolves one set into a bit mask, validating every name in it. */
static int set_mask(const struct hr_capabilities *caps, enum hr_cap_set s, int last_cap, uint64_t host_bounding,
		    uint64_t *mask, struct hr_error *err)
{
	char *const *names = *set_list(caps, s);

	*mask = 0;
	for (size_t i = 0; names && names[i]; i++) {
		int cap = hr_cap_from_name(names[i]);
		if (cap < 0 || cap >= HR_CAP_MAX)
			return hr_error_set(err, 0, "unknown capability \"%s\" in process.capabilities.%s",
					    names[i], set_names[s]);
		if (last_cap >= 0 && cap > last_cap)
			return hr_error_set(err, 0,
					    "capability \"%s\" (process.capabilities.%s) is not supported by this kernel (last capability is %d)",
					    names[i], set_names[s], last_cap);
		if (!(host_bounding & (UINT64_C(1) << cap)))
			return hr_error_set(err, 0,
					    "capability \"%s\" (process.capabilities.%s) is not in this host's bounding set",
					    names[i], set_names[s]);
		*mask |= UINT64_C(1) << cap;
	}
	return 0;
}

/* "CAP_NET_BIND_SERVICE" for messages (libcap-ng names are lower case, no prefix). */
static const char *cap_display(int cap, char buf[64])
{
	const char *n = capng_capability_to_name((unsigned)cap);
	size_t i = 0;

	if (!n) {
		snprintf(buf, 64, "%d", cap);
		return buf;
	}
	i = (size_t)snprintf(buf, 64, "CAP_");
	for (; *n && i < 63; n++)
		buf[i++] = (char)toupper((unsigned char)*n);
	buf[i] = '\0';
	return buf;
}

static const char *name_of(uint64_t bits, char buf[64])
{
	for (int c = 0; c < HR_CAP_MAX; c++)
		if (bits & (UINT64_C(1) << c))
			return cap_display(c, buf);
	return "?";
}

/* Kernel rules that would otherwise surface as a bare EPERM from capset or
 * PR_CAP_AMBIENT_RAISE inside the container. */
static int check_set_relations(const uint64_t m[SET_COUNT], struct hr_error *err)
{
	char buf[64];
	uint64_t bad;

	bad = m[SET_EFFECTIVE] & ~m[SET_PERMITTED];
	if (bad)
		return hr_error_set(err, 0,
				    "capability \"%s\" is in process.capabilities.effective but not in permitted: effective must be a subset of permitted",
				    name_of(bad, buf));
	bad = m[SET_INHERITABLE] & ~m[SET_BOUNDING];
	if (bad)
		return hr_error_set(err, 0,
				    "capability \"%s\" is in process.capabilities.inheritable but not in bounding: the kernel refuses inheritable capabilities outside the bounding set",
				    name_of(bad, buf));
	return 0;
}

/* The kernel only raises ambient capabilities that are both permitted and
 * inheritable. Asking for others (the config `runc spec` writes does) is
 * granting fewer privileges than asked, not weaker confinement: they are
 * left out, with a warning at create time, as runc and crun do. */
static void trim_ambient(uint64_t m[SET_COUNT], bool warn)
{
	uint64_t bad = m[SET_AMBIENT] & ~(m[SET_PERMITTED] & m[SET_INHERITABLE]);
	char buf[64];

	for (int c = 0; warn && c < HR_CAP_MAX; c++)
		if (bad & (UINT64_C(1) << c))
			hr_log_warnf("capability \"%s\" is in process.capabilities.ambient but not in both permitted and "
				     "inheritable: the kernel cannot raise it, so it is left out of the ambient set",
				     cap_display(c, buf));
	m[SET_AMBIENT] &= ~bad;
}

/* The runtime's own bounding set (a container never gets more) and the
 * kernel's last capability in one pass: PR_CAPBSET_READ answers EINVAL
 * past the last one (42 calls instead of 64 and a read of cap_last_cap). */
void hr_caps_probe_host(int *last_cap, uint64_t *bounding)
{
	int c, r = 0;

	*bounding = 0;
	for (c = 0; c < HR_CAP_MAX; c++) {
		r = prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0);
		if (r < 0)
			break;
		if (r == 1)
			*bounding |= UINT64_C(1) << c;
	}
	*last_cap = r < 0 && errno == EINVAL && c > 0 ? c - 1 : cap_last_cap();
}

int hr_caps_resolve(const struct hr_capabilities *caps, int last_cap, uint64_t host_bounding, bool warn,
		    struct hr_cap_masks *out, struct hr_error *err)
{
	uint64_t m[SET_COUNT] = { 0 };

	memset(out, 0, sizeof(*out));
	if (!caps->present)
		return 0;
	for (int s = 0; s < SET_COUNT; s++)
		if (set_mask(caps, (enum hr_cap_set)s, last_cap, host_bounding, &m[s], err) < 0)
			return -1;
	trim_ambient(m, warn);
	if (check_set_relations(m, err) < 0)
		return -1;
	*out = (struct hr_cap_masks){ .bounding = m[SET_BOUNDING], .effective = m[SET_EFFECTIVE],
				      .permitted = m[SET_PERMITTED], .inheritable = m[SET_INHERITABLE],
				      .ambient = m[SET_AMBIENT] };
	return 0;
}

/* Container side: the same masks, against the bounding set we still have. */
static int caps_masks(const struct hr_capabilities *caps, int last, uint64_t bounding, uint64_t m[SET_COUNT],
		      struct hr_error *err)
{
	for (int s = 0; s < SET_COUNT; s++)
		if (set_mask(caps, (enum hr_cap_set)s, last, bounding, &m[s], err) < 0)
			return -1;
	return 0;
}

int hr_caps_validate(const struct hr_capabilities *caps, struct hr_error *err)
{
	struct hr_cap_masks masks;
	uint64_t bounding;
	int last;

	if (!caps->present)
		return 0;
	hr_caps_probe_host(&last, &bounding);
	return hr_caps_resolve(caps, last, bounding, true, &masks, err);
}

/* have: the bounding set as hr_caps_probe_host read it just before */
static int drop_bounding(uint64_t keep, uint64_t have, struct hr_error *err)
{
	for (int c = 0; c < HR_CAP_MAX; c++)
		if ((have & ~keep & (UINT64_C(1) << c)) && prctl(PR_CAPBSET_DROP, (unsigned long)c, 0, 0, 0) < 0)
			return hr_error_set(err, errno, "dropping capability %d from the bounding set", c);
	return 0;
}

static int change_identity(uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
			   bool set_groups, struct hr_error *err)
{
	if (set_groups && setgroups(n_groups, n_groups ? groups : NULL) < 0)
		return hr_error_set(err, errno, "setgroups (%zu groups)", n_groups);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return hr_error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (setresgid(gid, gid, gid) < 0)
		return hr_error_set(err, errno, "setresgid(%u)", (unsigned)gid);
	if (setresuid(uid, uid, uid) < 0)
		return hr_error_set(err, errno, "setresuid(%u)", (unsigned)uid);
	return 0;
}

static int apply_sets(const uint64_t m[SET_COUNT], struct hr_error *err)
{
	static const capng_type_t types[] = { CAPNG_EFFECTIVE, CAPNG_PERMITTED, CAPNG_INHERITABLE };
	static const enum hr_cap_set sets[] = { SET_EFFECTIVE, SET_PERMITTED, SET_INHERITABLE };
	char buf[64];

	capng_clear(CAPNG_SELECT_BOTH);
	/* libcap-ng state may have been initialised before a fork. */
	capng_setpid((int)getpid());
	for (size_t i = 0; i < HR_ARRAY_SIZE(types); i++)
		for (int c = 0; c < HR_CAP_MAX; c++)
			if ((m[sets[i]] & (UINT64_C(1) << c)) &&
			    capng_update(CAPNG_ADD, types[i], (unsigned)c) < 0)
				return hr_error_set(err, 0, "libcap-ng: cannot set capability %d", c);
	errno = 0;
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return hr_error_set(err, errno ? errno : EPERM, "setting capabilities (capset)");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return hr_error_set(err, errno, "clearing the ambient capability set");
	for (int c = 0; c < HR_CAP_MAX; c++)
		if ((m[SET_AMBIENT] & (UINT64_C(1) << c)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)c, 0, 0) < 0)
			return hr_error_set(err, errno, "raising ambient capability \"%s\"",
					    cap_display(c, buf));
	return 0;
}

int hr_caps_change_identity_and_apply(const struct hr_capabilities *caps, uid_t uid, gid_t gid,
				      const gid_t *groups, size_t n_groups, bool set_groups,
				      struct hr_error *err)
{
	uint64_t m[SET_COUNT] = { 0 }, bounding;
	int last;

	hr_caps_probe_host(&last, &bounding);
	if (caps->present) {
		if (caps_masks(caps, last, bounding, m, err) < 0 || check_set_relations(m, err) < 0)
			return hr_error_wrap(err, "applying capabilities");
		trim_ambient(m, false);
	}
	/* Needs CAP_SETPCAP, so before the uid change can take it away. */
	if (drop_bounding(m[SET_BOUNDING], bounding, err) < 0)
		return -1;
	if (change_identity(uid, gid, groups, n_groups, set_groups, err) < 0)
		return -1;
	if (apply_sets(m, err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return hr_error_set(err, errno, "prctl(PR_SET_KEEPCAPS, 0)");
	return 0;
}
