/* The policy checkpoint and the pure plan, without root: given a config
 * and a host description, these namespaces, these masks, this mount list,
 * these refusals. Building a plan must open nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "policy/policy.h"
#include "base/util.h"

#define BIT(c) (UINT64_C(1) << (c))

/* A host that knows capabilities up to CAP_CHECKPOINT_RESTORE (40), has all
 * of them in its bounding set, and no AppArmor; not probed (no live checks). */
static struct hr_host test_host(void)
{
	return (struct hr_host){ .cap_last = 40, .cap_bounding = BIT(41) - 1, .can_clone_mounts = true };
}

/* config.json with a process (process_extra inside it), top-level extras
 * and linux extras. */
static struct hr_spec *load(const char *process_extra, const char *top_extra, const char *linux_extra)
{
	_cleanup_free_ char *json = xasprintf(
		"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
		" \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}%s%s}%s%s,"
		" \"linux\": {%s}}",
		*process_extra ? ", " : "", process_extra, *top_extra ? ", " : "", top_extra, linux_extra);
	struct hr_error err = { 0 };
	struct hr_spec *s = NULL;

	if (hr_spec_load_string(json, "config.json", &s, &err) < 0)
		fail_msg("parse %s: %s", json, err.msg);
	return s;
}

static int count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* Checkpoint then plan, as create does; returns the error text or NULL. */
static char *check_and_plan(struct hr_spec *s, const struct hr_host *host, const struct hr_policy_create_opts *po,
			    struct hr_plan *plan)
{
	struct hr_plan_opts o = { 0 };
	struct hr_policy_result r = { 0 };
	struct hr_error err = { 0 };
	int rc = hr_policy_check_create(s, host, po, &r, &err);

	if (rc == 0)
		rc = hr_plan_create(s, host, &o, plan, &err);
	hr_policy_result_clear(&r);
	return rc < 0 ? xstrdup(err.msg) : NULL;
}

static void expect_refusal(struct hr_spec *s, const struct hr_host *host, const struct hr_policy_create_opts *po,
			   const char *want)
{
	struct hr_plan plan;
	_cleanup_free_ char *msg = check_and_plan(s, host, po, &plan);

	if (!msg)
		fail_msg("accepted, wanted \"%s\"", want);
	if (!strstr(msg, want))
		fail_msg("refused with \"%s\", wanted \"%s\"", msg, want);
	hr_spec_free(s);
}

static void test_new_namespaces_go_to_clone3(void **state)
{
	struct hr_spec *s = load("", "", "\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},"
				      " {\"type\": \"mount\"}, {\"type\": \"network\"}, {\"type\": \"time\"}]");
	struct hr_host host = test_host();
	struct hr_policy_create_opts po = { 0 };
	struct hr_plan plan;

	(void)state;
	assert_null(check_and_plan(s, &host, &po, &plan));
	assert_int_equal(plan.new_ns_flags,
			 CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWTIME);
	/* the time namespace is made by the child, with its offsets */
	assert_int_equal(plan.clone_ns_flags, CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWNET);
	assert_int_equal(plan.n_join_paths, 0);
	assert_int_equal(plan.unshare_flags, 0);
	assert_false(plan.needs_fork);
	assert_false(plan.new_userns);
	assert_false(plan.exec);
	assert_true(plan.wait_for_start);
	assert_ptr_equal(plan.process, &s->process);
	assert_null(plan.resources);
	assert_false(plan.limits_requested);
	hr_spec_free(s);
}

/* Joining by path is only planned: the path is not opened (it need not
 * even exist here), no fd is opened at all. */
