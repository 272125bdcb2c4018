/* Spec parser on real inputs: the runtime-spec's schema test configs, the
 * configs containerd 1.6 hands a runtime, and our own `hardrun spec` output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "spec/spec.h"
#include "base/util.h"

#define DATA(p) TEST_DATA_DIR "/" p

static struct hr_spec *load_ok(const char *path)
{
	struct hr_error err = { 0 };
	struct hr_spec *s = NULL;

	if (hr_spec_load_file(path, &s, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	assert_non_null(s);
	return s;
}

static void expect_file_error(const char *path, const char *suffix)
{
	struct hr_error err = { 0 };
	struct hr_spec *s = (struct hr_spec *)0x1;
	_cleanup_free_ char *want = xasprintf("%s%s", path, suffix);

	assert_int_equal(hr_spec_load_file(path, &s, &err), -1);
	assert_null(s);
	assert_string_equal(err.msg, want);
}

static void test_schema_good_all_parse(void **state)
{
	DIR *d = opendir(DATA("oci-schema/good"));
	struct dirent *de;
	int n = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", DATA("oci-schema/good"), de->d_name);
		hr_spec_free(load_ok(p));
		n++;
	}
	closedir(d);
	assert_int_equal(n, 5);
}

static void test_schema_good_spec_example(void **state)
{
	struct hr_spec *s = load_ok(DATA("oci-schema/good/spec-example.json"));
	const struct hr_linux *l = &s->linux_;

	(void)state;
	/* A pre-1.0 version string, accepted (see check_oci_version). */
	assert_string_equal(s->oci_version, "0.5.0-dev");
	assert_true(s->root_readonly);
	assert_string_equal(s->hostname, "slartibartfast");
	assert_string_equal(s->domainname, "foobarbaz.test");
	assert_true(s->has_process);
	assert_int_equal(s->process.user.uid, 1);
	assert_int_equal(s->process.user.n_additional_gids, 2);
	assert_int_equal(s->process.user.additional_gids[1], 6);
	assert_string_equal(s->process.capabilities.ambient[0], "CAP_NET_BIND_SERVICE");
	assert_null(s->process.capabilities.ambient[1]);
	assert_int_equal(s->process.n_rlimits, 2);
	assert_int_equal(s->process.rlimits[0].resource, RLIMIT_CORE);
	assert_string_equal(s->process.apparmor_profile, "acme_secure_profile");
	assert_int_equal(s->n_mounts, 7);
	assert_int_equal(s->mounts[6].n_options, 5);
	assert_int_equal(s->hooks.n_prestart, 2);
	assert_int_equal(s->hooks.n_poststart, 1);
	assert_true(s->hooks.poststart[0].has_timeout);
	assert_int_equal(s->hooks.poststart[0].timeout, 5);
	assert_false(s->hooks.prestart[1].has_timeout);
	assert_int_equal(s->n_annotations, 2);
	assert_int_equal(l->n_devices, 2);
	assert_int_equal(l->devices[0].type, 'c');
	assert_int_equal(l->devices[0].file_mode, 438);
	assert_int_equal(l->n_uid_mappings, 1);
	assert_int_equal(l->uid_mappings[0].host_id, 1000);
	assert_int_equal(l->n_sysctl, 2);
	assert_string_equal(l->cgroups_path, "/myRuntime/myContainer");
	assert_true(l->resources.has_pids);
	assert_int_equal(l->resources.pids_limit, 32771);
	assert_int_equal(l->resources.n_hugepage_limits, 2);
	assert_int_equal(l->resources.memory.kernel, -1);
	assert_int_equal(l->resources.cpu.realtime_runtime, 950000);
	assert_string_equal(l->resources.cpu.cpus, "2-3");
	assert_int_equal(l->resources.n_devices, 3);
	assert_int_equal(l->resources.devices[0].type, 'a');
	assert_int_equal(l->resources.devices[0].major, -1);
	assert_string_equal(l->resources.devices[2].access, "r");
	assert_int_equal(l->resources.block_io.n_weight_devices, 2);
	assert_false(l->resources.block_io.weight_devices[1].has_leaf_weight);
	assert_int_equal(l->resources.block_io.n_throttle_write_iops, 1);
	assert_string_equal(l->rootfs_propagation, "slave");
	assert_non_null(l->seccomp);
	assert_int_equal(l->seccomp->n_syscalls, 1);
	assert_true(l->has_time_offsets);
	assert_int_equal(l->boottime_secs, 604800);
	assert_int_equal(l->n_namespaces, 8);
	assert_int_equal(l->namespaces[7].type, HR_NS_TIME);
	assert_non_null(hr_spec_find_ns(s, HR_NS_USER));
	assert_int_equal(hr_strv_len(l->masked_paths), 4);
	assert_int_equal(hr_strv_len(l->readonly_paths), 6);
	assert_non_null(l->mount_label);
	hr_spec_free(s);
}

