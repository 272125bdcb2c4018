/* systemd cgroup driver, the parts that need no bus: cgroupsPath
 * "slice:prefix:name" as runc reads it, slice nesting as systemd does it,
 * and OCI resources -> unit properties (runc's conversions). The bus side is
 * tested in the systemd VM (tests/vm-systemd). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "base/util.h"
#include "cgroup/systemd.h"

static struct hr_error err;

/* ---- cgroupsPath ---------------------------------------------------------------- */

static void expect_unit(const char *path, const char *id, bool user, const char *slice, const char *unit)
{
	struct hr_systemd_unit u;

	if (hr_systemd_parse_path(path, id, user, &u, &err) < 0)
		fail_msg("%s: %s", path ? path : "(null)", err.msg);
	assert_string_equal(u.slice, slice);
	assert_string_equal(u.unit, unit);
	assert_true(u.user == user);
	hr_systemd_unit_clear(&u);
}

static void expect_bad_path(const char *path, const char *needle)
{
	struct hr_systemd_unit u;

	assert_int_equal(hr_systemd_parse_path(path, "id", false, &u, &err), -1);
	if (!strstr(err.msg, needle))
		fail_msg("%s: \"%s\" does not mention \"%s\"", path, err.msg, needle);
	assert_null(u.slice);
	assert_null(u.unit);
}

static void test_parse_path_forms(void **state)
{
	(void)state;
	expect_unit("system.slice:docker:1234", "x", false, "system.slice", "docker-1234.scope");
	expect_unit("kubepods-burstable-pod12ab.slice:cri-containerd:c0ffee", "x", false,
		    "kubepods-burstable-pod12ab.slice", "cri-containerd-c0ffee.scope");
	/* empty slice: system.slice, or user.slice for the user's manager */
	expect_unit(":libpod:abc", "x", false, "system.slice", "libpod-abc.scope");
	expect_unit(":libpod:abc", "x", true, "user.slice", "libpod-abc.scope");
	/* empty prefix: name.scope (runc >= 1.1) */
	expect_unit("machine.slice::abc", "x", false, "machine.slice", "abc.scope");
	/* no cgroupsPath: ":hardrun:<id>" */
	expect_unit(NULL, "ctr1", false, "system.slice", "hardrun-ctr1.scope");
	expect_unit("", "ctr1", true, "user.slice", "hardrun-ctr1.scope");
	expect_unit("-.slice:p:n", "x", false, "-.slice", "p-n.scope");
}

static void test_parse_path_refusals(void **state)
{
	(void)state;
	expect_bad_path("/kubepods/pod1/c1", "slice:prefix:name");
	expect_bad_path("system.slice:docker", "slice:prefix:name");
	expect_bad_path("a.slice:b:c:d", "slice:prefix:name");
	expect_bad_path("system.slice:p:", "empty name");
	expect_bad_path("system.slice:p:sub.slice", "is a slice");
	expect_bad_path("system:p:n", "invalid slice name");
	expect_bad_path("a/b.slice:p:n", "invalid slice name");
	expect_bad_path("system.slice:p/q:n", "not a valid unit name");
	expect_bad_path("system.slice:p:n m", "not a valid unit name");
	struct hr_systemd_unit u;
	assert_int_equal(hr_systemd_parse_path("", "", false, &u, &err), -1);
}

/* ---- slices --------------------------------------------------------------------------- */

static void expect_slice(const char *slice, const char *want)
{
	_cleanup_free_ char *got = NULL;

	if (hr_systemd_expand_slice(slice, &got, &err) < 0)
		fail_msg("%s: %s", slice, err.msg);
	assert_string_equal(got, want);
}

static void expect_bad_slice(const char *slice)
{
	char *got = NULL;

	if (hr_systemd_expand_slice(slice, &got, &err) == 0)
		fail_msg("\"%s\" expanded to \"%s\"; systemd refuses it", slice, got);
	assert_null(got);
}