static void test_join_by_path_opens_nothing(void **state)
{
	struct hr_spec *s = load("", "", "\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"},"
				      " {\"type\": \"network\", \"path\": \"/nonexistent/ns/net\"}]");
	struct hr_host host = test_host();
	struct hr_policy_create_opts po = { 0 };
	struct hr_plan plan;
	int before = count_open_fds();

	(void)state;
	assert_null(check_and_plan(s, &host, &po, &plan));
	assert_int_equal(count_open_fds(), before);
	assert_int_equal(plan.n_join_paths, 1);
	assert_string_equal(plan.join_paths[HR_NS_NETWORK], "/nonexistent/ns/net");
	assert_null(plan.join_paths[HR_NS_PID]);
	/* slow path: join, then create the rest, then fork into the new pid ns */
	assert_int_equal(plan.clone_ns_flags, 0);
	assert_int_equal(plan.unshare_flags, CLONE_NEWPID | CLONE_NEWNS);
	assert_true(plan.needs_fork);
	hr_spec_free(s);
}

static void test_user_namespace_id_maps(void **state)
{
	struct hr_spec *s = load("", "", "\"namespaces\": [{\"type\": \"user\"}, {\"type\": \"mount\"}],"
				      " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
				      " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 200000, \"size\": 1000},"
				      " {\"containerID\": 1000, \"hostID\": 300000, \"size\": 1}]");
	struct hr_host host = test_host();
	struct hr_policy_create_opts po = { 0 };
	struct hr_plan plan;

	(void)state;
	assert_null(check_and_plan(s, &host, &po, &plan));
	assert_true(plan.new_userns);
	assert_true(plan.clone_ns_flags & CLONE_NEWUSER);
	assert_int_equal(plan.n_uid_maps, 1);
	assert_int_equal(plan.uid_maps[0].host_id, 100000);
	assert_int_equal(plan.uid_maps[0].size, 65536);
	assert_int_equal(plan.n_gid_maps, 2);
	assert_int_equal(plan.gid_maps[1].container_id, 1000);
	assert_int_equal(plan.gid_maps[1].host_id, 300000);
	/* the rootfs and bind sources are opened before the user namespace */
	assert_true(plan.host_side_sources);
	hr_spec_free(s);
}

/* Without a user namespace, or without a mount namespace of its own, the
 * container process opens its sources itself (nothing to open early). */
static void test_host_side_sources_only_for_user_and_mount_ns(void **state)
{
	struct hr_spec *no_user = load("", "", "\"namespaces\": [{\"type\": \"mount\"}]");
	struct hr_spec *no_mount = load("", "", "\"namespaces\": [{\"type\": \"user\"}],"
					  " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1}],"
					  " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1}]");
	struct hr_host host = test_host();
	struct hr_policy_create_opts po = { 0 };
	struct hr_plan plan;

	(void)state;
	assert_null(check_and_plan(no_user, &host, &po, &plan));
	assert_false(plan.host_side_sources);
	assert_null(check_and_plan(no_mount, &host, &po, &plan));
	assert_false(plan.host_side_sources);
	/* rootless: the runtime cannot clone mount trees either */
	hr_spec_free(no_user);
	no_user = load("", "", "\"namespaces\": [{\"type\": \"user\"}, {\"type\": \"mount\"}],"
			      " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
			      " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]");
	host.can_clone_mounts = false;
	assert_null(check_and_plan(no_user, &host, &po, &plan));
	assert_false(plan.host_side_sources);
	hr_spec_free(no_user);
	hr_spec_free(no_mount);
}

static void test_capability_masks(void **state)
{
	struct hr_spec *s = load("\"capabilities\": {\"bounding\": [\"CAP_CHOWN\", \"CAP_NET_BIND_SERVICE\", \"CAP_KILL\"],"
				 " \"effective\": [\"CAP_CHOWN\"], \"permitted\": [\"CAP_CHOWN\", \"CAP_KILL\"],"
				 " \"inheritable\": [\"CAP_KILL\"], \"ambient\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]}",
				 "", "\"namespaces\": [{\"type\": \"mount\"}]");
	struct hr_host host = test_host();
	struct hr_policy_create_opts po = { 0 };
	struct hr_plan plan;

	(void)state;
	assert_null(check_and_plan(s, &host, &po, &plan));
	assert_int_equal(plan.caps.bounding, BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_KILL));
	assert_int_equal(plan.caps.effective, BIT(CAP_CHOWN));
	assert_int_equal(plan.caps.permitted, BIT(CAP_CHOWN) | BIT(CAP_KILL));
	assert_int_equal(plan.caps.inheritable, BIT(CAP_KILL));
	/* ambient outside permitted and inheritable is left out, as the kernel would */
	assert_int_equal(plan.caps.ambient, BIT(CAP_KILL));
	hr_spec_free(s);
}

