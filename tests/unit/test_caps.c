/* Capability name lookup, validation messages, and the exact sets a process
 * ends up with after hr_caps_change_identity_and_apply (in a forked child). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/capabilities.h"
#include "base/util.h"

static void test_cap_from_name(void **state)
{
	(void)state;
	assert_int_equal(hr_cap_from_name("CAP_CHOWN"), CAP_CHOWN);
	assert_int_equal(hr_cap_from_name("cap_net_bind_service"), CAP_NET_BIND_SERVICE);
	assert_int_equal(hr_cap_from_name("Cap_Sys_Admin"), CAP_SYS_ADMIN);
	assert_int_equal(hr_cap_from_name("SYS_PTRACE"), CAP_SYS_PTRACE);
	assert_int_equal(hr_cap_from_name("CAP_TEST"), -1);
	assert_int_equal(hr_cap_from_name("CAP_"), -1);
	assert_int_equal(hr_cap_from_name("CAP_10"), -1);
	assert_int_equal(hr_cap_from_name(""), -1);
	assert_int_equal(hr_cap_from_name(NULL), -1);
}

static void test_validate_ok(void **state)
{
	char *list[] = { "CAP_CHOWN", "CAP_NET_BIND_SERVICE", NULL };
	char *none[] = { NULL };
	struct hr_capabilities caps = { list, list, list, list, none, true };
	struct hr_error err = { 0 };

	(void)state;
	assert_int_equal(hr_caps_validate(&caps, &err), 0);
	caps.ambient = list;
	assert_int_equal(hr_caps_validate(&caps, &err), 0);
	/* Absent lists are fine. */
	struct hr_capabilities empty = { .present = true };
	assert_int_equal(hr_caps_validate(&empty, &err), 0);
}

static void test_validate_unknown(void **state)
{
	char *good[] = { "CAP_CHOWN", NULL };
	char *bad[] = { "CAP_CHOWN", "CAP_TEST", NULL };
	struct hr_capabilities caps = { bad, good, good, good, NULL, true };
	struct hr_error err = { 0 };

	(void)state;
	assert_int_equal(hr_caps_validate(&caps, &err), -1);
	assert_string_equal(err.msg, "unknown capability \"CAP_TEST\" in process.capabilities.bounding");

	caps.bounding = good;
	caps.ambient = bad;
	assert_int_equal(hr_caps_validate(&caps, &err), -1);
	assert_string_equal(err.msg, "unknown capability \"CAP_TEST\" in process.capabilities.ambient");
}

/* A capability the kernel knows but this process's bounding set lacks. */
static int missing_bounding_cap(void)
{
	for (int c = 0; c < 64; c++) {
		int r = prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0);
		if (r < 0)
			break;
		if (r == 0)
			return c;
	}
	return -1;
}

