/* The runtime-spec features document (features.md,
 * features-linux.md) describing exactly what this build and host support. */
#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "commit.h"
#include "hardrun/hardrun.h"
#include "rootfs/rootfs.h"
#include "seccomp/seccomp.h"
#include "base/util.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define OCI_VERSION_MIN "1.0.0"
#define OCI_VERSION_MAX "1.2.0"

static const char *const hooks[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

static const char *const namespaces[] = {
	"cgroup", "ipc", "mount", "network", "pid", "user", "uts", "time", NULL,
};

static const char *const seccomp_actions[] = {
	"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
	"SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
	NULL,
};

static const char *const seccomp_operators[] = {
	"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
	"SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL,
};

static json_t *strv_json(const char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *enabled_json(bool on)
{
	return json_pack("{s:b}", "enabled", on);
}

/* Every capability libcap-ng can name, up to the kernel's last one. */
static json_t *capabilities_json(void)
{
	json_t *a = json_array();
	long last = CAP_LAST_CAP;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");

	if (f) {
		if (fscanf(f, "%ld", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	for (long c = 0; c <= last; c++) {
		const char *name = capng_capability_to_name((unsigned int)c);
		char buf[64];
		size_t i;

		if (!name || strncmp(name, "unknown", 7) == 0)
			continue;
		for (i = 0; name[i] && i < sizeof(buf) - 5; i++)
			buf[i] = (char)toupper((unsigned char)name[i]);
		buf[i] = '\0';
		json_array_append_new(a, json_sprintf("CAP_%s", buf));
	}
	return a;
}

/* Listed only when the installed libseccomp resolves the arch too. */
static void add_arch(const char *name, void *ud)
{
	const char *s = name + strlen("SCMP_ARCH_");
	char lower[32];
	size_t j;

	for (j = 0; s[j] && j < sizeof(lower) - 1; j++)
		lower[j] = (char)tolower((unsigned char)s[j]);
	lower[j] = '\0';
	if (seccomp_arch_resolve_name(lower) != 0)
		json_array_append_new(ud, json_string(name));
}

/* A NULL filter makes seccomp(2) fail with EFAULT once the flags passed its
 * check, and EINVAL when the kernel does not know them; nothing is loaded.
 * WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER. */
static void add_flag(const char *name, unsigned long value, void *ud)
{
	json_t **lists = ud;
	unsigned long with = value == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, value | with, NULL);

	json_array_append_new(lists[0], json_string(name));
	if (rc < 0 && errno == EFAULT)
		json_array_append_new(lists[1], json_string(name));
}

static void add_name(const char *name, void *ud)
{
	json_array_append_new(ud, json_string(name));
}

static json_t *mount_options_json(void)
{
	json_t *a = json_array();

	hr_mount_foreach_option(add_name, a);
	return a;
}

static json_t *seccomp_json(void)
{
	json_t *lists[2] = { json_array(), json_array() }, *archs = json_array();

	hr_seccomp_foreach_arch(add_arch, archs);
	hr_seccomp_foreach_flag(add_flag, lists);
	return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "enabled", true,
			 "actions", strv_json(seccomp_actions), "operators", strv_json(seccomp_operators),
			 "archs", archs, "knownFlags", lists[0], "supportedFlags", lists[1]);
}

static json_t *linux_json(void)
{
	return json_pack("{s:o, s:o, s:{s:b, s:b, s:b, s:b}, s:o, s:o, s:o, s:o, s:{s:o}}",
			 "namespaces", strv_json(namespaces),
			 "capabilities", capabilities_json(),
			 "cgroup", "v1", false, "v2", true, "systemd", true, "systemdUser", true,
			 "seccomp", seccomp_json(),
			 "apparmor", enabled_json(true),
			 "selinux", enabled_json(false),
			 "intelRdt", enabled_json(false),
			 "mountExtensions", "idmap", enabled_json(true));
}

static json_t *annotations_json(void)
{
	const struct scmp_version *sv = seccomp_version();
	char libseccomp[48];

	snprintf(libseccomp, sizeof(libseccomp), "%u.%u.%u", sv->major, sv->minor, sv->micro);
	return json_pack("{s:s, s:s, s:s}", "org.hardrun.version", HARDRUN_VERSION, "org.hardrun.commit",
			 HARDRUN_COMMIT, "io.github.seccomp.libseccomp.version", libseccomp);
}

int hr_features_json(char **json, struct hr_error *err)
{
	json_t *doc;

	doc = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "ociVersionMin", OCI_VERSION_MIN,
			"ociVersionMax", OCI_VERSION_MAX, "hooks", strv_json(hooks),
			"mountOptions", mount_options_json(), "linux", linux_json(),
			"annotations", annotations_json());
	if (!doc)
		return hr_error_set(err, ENOMEM, "features: building the JSON document");
	*json = json_dumps(doc, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!*json)
		return hr_error_set(err, ENOMEM, "features: serializing the JSON document");
	return 0;
}