static void test_capabilities_refused_by_host(void **state)
{
	struct hr_host old_kernel = test_host(), narrow = test_host();
	struct hr_policy_create_opts po = { 0 };

	(void)state;
	old_kernel.cap_last = 37; /* before CAP_PERFMON (38) */
	expect_refusal(load("\"capabilities\": {\"bounding\": [\"CAP_PERFMON\"]}", "", ""), &old_kernel, &po,
		       "capability \"CAP_PERFMON\" (process.capabilities.bounding) is not supported by this kernel");
	narrow.cap_bounding &= ~BIT(CAP_SYS_ADMIN);
	expect_refusal(load("\"capabilities\": {\"permitted\": [\"CAP_SYS_ADMIN\"]}", "", ""), &narrow, &po,
		       "capability \"CAP_SYS_ADMIN\" (process.capabilities.permitted) is not in this host's bounding set");
	expect_refusal(load("\"capabilities\": {\"effective\": [\"CAP_NOPE\"]}", "", ""), &narrow, &po,
		       "unknown capability \"CAP_NOPE\" in process.capabilities.effective");
	expect_refusal(load("\"capabilities\": {\"effective\": [\"CAP_KILL\"]}", "", ""), &narrow, &po,
		       "effective must be a subset of permitted");
}

static void test_apparmor_refused_by_host(void **state)
{
	struct hr_host off = test_host(), on = test_host();
	struct hr_policy_create_opts po = { 0 };
	struct hr_spec *s;
	struct hr_plan plan;

	(void)state;
	expect_refusal(load("\"apparmorProfile\": \"hardrun-default\"", "", ""), &off, &po,
		       "AppArmor profile \"hardrun-default\" requested but AppArmor is not enabled on this host");
	on.apparmor_enabled = true;
	on.apparmor_profiles = "docker-default (enforce)\nhardrun-default (enforce)\n";
	expect_refusal(load("\"apparmorProfile\": \"other\"", "", ""), &on, &po,
		       "AppArmor profile \"other\" is not loaded");
	s = load("\"apparmorProfile\": \"hardrun-default\"", "", "");
	assert_null(check_and_plan(s, &on, &po, &plan));
	hr_spec_free(s);
}

static void test_terminal_and_options_refused(void **state)
{
	struct hr_host host = test_host();
	struct hr_policy_create_opts detached = { 0 }, sock = { .console_socket = true }, fg = { .foreground = true };
	struct hr_spec *s;
	struct hr_plan plan;

	(void)state;
	expect_refusal(load("\"terminal\": true", "", ""), &host, &detached,
		       "process.terminal is true: use --console-socket");
	expect_refusal(load("", "", ""), &host, &sock, "--console-socket given but process.terminal is false");
	s = load("\"terminal\": true", "", "");
	assert_null(check_and_plan(s, &host, &fg, &plan));
	hr_spec_free(s);
}

static void test_spec_refusals(void **state)
{
	struct hr_host host = test_host();
	struct hr_policy_create_opts po = { 0 };

	(void)state;
	expect_refusal(load("", "", "\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"network\"}],"
				    " \"sysctl\": {\"vm.swappiness\": \"10\"}"),
		       &host, &po, "sysctl \"vm.swappiness\" is not namespaced");
	expect_refusal(load("", "", "\"namespaces\": [{\"type\": \"mount\"}], \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"}"),
		       &host, &po, "sysctl \"net.ipv4.ip_forward\" is not allowed in the host's network namespace");
	expect_refusal(load("", "\"mounts\": [{\"destination\": \"/data\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]",
			    "\"namespaces\": [{\"type\": \"pid\"}]"),
		       &host, &po, "mounts needs a new mount namespace");
}