static void test_expand_slice(void **state)
{
	(void)state;
	expect_slice("system.slice", "system.slice");
	expect_slice("a-b-c.slice", "a.slice/a-b.slice/a-b-c.slice");
	expect_slice("kubepods-besteffort-pod1.slice",
		     "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice");
	expect_slice("-.slice", "");
	expect_bad_slice(".slice");
	expect_bad_slice("a--b.slice");
	expect_bad_slice("-a.slice");
	expect_bad_slice("a-.slice");
	expect_bad_slice("a/b.slice");
	expect_bad_slice("a.scope");
	expect_bad_slice("");
	expect_bad_slice(NULL);
}

static void test_unit_cgroup(void **state)
{
	struct hr_systemd_unit u = { .slice = "kubepods-burstable.slice", .unit = "cri-containerd-1.scope" };
	_cleanup_free_ char *sys = NULL, *user = NULL, *root = NULL;

	(void)state;
	assert_int_equal(hr_systemd_unit_cgroup(&u, "/", &sys, &err), 0);
	assert_string_equal(sys, "kubepods.slice/kubepods-burstable.slice/cri-containerd-1.scope");
	assert_int_equal(hr_systemd_unit_cgroup(&u, "/user.slice/user-1000.slice/user@1000.service/", &user, &err), 0);
	assert_string_equal(user, "user.slice/user-1000.slice/user@1000.service/kubepods.slice/"
			    "kubepods-burstable.slice/cri-containerd-1.scope");
	u.slice = "-.slice";
	assert_int_equal(hr_systemd_unit_cgroup(&u, "/", &root, &err), 0);
	assert_string_equal(root, "cri-containerd-1.scope");
}

/* ---- properties ------------------------------------------------------------------------ */

static const struct hr_sd_prop *need(const struct hr_sd_props *p, const char *name, enum hr_sd_type type)
{
	const struct hr_sd_prop *q = hr_sd_props_find(p, name);
	if (!q)
		fail_msg("no property %s", name);
	assert_int_equal(q->type, type);
	return q;
}

static void test_memory_cpu_pids_props(void **state)
{
	struct hr_resources r = { 0 };
	struct hr_sd_props p = { 0 };

	(void)state;
	r.has_memory = true;
	r.memory = (struct hr_memory){ .has_limit = true, .limit = 64 << 20, .has_reservation = true,
				       .reservation = 32 << 20, .has_swap = true, .swap = 96 << 20 };
	r.has_cpu = true;
	r.cpu = (struct hr_cpu){ .has_shares = true, .shares = 1024, .has_quota = true, .quota = 50000,
				 .has_period = true, .period = 100000, .cpus = "0-2,9", .mems = "0" };
	r.has_pids = true;
	r.pids_limit = 100;
	assert_int_equal(hr_systemd_resource_props(&r, NULL, HR_SD_SKIP_DEVICES, &p, &err), 0);
	assert_int_equal(need(&p, "MemoryMax", HR_SD_U64)->u64, 64 << 20);
	assert_int_equal(need(&p, "MemoryLow", HR_SD_U64)->u64, 32 << 20);
	assert_int_equal(need(&p, "MemorySwapMax", HR_SD_U64)->u64, 32 << 20);   /* memory+swap - memory */
	assert_int_equal(need(&p, "CPUWeight", HR_SD_U64)->u64, 39);             /* runc's linear shares */
	assert_int_equal(need(&p, "CPUQuotaPeriodUSec", HR_SD_U64)->u64, 100000);
	assert_int_equal(need(&p, "CPUQuotaPerSecUSec", HR_SD_U64)->u64, 500000);
	const struct hr_sd_prop *cpus = need(&p, "AllowedCPUs", HR_SD_BYTES);
	assert_int_equal(cpus->n_bytes, 2);
	assert_int_equal(cpus->bytes[0], 0x07);
	assert_int_equal(cpus->bytes[1], 0x02);
	assert_int_equal(need(&p, "AllowedMemoryNodes", HR_SD_BYTES)->bytes[0], 0x01);
	assert_int_equal(need(&p, "TasksMax", HR_SD_U64)->u64, 100);
	assert_null(hr_sd_props_find(&p, "DevicePolicy"));
	hr_sd_props_clear(&p);
}