static void test_schema_good_netdevices(void **state)
{
	struct hr_spec *s = load_ok(DATA("oci-schema/good/linux-netdevice.json"));

	(void)state;
	assert_int_equal(s->linux_.n_net_devices, 3);
	assert_string_equal(s->linux_.net_devices[0].key, "eth0");
	assert_string_equal(s->linux_.net_devices[0].value, "container_eth0");
	assert_null(s->linux_.net_devices[1].value);
	assert_false(s->has_process);
	hr_spec_free(s);
}

/* Each of the runtime-spec's "bad" examples is refused: none of them is bad
 * only in a part we could ignore. netDevices is parsed (the launcher must see
 * it to refuse or honour it); rdma is not applied, but a wrongly typed value
 * is still a malformed config, not an unknown property. */
static void test_schema_bad(void **state)
{
	(void)state;
	expect_file_error(DATA("oci-schema/bad/invalid-json.json"),
			  ":1:2: invalid JSON: string or '}' expected near ']'");
	expect_file_error(DATA("oci-schema/bad/linux-hugepage.json"),
			  ": linux.resources.hugepageLimits[0].pageSize: invalid page size \"64kB\""
			  " (expected e.g. \"2MB\", \"64KB\", \"1GB\")");
	expect_file_error(DATA("oci-schema/bad/linux-netdevice.json"),
			  ": linux.netDevices.eth0.name: must be a string");
	expect_file_error(DATA("oci-schema/bad/linux-rdma.json"),
			  ": linux.resources.rdma.mlx5_1.hcaHandles: must be an integer");
}

static void check_containerd_common(const struct hr_spec *s)
{
	const struct hr_process *p = &s->process;

	assert_string_equal(s->oci_version, "1.0.2-dev");
	assert_string_equal(s->root_path, "rootfs");
	assert_true(s->has_process);
	assert_string_equal(p->args[0], "/bin/sh");
	assert_string_equal(p->cwd, "/");
	assert_true(p->capabilities.present);
	assert_int_equal(hr_strv_len(p->capabilities.bounding), 14);
	assert_null(p->capabilities.inheritable);
	assert_int_equal(p->n_rlimits, 1);
	assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(p->rlimits[0].soft, 1024);
	assert_true(p->no_new_privileges);
	assert_int_equal(s->n_mounts, 7);
	assert_string_equal(s->mounts[0].destination, "/proc");
	assert_int_equal(s->linux_.namespaces[4].type, HR_NS_NETWORK);
	assert_null(s->linux_.namespaces[4].path);
	assert_int_equal(s->linux_.n_namespaces, 5);
	assert_null(hr_spec_find_ns(s, HR_NS_USER));
	assert_int_equal(s->linux_.resources.n_devices, 10);
	assert_int_equal(s->linux_.resources.devices[8].minor, -1);
	assert_int_equal(hr_strv_len(s->linux_.masked_paths), 10);
}

static void test_containerd_configs(void **state)
{
	static const char *const files[] = { "plain", "readonly", "resources", "seccomp-default",
					     "tty" };

	(void)state;
	for (size_t i = 0; i < HR_ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s.config.json", DATA("containerd-1.6"),
						   files[i]);
		struct hr_spec *s = load_ok(p);
		check_containerd_common(s);
		hr_spec_free(s);
	}
}