static void test_mounts_seccomp_cgroup_hooks(void **state)
{
	struct hr_spec *s = load("", "\"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
				     " {\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}],"
				     " \"hooks\": {\"prestart\": [{\"path\": \"/bin/true\"}]}",
				 "\"namespaces\": [{\"type\": \"mount\"}], \"cgroupsPath\": \"/hardrun/x\","
				 " \"resources\": {\"pids\": {\"limit\": 10}},"
				 " \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/l.sock\"}");
	struct hr_host host = test_host();
	struct hr_policy_create_opts po = { 0 };
	struct hr_plan plan;
	int before = count_open_fds();

	(void)state;
	assert_null(check_and_plan(s, &host, &po, &plan));
	assert_int_equal(count_open_fds(), before);
	assert_int_equal(plan.n_mounts, 2);
	assert_string_equal(plan.mounts[0].destination, "/proc");
	assert_string_equal(plan.mounts[1].destination, "/tmp");
	assert_ptr_equal(plan.seccomp, s->linux_.seccomp);
	assert_string_equal(plan.seccomp_listener, "/run/l.sock");
	assert_string_equal(plan.cgroups_path, "/hardrun/x");
	assert_non_null(plan.resources);
	assert_int_equal(plan.resources->pids_limit, 10);
	assert_true(plan.limits_requested);
	assert_non_null(plan.hooks);
	assert_int_equal(plan.hooks->n_prestart, 1);
	hr_spec_free(s);
}

/* The runtime drains the setup's memory charge stock only where a stranded
 * batch is a noticeable part of memory.max (launch/spawn.c). */
static bool drains_stock(const char *resources)
{
	_cleanup_free_ char *linux_extra = xasprintf("\"resources\": {%s}", resources);
	struct hr_spec *s = load("", "", linux_extra);
	struct hr_host host = test_host();
	struct hr_policy_create_opts po = { 0 };
	struct hr_plan plan;
	bool drains;

	assert_null(check_and_plan(s, &host, &po, &plan));
	drains = plan.drain_charge_stock;
	assert_int_equal(drains, hr_plan_tiny_memory_limit(plan.resources));
	hr_spec_free(s);
	return drains;
}

static void test_tiny_memory_limit_drains_charge_stock(void **state)
{
	(void)state;
	assert_true(drains_stock("\"memory\": {\"limit\": 262144}"));
	assert_true(drains_stock("\"memory\": {\"limit\": 16777216}"));
	assert_false(drains_stock("\"memory\": {\"limit\": 16777217}"));
	assert_false(drains_stock("\"memory\": {\"limit\": -1}"));
	assert_false(drains_stock("\"memory\": {\"reservation\": 262144}"));
	assert_false(drains_stock("\"pids\": {\"limit\": 10}"));
	assert_false(drains_stock(""));
	/* unified is written after the OCI fields: it decides */
	assert_true(drains_stock("\"unified\": {\"memory.max\": \"1048576\"}"));
	assert_false(drains_stock("\"memory\": {\"limit\": 262144}, \"unified\": {\"memory.max\": \"max\"}"));
	assert_true(drains_stock("\"memory\": {\"limit\": 1073741824}, \"unified\": {\"memory.max\": \"262144\"}"));
	assert_false(hr_plan_tiny_memory_limit(NULL));
}

/* exec: everything the container has is joined through its init; nothing
 * is created, mounted or waited for; the exec'd process's own masks. */