static void test_unlimited_props(void **state)
{
	struct hr_resources r = { 0 };
	struct hr_sd_props p = { 0 };

	(void)state;
	r.has_memory = true;
	r.memory = (struct hr_memory){ .has_limit = true, .limit = -1 };
	r.has_cpu = true;
	r.cpu = (struct hr_cpu){ .has_quota = true, .quota = -1 };
	r.has_pids = true;
	r.pids_limit = -1;
	assert_int_equal(hr_systemd_resource_props(&r, NULL, HR_SD_SKIP_DEVICES, &p, &err), 0);
	assert_true(need(&p, "MemoryMax", HR_SD_U64)->u64 == HR_SD_INFINITY);
	assert_true(need(&p, "MemorySwapMax", HR_SD_U64)->u64 == HR_SD_INFINITY);
	assert_true(need(&p, "CPUQuotaPerSecUSec", HR_SD_U64)->u64 == HR_SD_INFINITY);
	assert_null(hr_sd_props_find(&p, "CPUQuotaPeriodUSec"));
	assert_true(need(&p, "TasksMax", HR_SD_U64)->u64 == HR_SD_INFINITY);
	hr_sd_props_clear(&p);

	/* podman's pids limit 0 is "not set": no property */
	r = (struct hr_resources){ .has_pids = true, .pids_limit = 0 };
	assert_int_equal(hr_systemd_resource_props(&r, NULL, HR_SD_SKIP_DEVICES, &p, &err), 0);
	assert_int_equal(p.n, 0);
	hr_sd_props_clear(&p);
}

static void test_quota_rounding(void **state)
{
	(void)state;
	/* 1.5 ms per 10 ms = 15% exactly */
	assert_int_equal(hr_systemd_quota_per_sec(1500, 10000), 150000);
	/* 12.345% rounds up to 13% (never below what was asked) */
	assert_int_equal(hr_systemd_quota_per_sec(12345, 100000), 130000);
	/* no period: the kernel's default 100 ms */
	assert_int_equal(hr_systemd_quota_per_sec(20000, 0), 200000);
	assert_true(hr_systemd_quota_per_sec(0, 100000) == HR_SD_INFINITY);
}