static void test_containerd_details(void **state)
{
	struct hr_spec *s;

	(void)state;
	s = load_ok(DATA("containerd-1.6/resources.config.json"));
	assert_true(s->linux_.resources.has_memory);
	assert_int_equal(s->linux_.resources.memory.limit, 67108864);
	assert_false(s->linux_.resources.memory.has_swap);
	assert_int_equal(s->linux_.resources.cpu.shares, 512);
	assert_int_equal(s->linux_.resources.cpu.quota, 50000);
	assert_int_equal(s->linux_.resources.cpu.period, 100000);
	assert_null(s->linux_.seccomp);
	hr_spec_free(s);

	s = load_ok(DATA("containerd-1.6/readonly.config.json"));
	assert_true(s->root_readonly);
	hr_spec_free(s);

	s = load_ok(DATA("containerd-1.6/tty.config.json"));
	assert_true(s->process.terminal);
	hr_spec_free(s);

	s = load_ok(DATA("containerd-1.6/seccomp-default.config.json"));
	assert_non_null(s->linux_.seccomp);
	assert_string_equal(s->linux_.seccomp->default_action, "SCMP_ACT_ERRNO");
	assert_int_equal(s->linux_.seccomp->n_syscalls, 11);
	assert_int_equal(hr_strv_len(s->linux_.seccomp->architectures), 3);
	hr_spec_free(s);
}

/* exec's copy of the container's process owns everything it points to */
static void test_process_copy_is_deep(void **state)
{
	static const char json[] = "{\"terminal\": true, \"consoleSize\": {\"height\": 24, \"width\": 80},"
		"\"user\": {\"uid\": 5, \"gid\": 6, \"umask\": 18, \"additionalGids\": [7, 8], \"username\": \"u\"},"
		"\"args\": [\"sh\", \"-c\", \"true\"], \"env\": [\"A=1\", \"B=2\"], \"cwd\": \"/w\","
		"\"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"effective\": [\"CAP_KILL\"],"
		"\"permitted\": [\"CAP_KILL\"], \"inheritable\": [\"CAP_KILL\"], \"ambient\": [\"CAP_KILL\"]},"
		"\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": 20}],"
		"\"noNewPrivileges\": true, \"apparmorProfile\": \"p\", \"oomScoreAdj\": 3}";
	struct hr_process p, c;
	struct hr_error err = { 0 };

	(void)state;
	if (hr_process_load_string(json, "process.json", &p, &err) < 0)
		fail_msg("%s", err.msg);
	hr_process_copy(&c, &p);
	assert_ptr_not_equal(c.args, p.args);
	assert_ptr_not_equal(c.args[0], p.args[0]);
	assert_ptr_not_equal(c.env[1], p.env[1]);
	assert_ptr_not_equal(c.rlimits, p.rlimits);
	assert_ptr_not_equal(c.user.additional_gids, p.user.additional_gids);
	hr_process_clear(&p); /* the copy must not point into what is freed here */
	assert_true(c.terminal && c.has_console_size && c.console_height == 24 && c.console_width == 80);
	assert_true(c.user.uid == 5 && c.user.gid == 6 && c.user.has_umask && c.user.umask == 18);
	assert_int_equal(c.user.n_additional_gids, 2);
	assert_int_equal(c.user.additional_gids[1], 8);
	assert_string_equal(c.user.username, "u");
	assert_string_equal(c.args[2], "true");
	assert_null(c.args[3]);
	assert_string_equal(c.env[1], "B=2");
	assert_string_equal(c.cwd, "/w");
	assert_string_equal(c.capabilities.bounding[0], "CAP_KILL");
	assert_string_equal(c.capabilities.ambient[0], "CAP_KILL");
	assert_null(c.capabilities.ambient[1]);
	assert_true(c.capabilities.present);
	assert_int_equal(c.n_rlimits, 1);
	assert_string_equal(c.rlimits[0].type, "RLIMIT_NOFILE");
	assert_true(c.rlimits[0].soft == 10 && c.rlimits[0].hard == 20);
	assert_true(c.no_new_privileges);
	assert_string_equal(c.apparmor_profile, "p");
	assert_true(c.has_oom_score_adj && c.oom_score_adj == 3);
	hr_process_clear(&c);
}