static const char *const cap_names_upper[] = {
	[CAP_CHOWN] = "CAP_CHOWN", [CAP_DAC_OVERRIDE] = "CAP_DAC_OVERRIDE",
	[CAP_DAC_READ_SEARCH] = "CAP_DAC_READ_SEARCH", [CAP_FOWNER] = "CAP_FOWNER",
	[CAP_FSETID] = "CAP_FSETID", [CAP_KILL] = "CAP_KILL", [CAP_SETGID] = "CAP_SETGID",
	[CAP_SETUID] = "CAP_SETUID", [CAP_SETPCAP] = "CAP_SETPCAP",
	[CAP_LINUX_IMMUTABLE] = "CAP_LINUX_IMMUTABLE", [CAP_NET_BIND_SERVICE] = "CAP_NET_BIND_SERVICE",
	[CAP_NET_BROADCAST] = "CAP_NET_BROADCAST", [CAP_NET_ADMIN] = "CAP_NET_ADMIN",
	[CAP_NET_RAW] = "CAP_NET_RAW", [CAP_IPC_LOCK] = "CAP_IPC_LOCK", [CAP_IPC_OWNER] = "CAP_IPC_OWNER",
	[CAP_SYS_MODULE] = "CAP_SYS_MODULE", [CAP_SYS_RAWIO] = "CAP_SYS_RAWIO",
	[CAP_SYS_CHROOT] = "CAP_SYS_CHROOT", [CAP_SYS_PTRACE] = "CAP_SYS_PTRACE",
	[CAP_SYS_PACCT] = "CAP_SYS_PACCT", [CAP_SYS_ADMIN] = "CAP_SYS_ADMIN",
	[CAP_SYS_BOOT] = "CAP_SYS_BOOT", [CAP_SYS_NICE] = "CAP_SYS_NICE",
	[CAP_SYS_RESOURCE] = "CAP_SYS_RESOURCE", [CAP_SYS_TIME] = "CAP_SYS_TIME",
	[CAP_SYS_TTY_CONFIG] = "CAP_SYS_TTY_CONFIG", [CAP_MKNOD] = "CAP_MKNOD",
	[CAP_LEASE] = "CAP_LEASE", [CAP_AUDIT_WRITE] = "CAP_AUDIT_WRITE",
	[CAP_AUDIT_CONTROL] = "CAP_AUDIT_CONTROL", [CAP_SETFCAP] = "CAP_SETFCAP",
	[CAP_MAC_OVERRIDE] = "CAP_MAC_OVERRIDE", [CAP_MAC_ADMIN] = "CAP_MAC_ADMIN",
	[CAP_SYSLOG] = "CAP_SYSLOG", [CAP_WAKE_ALARM] = "CAP_WAKE_ALARM",
	[CAP_BLOCK_SUSPEND] = "CAP_BLOCK_SUSPEND", [CAP_AUDIT_READ] = "CAP_AUDIT_READ",
};

static void test_validate_not_in_host_bounding(void **state)
{
	struct hr_error err = { 0 };
	char expect[256];
	int cap = missing_bounding_cap();

	(void)state;
	if (cap < 0 || cap >= (int)HR_ARRAY_SIZE(cap_names_upper) || !cap_names_upper[cap])
		skip();
	char *list[] = { (char *)cap_names_upper[cap], NULL };
	char *none[] = { NULL };
	struct hr_capabilities caps = { none, list, list, none, none, true };

	assert_int_equal(hr_caps_validate(&caps, &err), -1);
	snprintf(expect, sizeof(expect),
		 "capability \"%s\" (process.capabilities.effective) is not in this host's bounding set",
		 cap_names_upper[cap]);
	assert_string_equal(err.msg, expect);
}

static void test_validate_set_relations(void **state)
{
	char *nbs[] = { "CAP_NET_BIND_SERVICE", NULL };
	char *chown_[] = { "CAP_CHOWN", NULL };
	char *none[] = { NULL };
	struct hr_error err = { 0 };
	(void)state;

	/* ambient not in inheritable / not in permitted: fewer privileges than
	 * asked, accepted (with a warning) and left out when applied */
	struct hr_capabilities a = { nbs, nbs, nbs, none, nbs, true };
	assert_int_equal(hr_caps_validate(&a, &err), 0);
	struct hr_capabilities b = { nbs, none, none, nbs, nbs, true };
	assert_int_equal(hr_caps_validate(&b, &err), 0);

	/* effective not in permitted */
	struct hr_capabilities c = { nbs, nbs, chown_, none, none, true };
	assert_int_equal(hr_caps_validate(&c, &err), -1);
	assert_non_null(strstr(err.msg, "\"CAP_NET_BIND_SERVICE\" is in process.capabilities.effective but not in permitted"));

	/* inheritable outside bounding */
	struct hr_capabilities d = { chown_, none, none, nbs, none, true };
	assert_int_equal(hr_caps_validate(&d, &err), -1);
	assert_non_null(strstr(err.msg, "\"CAP_NET_BIND_SERVICE\" is in process.capabilities.inheritable but not in bounding"));
}

struct status_caps {
	int rc;
	char msg[HR_ERROR_MSG_MAX];
	uint64_t inh, prm, eff, bnd, amb;
	uid_t uid;
	gid_t gid;
	int ngroups;
};

static uint64_t status_field(const char *status, const char *key)
{
	const char *p = strstr(status, key);
	if (!p)
		return UINT64_MAX;
	return strtoull(p + strlen(key), NULL, 16);
}