static void test_cpuset_bytes(void **state)
{
	uint8_t *b = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(hr_systemd_cpuset_bytes("0,15", &b, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(b[0], 0x01);
	assert_int_equal(b[1], 0x80);
	free(b);
	b = NULL;
	assert_int_equal(hr_systemd_cpuset_bytes("4-11", &b, &n, &err), 0);
	assert_int_equal(b[0], 0xf0);
	assert_int_equal(b[1], 0x0f);
	free(b);
	b = NULL;
	const char *bad[] = { "a", "3-1", "1,,2", "-1", "1-", "99999", "1 2" };
	for (size_t i = 0; i < HR_ARRAY_SIZE(bad); i++) {
		if (hr_systemd_cpuset_bytes(bad[i], &b, &n, &err) == 0)
			fail_msg("cpuset \"%s\" accepted", bad[i]);
		assert_null(b);
	}
}

static void test_io_props(void **state)
{
	struct hr_weight_device wd = { .major = 8, .minor = 0, .has_weight = true, .weight = 500 };
	struct hr_throttle_device rbps = { .major = 8, .minor = 16, .rate = 1048576 };
	struct hr_resources r = { .has_block_io = true };
	struct hr_sd_props p = { 0 };

	(void)state;
	r.block_io = (struct hr_block_io){ .has_weight = true, .weight = 10, .weight_devices = &wd,
					   .n_weight_devices = 1, .throttle_read_bps = &rbps,
					   .n_throttle_read_bps = 1 };
	assert_int_equal(hr_systemd_resource_props(&r, NULL, HR_SD_SKIP_DEVICES, &p, &err), 0);
	assert_int_equal(need(&p, "IOWeight", HR_SD_U64)->u64, 1);
	const struct hr_sd_prop *w = need(&p, "IODeviceWeight", HR_SD_PATH_U64);
	assert_int_equal(w->n_pairs, 1);
	assert_string_equal(w->pairs[0].path, "/dev/block/8:0");
	assert_int_equal(w->pairs[0].value, 1 + (490 * 9999) / 990);
	const struct hr_sd_prop *bw = need(&p, "IOReadBandwidthMax", HR_SD_PATH_U64);
	assert_string_equal(bw->pairs[0].path, "/dev/block/8:16");
	assert_int_equal(bw->pairs[0].value, 1048576);
	assert_null(hr_sd_props_find(&p, "IOWriteIOPSMax"));
	hr_sd_props_clear(&p);
}

static const char proc_devices[] = "Character devices:\n  1 mem\n  5 /dev/tty\n136 pts\n\nBlock devices:\n  8 sd\n";

static bool has_entry(const struct hr_sd_prop *q, const char *path, const char *access)
{
	for (size_t i = 0; i < q->n_pairs; i++)
		if (strcmp(q->pairs[i].path, path) == 0 && strcmp(q->pairs[i].access, access) == 0)
			return true;
	return false;
}

static void test_device_allowlist(void **state)
{
	struct hr_device_rule rules[] = {
		{ false, 'a', -1, -1, "rwm" },
		{ true, 'c', 10, 200, "rw" },
		{ true, 'b', 8, -1, "r" },
	};
	struct hr_resources r = { .devices = rules, .n_devices = HR_ARRAY_SIZE(rules) };
	struct hr_sd_props p = { 0 };

	(void)state;
	assert_int_equal(hr_systemd_resource_props(&r, proc_devices, 0, &p, &err), 0);
	assert_string_equal(need(&p, "DevicePolicy", HR_SD_STR)->str, "strict");
	const struct hr_sd_prop *a = need(&p, "DeviceAllow", HR_SD_PATH_STR);
	assert_true(has_entry(a, "/dev/char/10:200", "rw"));
	assert_true(has_entry(a, "block-sd", "r"));
	/* the OCI defaults hardrun appends */
	assert_true(has_entry(a, "/dev/char/1:3", "rwm"));
	assert_true(has_entry(a, "char-pts", "rwm"));
	assert_true(has_entry(a, "char-*", "m"));
	assert_true(has_entry(a, "block-*", "m"));
	hr_sd_props_clear(&p);
}

/* What systemd's allowlist cannot say is left to hardrun's own program:
 * systemd is told to restrict nothing rather than something else. */
static void test_device_rules_systemd_cannot_say(void **state)
{
	struct hr_device_rule deny_after_allow[] = { { true, 'c', 1, 3, "rwm" }, { false, 'c', 1, 3, "w" } };
	struct hr_device_rule any_major[] = { { true, 'c', -1, 3, "r" } };
	struct hr_device_rule unknown_major[] = { { true, 'c', 99, -1, "r" } };
	struct { struct hr_device_rule *r; size_t n; const char *pd; } cases[] = {
		{ deny_after_allow, 2, proc_devices },
		{ any_major, 1, proc_devices },
		{ unknown_major, 1, proc_devices },
		{ NULL, 0, NULL },   /* no /proc/devices: no name for the pts default */
	};

	(void)state;
	for (size_t i = 0; i < HR_ARRAY_SIZE(cases); i++) {
		struct hr_resources r = { .devices = cases[i].r, .n_devices = cases[i].n };
		struct hr_sd_props p = { 0 };
		assert_int_equal(hr_systemd_resource_props(&r, cases[i].pd, 0, &p, &err), 0);
		assert_string_equal(need(&p, "DevicePolicy", HR_SD_STR)->str, "auto");
		assert_int_equal(need(&p, "DeviceAllow", HR_SD_PATH_STR)->n_pairs, 0);
		hr_sd_props_clear(&p);
	}
}

static void test_bad_swap_is_an_error(void **state)
{
	struct hr_resources r = { .has_memory = true };
	struct hr_sd_props p = { 0 };

	(void)state;
	r.memory = (struct hr_memory){ .has_limit = true, .limit = 64 << 20, .has_swap = true, .swap = 32 << 20 };
	assert_int_equal(hr_systemd_resource_props(&r, NULL, 0, &p, &err), -1);
	assert_non_null(strstr(err.msg, "below memory.limit"));
	assert_int_equal(p.n, 0);
}

/* ---- live, where systemd is PID 1 (run-in-vm --systemd) ----------------------- */

static char *cg_file(const char *path, const char *name)
{
	_cleanup_free_ char *file = xasprintf("/sys/fs/cgroup/%s/%s", path, name);
	char *text = NULL;
	size_t len;
	if (hr_read_file_at(AT_FDCWD, file, &text, &len, &err) < 0)
		fail_msg("%s", err.msg);
	text[strcspn(text, "\n")] = '\0';
	return text;
}

static uint64_t scope_u64(const char *unit, const char *prop)
{
	uint64_t v = 0;
	if (hr_systemd_unit_u64(unit, false, "org.freedesktop.systemd1.Scope", prop, &v, &err) < 0)
		fail_msg("%s", err.msg);
	return v;
}

static void test_live_scope(void **state)
{
	struct hr_systemd_unit u = { .slice = "system.slice" };
	struct hr_resources r = { .has_memory = true, .has_pids = true, .pids_limit = 50 };
	struct hr_cgroup *cg = NULL;
	_cleanup_free_ char *planned = NULL, *mem = NULL, *pids = NULL, *mem2 = NULL;
	pid_t placeholder, child;
	struct stat st;

	(void)state;
	if (sd_booted() <= 0)
		skip();
	u.unit = xasprintf("hardrun-unittest-%d.scope", (int)getpid());
	r.memory = (struct hr_memory){ .has_limit = true, .limit = 64 << 20 };
	assert_int_equal(hr_systemd_plan_path(&u, &planned, &err), 0);
	assert_string_equal(planned + strlen("system.slice/"), u.unit);
	if (hr_systemd_create(&u, planned, &r, &cg, &placeholder, &err) < 0)
		fail_msg("%s", err.msg);
	/* the scope lives on with another process once the placeholder goes */
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	if (hr_cgroup_enter(cg, child, &err) < 0)
		fail_msg("%s", err.msg);
	hr_systemd_release_placeholder(placeholder);
	mem = cg_file(planned, "memory.max");
	pids = cg_file(planned, "pids.max");
	assert_string_equal(mem, "67108864");
	assert_string_equal(pids, "50");
	assert_int_equal(scope_u64(u.unit, "MemoryMax"), 64 << 20);
	assert_int_equal(scope_u64(u.unit, "TasksMax"), 50);

	r.memory.limit = 128 << 20;
	if (hr_systemd_update(u.unit, false, cg, &r, &err) < 0)
		fail_msg("%s", err.msg);
	mem2 = cg_file(planned, "memory.max");
	assert_string_equal(mem2, "134217728");
	assert_int_equal(scope_u64(u.unit, "MemoryMax"), 128 << 20);

	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	if (hr_systemd_stop(u.unit, false, &err) < 0)
		fail_msg("%s", err.msg);
	_cleanup_free_ char *dir = xasprintf("/sys/fs/cgroup/%s", planned);
	assert_int_equal(stat(dir, &st), -1);
	/* stopping what is gone is no error */
	assert_int_equal(hr_systemd_stop(u.unit, false, &err), 0);
	hr_cgroup_free(cg);
	free(u.unit);
}

static void test_unreachable_bus_is_named(void **state)
{
	struct hr_systemd_unit u = { .slice = "user.slice", .unit = "hardrun-x.scope", .user = true };
	char *planned = NULL;

	(void)state;
	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", 1);
	assert_int_equal(hr_systemd_plan_path(&u, &planned, &err), -1);
	if (!strstr(err.msg, "systemd") || !strstr(err.msg, "D-Bus"))
		fail_msg("error does not name systemd and D-Bus: %s", err.msg);
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_path_forms),
		cmocka_unit_test(test_parse_path_refusals),
		cmocka_unit_test(test_expand_slice),
		cmocka_unit_test(test_unit_cgroup),
		cmocka_unit_test(test_memory_cpu_pids_props),
		cmocka_unit_test(test_unlimited_props),
		cmocka_unit_test(test_quota_rounding),
		cmocka_unit_test(test_cpuset_bytes),
		cmocka_unit_test(test_io_props),
		cmocka_unit_test(test_device_allowlist),
		cmocka_unit_test(test_device_rules_systemd_cannot_say),
		cmocka_unit_test(test_bad_swap_is_an_error),
		cmocka_unit_test(test_unreachable_bus_is_named),
		cmocka_unit_test(test_live_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