static void test_containerd_process(void **state)
{
	struct hr_process p;
	struct hr_error err = { 0 };

	(void)state;
	if (hr_process_load_file(DATA("containerd-1.6/exec.process.json"), &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(p.args[2], "echo in-exec; exit 5");
	assert_null(p.args[3]);
	assert_int_equal(p.user.uid, 0);
	assert_int_equal(hr_strv_len(p.capabilities.effective), 14);
	assert_int_equal(p.rlimits[0].hard, 1024);
	assert_true(p.no_new_privileges);
	hr_process_clear(&p);
	assert_null(p.args);
}

static void test_containerd_update_resources(void **state)
{
	_cleanup_free_ char *text = NULL;
	struct hr_resources r;
	struct hr_error err = { 0 };

	(void)state;
	assert_int_equal(hr_read_file_at(-100, DATA("containerd-1.6/update.resources.json"), &text,
					 NULL, &err), 0);
	if (hr_resources_load_string(text, "resources", &r, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(r.has_memory);
	assert_int_equal(r.memory.limit, 134217728);
	assert_int_equal(r.cpu.quota, 25000);
	assert_int_equal(r.cpu.period, 100000);
	assert_false(r.cpu.has_shares);
	assert_true(r.has_pids);
	assert_int_equal(r.pids_limit, 99);
	hr_resources_clear(&r);
}

static void check_example(bool rootless)
{
	char *json = hr_spec_example_json(rootless);
	struct hr_error err = { 0 };
	struct hr_spec *s;
	const struct hr_namespace *user;

	assert_non_null(json);
	assert_int_equal(json[strlen(json) - 1], '\n');
	assert_non_null(strstr(json, "\n  \"ociVersion\": \"1.2.0\""));
	if (hr_spec_load_string(json, "config.json", &s, &err) < 0)
		fail_msg("%s", err.msg);
	free(json);
	assert_true(s->root_readonly);
	assert_string_equal(s->process.args[0], "sh");
	assert_true(s->process.terminal);
	assert_string_equal(hr_env_get(s->process.env, "TERM"), "xterm");
	assert_int_equal(hr_strv_len(s->process.capabilities.permitted), 3);
	assert_null(s->process.capabilities.inheritable);
	assert_string_equal(s->hostname, "hardrun");
	assert_string_equal(s->mounts[s->n_mounts - 1].type, "cgroup2");
	/* the shipped deny-by-default profile */
	assert_non_null(s->linux_.seccomp);
	assert_string_equal(s->linux_.seccomp->default_action, "SCMP_ACT_ERRNO");
	assert_true(s->linux_.seccomp->n_syscalls > 0);
	user = hr_spec_find_ns(s, HR_NS_USER);
	if (rootless) {
		assert_non_null(user);
		assert_null(hr_spec_find_ns(s, HR_NS_NETWORK));
		assert_int_equal(s->linux_.uid_mappings[0].host_id, getuid());
		assert_int_equal(s->linux_.gid_mappings[0].host_id, getgid());
		assert_int_equal(s->linux_.uid_mappings[0].size, 1);
		assert_string_equal(s->mounts[5].type, "none");
		assert_string_equal(s->mounts[5].options[0], "rbind");
		assert_false(s->linux_.has_resources);
	} else {
		assert_null(user);
		assert_non_null(hr_spec_find_ns(s, HR_NS_NETWORK));
		assert_int_equal(s->linux_.n_uid_mappings, 0);
		assert_string_equal(s->mounts[5].type, "sysfs");
	}
	assert_int_equal(s->linux_.n_namespaces, 6);
	hr_spec_free(s);
}

static void test_example_roundtrip(void **state)
{
	(void)state;
	check_example(false);
	check_example(true);
}

/* `hardrun spec`'s hardened config, for each host: it parses, and has
 * exactly the limits and profile the host description allows. */
static void check_hardened(const struct hr_hardened_opts *o)
{
	char *json = hr_spec_hardened_json(o);
	struct hr_error err = { 0 };
	struct hr_spec *s;
	const struct hr_resources *r;

	if (hr_spec_load_string(json, "config.json", &s, &err) < 0)
		fail_msg("%s", err.msg);
	assert_non_null(strstr(json, "\"ociVersion\": \"1.1.0\""));
	free(json);
	r = &s->linux_.resources;
	assert_null(s->process.capabilities.bounding ? s->process.capabilities.bounding[0] : NULL);
	assert_null(s->process.capabilities.effective ? s->process.capabilities.effective[0] : NULL);
	assert_true(s->process.no_new_privileges);
	assert_true(s->root_readonly);
	assert_non_null(hr_spec_find_ns(s, HR_NS_USER));
	assert_non_null(hr_spec_find_ns(s, HR_NS_NETWORK));
	assert_non_null(s->linux_.seccomp);
	assert_int_equal(s->root_idmap_auto, !o->rootless);
	if (o->rootless) {
		assert_int_equal(s->linux_.uid_mappings[0].host_id, getuid());
	} else {
		assert_int_equal(s->linux_.uid_mappings[0].host_id, HR_HARDENED_USERNS_START);
		assert_int_equal(s->linux_.uid_mappings[0].size, HR_HARDENED_USERNS_SIZE);
	}
	assert_int_equal(r->has_memory, o->memory && !o->rootless);
	assert_int_equal(r->has_pids, o->pids && !o->rootless);
	assert_int_equal(r->has_cpu, o->cpu && !o->rootless);
	if (o->apparmor)
		assert_string_equal(s->process.apparmor_profile, HR_HARDENED_APPARMOR);
	else
		assert_null(s->process.apparmor_profile);
	hr_spec_free(s);
}

static void test_hardened_example(void **state)
{
	(void)state;
	check_hardened(&(struct hr_hardened_opts){ 0 });
	check_hardened(&(struct hr_hardened_opts){ .memory = true, .pids = true, .cpu = true, .apparmor = true });
	check_hardened(&(struct hr_hardened_opts){ .memory = true });
	check_hardened(&(struct hr_hardened_opts){ .rootless = true, .memory = true, .apparmor = true });
}

/* hardrun's rootfs annotations take one value each: a typo is an error. */
static void test_rootfs_annotations(void **state)
{
	char *base = hr_spec_example_json(false), *bad, *good;
	struct hr_error err = { 0 };
	struct hr_spec *s = NULL;
	char *at = strstr(base, "\"ociVersion\"");

	(void)state;
	assert_non_null(at);
	bad = xasprintf("%.*s\"annotations\": {\"run.hardrun.rootfs.idmap\": \"yes\"}, %s", (int)(at - base), base, at);
	assert_int_equal(hr_spec_load_string(bad, "config.json", &s, &err), -1);
	assert_non_null(strstr(err.msg, "annotations.run.hardrun.rootfs.idmap"));
	hr_error_clear(&err);
	good = xasprintf("%.*s\"annotations\": {\"run.hardrun.rootfs.readonly\": \"recursive\"}, %s",
			 (int)(at - base), base, at);
	if (hr_spec_load_string(good, "config.json", &s, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(s->root_readonly_recursive);
	assert_false(s->root_idmap);
	hr_spec_free(s);
	free(base);
	free(bad);
	free(good);
}

static void test_ns_helpers(void **state)
{
	(void)state;
	assert_string_equal(hr_ns_type_name(HR_NS_NETWORK), "network");
	assert_string_equal(hr_ns_proc_name(HR_NS_NETWORK), "net");
	assert_string_equal(hr_ns_proc_name(HR_NS_MOUNT), "mnt");
	assert_int_equal(hr_ns_clone_flag(HR_NS_USER), CLONE_NEWUSER);
	assert_int_equal(hr_ns_clone_flag(HR_NS_CGROUP), CLONE_NEWCGROUP);
	assert_null(hr_ns_type_name(HR_NS_COUNT));
	assert_null(hr_spec_find_ns(NULL, HR_NS_PID));
}

static void test_env_get(void **state)
{
	char *env[] = { "PATH=/bin", "PATHX=no", "EMPTY=", "HOME=/root", NULL };

	(void)state;
	assert_string_equal(hr_env_get(env, "PATH"), "/bin");
	assert_string_equal(hr_env_get(env, "EMPTY"), "");
	assert_string_equal(hr_env_get(env, "HOME"), "/root");
	assert_null(hr_env_get(env, "PAT"));
	assert_null(hr_env_get(env, "TERM"));
	assert_null(hr_env_get(NULL, "PATH"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_good_all_parse),
		cmocka_unit_test(test_schema_good_spec_example),
		cmocka_unit_test(test_schema_good_netdevices),
		cmocka_unit_test(test_schema_bad),
		cmocka_unit_test(test_containerd_configs),
		cmocka_unit_test(test_containerd_details),
		cmocka_unit_test(test_containerd_process),
		cmocka_unit_test(test_process_copy_is_deep),
		cmocka_unit_test(test_containerd_update_resources),
		cmocka_unit_test(test_example_roundtrip),
		cmocka_unit_test(test_hardened_example),
		cmocka_unit_test(test_rootfs_annotations),
		cmocka_unit_test(test_ns_helpers),
		cmocka_unit_test(test_env_get),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