/* Applies caps in a child as uid/gid 1000 and reports what /proc/self/status says. */
static struct status_caps run_apply(const struct hr_capabilities *caps, uid_t uid)
{
	struct status_caps out = { 0 };
	int pfd[2];
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct hr_error err = { 0 };
		struct status_caps r = { 0 };
		gid_t groups[] = { 1000, 1001 };
		char *status = NULL;

		close(pfd[0]);
		r.rc = hr_caps_change_identity_and_apply(caps, uid, uid, groups, 2, true, &err);
		snprintf(r.msg, sizeof(r.msg), "%s", err.msg);
		if (hr_read_file_at(AT_FDCWD, "/proc/self/status", &status, NULL, &err) == 0) {
			r.inh = status_field(status, "CapInh:");
			r.prm = status_field(status, "CapPrm:");
			r.eff = status_field(status, "CapEff:");
			r.bnd = status_field(status, "CapBnd:");
			r.amb = status_field(status, "CapAmb:");
		}
		r.uid = getuid();
		r.gid = getgid();
		r.ngroups = getgroups(0, NULL);
		(void)!write(pfd[1], &r, sizeof(r));
		_exit(0);
	}
	close(pfd[1]);
	assert_int_equal(hr_read_all(pfd[0], &out, sizeof(out)), (ssize_t)sizeof(out));
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	return out;
}

static void test_apply_nonroot_keeps_explicit_cap(void **state)
{
	char *nbs[] = { "CAP_NET_BIND_SERVICE", NULL };
	struct hr_capabilities caps = { nbs, nbs, nbs, nbs, nbs, true };
	const uint64_t want = UINT64_C(1) << CAP_NET_BIND_SERVICE;
	(void)state;

	if (geteuid() != 0)
		skip();
	struct status_caps r = run_apply(&caps, 1000);
	assert_string_equal(r.msg, "");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.uid, 1000);
	assert_int_equal(r.gid, 1000);
	assert_int_equal(r.ngroups, 2);
	assert_int_equal(r.eff, want);
	assert_int_equal(r.prm, want);
	assert_int_equal(r.bnd, want);
	assert_int_equal(r.inh, want);
	assert_int_equal(r.amb, want);
}

static void test_apply_root_exact_sets(void **state)
{
	char *bnd[] = { "CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
	char *eff[] = { "CAP_KILL", NULL };
	char *prm[] = { "CAP_CHOWN", "CAP_KILL", NULL };
	char *none[] = { NULL };
	struct hr_capabilities caps = { bnd, eff, prm, none, none, true };
	(void)state;

	if (geteuid() != 0)
		skip();
	struct status_caps r = run_apply(&caps, 0);
	assert_string_equal(r.msg, "");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.eff, UINT64_C(1) << CAP_KILL);
	assert_int_equal(r.prm, (UINT64_C(1) << CAP_KILL) | (UINT64_C(1) << CAP_CHOWN));
	assert_int_equal(r.bnd, (UINT64_C(1) << CAP_KILL) | (UINT64_C(1) << CAP_CHOWN) |
				(UINT64_C(1) << CAP_NET_BIND_SERVICE));
	assert_int_equal(r.inh, 0);
	assert_int_equal(r.amb, 0);
}

static void test_apply_absent_drops_everything(void **state)
{
	struct hr_capabilities caps = { .present = false };
	(void)state;

	if (geteuid() != 0)
		skip();
	struct status_caps root = run_apply(&caps, 0);
	assert_int_equal(root.rc, 0);
	assert_int_equal(root.eff | root.prm | root.bnd | root.inh | root.amb, 0);
	struct status_caps user = run_apply(&caps, 1000);
	assert_int_equal(user.rc, 0);
	assert_int_equal(user.eff | user.prm | user.bnd | user.inh | user.amb, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_from_name),
		cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_unknown),
		cmocka_unit_test(test_validate_not_in_host_bounding),
		cmocka_unit_test(test_validate_set_relations),
		cmocka_unit_test(test_apply_nonroot_keeps_explicit_cap),
		cmocka_unit_test(test_apply_root_exact_sets),
		cmocka_unit_test(test_apply_absent_drops_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
