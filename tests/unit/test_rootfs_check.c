/* hr_rootfs_validate: the create-time refusals about mounts (no mount
 * namespace; anything over or under /proc but a procfs at /proc). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rootfs/rootfs.h"
#include "spec/spec.h"
#include "base/util.h"

#define MNTNS "\"namespaces\": [{\"type\": \"mount\"}]"
#define NONS "\"namespaces\": [{\"type\": \"pid\"}]"

/* want NULL: accepted. */
static void check(const char *mounts, const char *linux_extra, bool readonly, const char *want)
{
	_cleanup_free_ char *json = xasprintf(
		"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\", \"readonly\": %s},"
		" \"mounts\": [%s], \"linux\": {%s}}", readonly ? "true" : "false", mounts, linux_extra);
	struct hr_error err = { 0 };
	struct hr_spec *s = NULL;
	int r;

	if (hr_spec_load_string(json, "config.json", &s, &err) < 0)
		fail_msg("parse: %s", err.msg);
	r = hr_rootfs_validate(s, &err);
	hr_spec_free(s);
	if (!want && r < 0)
		fail_msg("refused %s: %s", json, err.msg);
	if (want && r == 0)
		fail_msg("accepted %s", json);
	if (want)
		assert_string_equal(err.msg, want);
}

static void test_no_mount_ns(void **state)
{
	(void)state;
	check("", NONS, false, NULL);
	check("", "\"namespaces\": [{\"type\": \"mount\", \"path\": \"/proc/1/ns/mnt\"}], \"maskedPaths\": [\"/x\"]",
	      false, "linux.maskedPaths needs a new mount namespace and linux.namespaces creates none: hardrun "
		     "never changes the caller's mounts (add {\"type\": \"mount\"} or drop linux.maskedPaths)");
	check("{\"destination\": \"/x\", \"type\": \"tmpfs\"}", NONS, false,
	      "mounts needs a new mount namespace and linux.namespaces creates none: hardrun never changes the "
	      "caller's mounts (add {\"type\": \"mount\"} or drop mounts)");
	check("", NONS, true,
	      "root.readonly needs a new mount namespace and linux.namespaces creates none: hardrun never changes "
	      "the caller's mounts (add {\"type\": \"mount\"} or drop root.readonly)");
	check("", NONS ", \"sysctl\": {\"kernel.shmmni\": \"1\"}", false,
	      "linux.sysctl needs a new mount namespace and linux.namespaces creates none: hardrun never changes "
	      "the caller's mounts (add {\"type\": \"mount\"} or drop linux.sysctl)");
}

static void test_proc_destinations(void **state)
{
	static const char *const refused[] = {
		"{\"destination\": \"/proc\", \"type\": \"bind\", \"source\": \"/x\", \"options\": [\"rbind\"]}",
		"{\"destination\": \"/proc\", \"type\": \"tmpfs\"}",
		"{\"destination\": \"/proc/sys\", \"type\": \"proc\"}",
		"{\"destination\": \"//proc/./sys/../sys/kernel\", \"type\": \"tmpfs\"}",
		"{\"destination\": \"/proc/self/attr/exec\", \"source\": \"/x\", \"options\": [\"bind\"]}",
	};
	(void)state;
	for (size_t i = 0; i < HR_ARRAY_SIZE(refused); i++) {
		struct hr_error err = { 0 };
		_cleanup_free_ char *json = xasprintf(
			"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, \"mounts\": [%s],"
			" \"linux\": {" MNTNS "}}", refused[i]);
		struct hr_spec *s = NULL;

		assert_int_equal(hr_spec_load_string(json, "config.json", &s, &err), 0);
		assert_int_equal(hr_rootfs_validate(s, &err), -1);
		assert_non_null(strstr(err.msg, "mounts[0]: destination \"/proc"));
		assert_non_null(strstr(err.msg, "is inside /proc: only a proc filesystem may be mounted there"));
		hr_spec_free(s);
	}
	check("{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}", MNTNS, true, NULL);
	check("{\"destination\": \"/proc/cpuinfo\", \"source\": \"/x\", \"options\": [\"bind\"]}", MNTNS, true, NULL);
	check("{\"destination\": \"/procfoo\", \"type\": \"tmpfs\"}", MNTNS, true, NULL);
	check("{\"destination\": \"/proc/cpuinfo\", \"type\": \"tmpfs\"}", MNTNS, true,
	      "mounts[0]: destination \"/proc/cpuinfo\" is inside /proc: only a proc filesystem may be mounted there");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_mount_ns),
		cmocka_unit_test(test_proc_destinations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