static void test_exec_plan(void **state)
{
	struct hr_spec *c = load("", "", "\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"user\"}],"
				      " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
				      " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]");
	char *caps[] = { "CAP_KILL", NULL };
	struct hr_process p = { .capabilities = { caps, caps, caps, NULL, NULL, true } };
	struct hr_host host = test_host();
	struct hr_plan_opts o = { .preserve_fds = 2 };
	struct hr_policy_result r = { 0 };
	struct hr_error err = { 0 };
	struct hr_plan plan;

	(void)state;
	assert_int_equal(hr_policy_check_exec(c, &p, &host, &r, &err), 0);
	assert_int_equal(hr_plan_exec(c, &p, &host, &o, &plan, &err), 0);
	assert_true(plan.exec);
	assert_ptr_equal(plan.process, &p);
	assert_int_equal(plan.join_target_flags, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUSER);
	assert_int_equal(plan.new_ns_flags | plan.clone_ns_flags | plan.unshare_flags, 0);
	assert_false(plan.new_userns);
	assert_true(plan.needs_fork);
	assert_false(plan.enter_target_root);
	assert_false(plan.wait_for_start);
	assert_int_equal(plan.n_mounts, 0);
	assert_int_equal(plan.caps.permitted, BIT(CAP_KILL));
	assert_int_equal(plan.opts.preserve_fds, 2);
	/* the container's spec is not the exec'd process */
	assert_false(c->process.capabilities.present);
	hr_spec_free(c);
}

static void test_exec_without_mount_ns_enters_root(void **state)
{
	struct hr_spec *c = load("", "", "\"namespaces\": [{\"type\": \"pid\"}]");
	struct hr_process p = { 0 };
	struct hr_host host = test_host(), narrow = test_host();
	struct hr_plan_opts o = { 0 };
	struct hr_policy_result r = { 0 };
	struct hr_error err = { 0 };
	struct hr_plan plan;
	char *caps[] = { "CAP_SYS_ADMIN", NULL };

	(void)state;
	assert_int_equal(hr_plan_exec(c, &p, &host, &o, &plan, &err), 0);
	assert_true(plan.enter_target_root);
	/* the exec'd process is checked against the host like create's */
	narrow.cap_bounding &= ~BIT(CAP_SYS_ADMIN);
	p.capabilities = (struct hr_capabilities){ caps, NULL, NULL, NULL, NULL, true };
	assert_int_equal(hr_policy_check_exec(c, &p, &narrow, &r, &err), -1);
	assert_non_null(strstr(err.msg, "not in this host's bounding set"));
	hr_spec_free(c);
}

static void test_decisions_recorded(void **state)
{
	struct hr_policy_result r = { 0 };

	(void)state;
	hr_policy_record(&r, HR_DECISION_INJECT, "mask-kcore", "linux.maskedPaths += /proc/kcore");
	hr_policy_record(&r, HR_DECISION_WARN, "no-userns", NULL);
	assert_int_equal(r.n_decisions, 2);
	assert_int_equal(r.decisions[0].kind, HR_DECISION_INJECT);
	assert_string_equal(r.decisions[0].rule, "mask-kcore");
	assert_string_equal(r.decisions[1].detail, "");
	hr_policy_result_clear(&r);
	assert_int_equal(r.n_decisions, 0);
	assert_null(r.decisions);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_namespaces_go_to_clone3),
		cmocka_unit_test(test_join_by_path_opens_nothing),
		cmocka_unit_test(test_user_namespace_id_maps),
		cmocka_unit_test(test_host_side_sources_only_for_user_and_mount_ns),
		cmocka_unit_test(test_capability_masks),
		cmocka_unit_test(test_capabilities_refused_by_host),
		cmocka_unit_test(test_apparmor_refused_by_host),
		cmocka_unit_test(test_terminal_and_options_refused),
		cmocka_unit_test(test_spec_refusals),
		cmocka_unit_test(test_mounts_seccomp_cgroup_hooks),
		cmocka_unit_test(test_tiny_memory_limit_drains_charge_stock),
		cmocka_unit_test(test_exec_plan),
		cmocka_unit_test(test_exec_without_mount_ns_enters_root),
		cmocka_unit_test(test_decisions_recorded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
