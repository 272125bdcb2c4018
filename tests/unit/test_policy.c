/* The host policy floor without root: the policy file's errors, and each
 * rule in each mode over a spec (what it injects, refuses or warns). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "policy/floor.h"
#include "spec/spec.h"

/* A minimal config below every floor. */
#define CONFIG_BELOW                                                                              \
	"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"                          \
	" \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\"], \"cwd\": \"/\", \"capabilities\": {"               \
	"   \"bounding\": [\"CAP_SYS_ADMIN\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"          \
	"   \"effective\": [\"CAP_KILL\"], \"permitted\": [\"CAP_SYS_ADMIN\"]}},"                 \
	" \"mounts\": [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv/data\","   \
	"   \"options\": [\"rbind\"]},"                                                            \
	"  {\"destination\": \"/h\", \"type\": \"bind\", \"source\": \"/tmp/../etc/x\","            \
	"   \"options\": [\"rbind\", \"nosuid\", \"nodev\"]}],"                                    \
	" \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"network\","              \
	"   \"path\": \"/host/net\"}],"                                                            \
	"   \"sysctl\": {\"kernel.msgmax\": \"1\", \"net.ipv4.ping_group_range\": \"0 0\"},"       \
	"   \"devices\": [{\"path\": \"/dev/kvm\", \"type\": \"c\", \"major\": 10, \"minor\": 232}],"\
	"   \"maskedPaths\": [\"/proc/kcore\"],"                                                   \
	"   \"resources\": {\"memory\": {\"limit\": 99999999999}}}}"

static struct hr_spec *spec_of(const char *json)
{
	struct hr_error err = { 0 };
	struct hr_spec *s = NULL;

	if (hr_spec_load_string(json, "config.json", &s, &err) < 0)
		fail_msg("config: %s", err.msg);
	return s;
}

static struct hr_policy *policy_of(const char *json)
{
	struct hr_error err = { 0 };
	struct hr_policy *p = NULL;

	if (hr_policy_load_string(json, "policy.json", &p, &err) < 0)
		fail_msg("policy: %s", err.msg);
	return p;
}

static void expect_policy_error(const char *json, const char *want)
{
	struct hr_error err = { 0 };
	struct hr_policy *p = (struct hr_policy *)0x1;

	assert_int_equal(hr_policy_load_string(json, "policy.json", &p, &err), -1);
	assert_null(p);
	if (!strstr(err.msg, want))
		fail_msg("error \"%s\" lacks \"%s\"", err.msg, want);
}

static int fake_ns_identity(const char *path, struct hr_policy_ns_id *out)
{
	*out = (struct hr_policy_ns_id){ .known = true, .dev = 3, .ino = strcmp(path, "/host/net") ? 7 : 42 };
	return 0;
}

static struct hr_policy_host host_of(bool apparmor, bool pids)
{
	struct hr_policy_host h = { .apparmor_enabled = apparmor, .cgroup_pids = pids, .cgroup_memory = true, .cgroup_cpu = true,
				    .ns_identity = fake_ns_identity };

	h.ns[HR_NS_NETWORK] = (struct hr_policy_ns_id){ .known = true, .dev = 3, .ino = 42 };
	return h;
}

/* The decision for rule whose detail contains needle, or NULL. */
static const struct hr_decision *find(const struct hr_policy_result *d, const char *rule,
					     const char *needle)
{
	for (size_t i = 0; i < d->n_decisions; i++)
		if (strcmp(d->decisions[i].rule, rule) == 0 && strstr(d->decisions[i].detail, needle))
			return &d->decisions[i];
	return NULL;
}

static void expect_decision(const struct hr_policy_result *d, const char *rule,
			    enum hr_decision_kind a, const char *needle)
{
	const struct hr_decision *dec = find(d, rule, needle);

	if (!dec) {
		for (size_t i = 0; i < d->n_decisions; i++)
			print_message("  %s %s: %s\n", hr_policy_action_name(d->decisions[i].kind),
				      d->decisions[i].rule, d->decisions[i].detail);
		fail_msg("no %s decision containing \"%s\"", rule, needle);
	}
	assert_string_equal(hr_policy_action_name(dec->kind), hr_policy_action_name(a));
}

/* Applies policy_json to CONFIG_BELOW; the spec and decisions for checks. */
static struct hr_spec *apply(const char *policy_json, struct hr_policy_host host,
			     struct hr_policy_result *d)
{
	struct hr_policy *p = policy_of(policy_json);
	struct hr_spec *s = spec_of(CONFIG_BELOW);
	struct hr_error err = { 0 };

	if (hr_policy_apply_spec(p, &host, s, d, &err) < 0)
		fail_msg("apply: %s", err.msg);
	hr_policy_free(p);
	return s;
}

static bool strv_has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static void test_file_errors(void **state)
{
	(void)state;
	expect_policy_error("{\"version\": 1,\n \"noNewPrivileges\": {\"mode\": \"inject\"},}",
			    "policy.json:2:");
	expect_policy_error("{\"version\": 1, \"noNewPrivilege\": {\"mode\": \"inject\"}}",
			    "policy.json:1:16: noNewPrivilege: unknown key");
	expect_policy_error("{\"version\": 1,\n \"bindMounts\": {\"mode\": \"inject\",\n"
			    "   \"_comment\": \"a [b] {c}\", \"_comment_x\": [1, {\"y\": 2}], \"deny\": []}}",
			    "policy.json:3:58: bindMounts.deny: unknown key");
	expect_policy_error("{\"version\": 1, \"sysctls\": {\"mode\": \"refuse\",\n"
			    " \"allowed\": [\"a\", \n  \"b/c\"]}}",
			    "policy.json:3:3: sysctls.allowed[1]: \"b/c\" must be a sysctl key");
	expect_policy_error("{\"noNewPrivileges\": {\"mode\": \"inject\"}}",
			    "policy.json: version: required");
	expect_policy_error("{\"version\": 2}", "version: 2 is not supported");
	expect_policy_error("{\"version\": 1, \"readonlyRootfs\": {\"mode\": \"enforce\"}}",
			    "readonlyRootfs.mode: \"enforce\" is not one of \"inject\"");
	expect_policy_error("{\"version\": 1, \"sysctls\": {\"mode\": \"inject\", \"allowed\": []}}",
			    "sysctls.mode: \"inject\" is not one of \"refuse\", \"warn\"");
	expect_policy_error("{\"version\": 1, \"capabilities\": {\"mode\": \"inject\", "
			    "\"allowed\": [\"CAP_KILL\", \"CAP_FLY\"]}}",
			    "capabilities.allowed[1]: unknown capability \"CAP_FLY\"");
	expect_policy_error("{\"version\": 1, \"hostNamespaces\": {\"mode\": \"refuse\", "
			    "\"namespaces\": [\"net\"]}}",
			    "hostNamespaces.namespaces[0]: unknown namespace type \"net\"");
	expect_policy_error("{\"version\": 1, \"apparmor\": {\"mode\": \"inject\", "
			    "\"profile\": \"unconfined\"}}",
			    "apparmor.profile: must name a confining profile");
	expect_policy_error("{\"version\": 1, \"degrade\": [\"seccomp\"]}",
			    "degrade[0]: \"seccomp\" cannot degrade");
	expect_policy_error("{\"version\": 1, \"resources\": {\"mode\": \"inject\", "
			    "\"pids\": {\"default\": 100, \"max\": 10}}}",
			    "resources.pids: default 100 is above max 10");
	expect_policy_error("{\"version\": 1, \"devices\": {\"mode\": \"refuse\", "
			    "\"allowed\": [\"dev/fuse\"]}}",
			    "devices.allowed[0]: \"dev/fuse\" must be an absolute path");
	expect_policy_error("{\"version\": 1, \"userNamespace\": {\"mode\": \"inject\"}}",
			    "userNamespace.pool: required with mode \"inject\"");
	expect_policy_error("{\"version\": 1, \"userNamespace\": {\"mode\": \"inject\", "
			    "\"pool\": {\"start\": 0, \"size\": 65536}}}",
			    "userNamespace.pool.start: 0 out of range (1..4294967294)");
	expect_policy_error("{\"version\": 1, \"userNamespace\": {\"mode\": \"inject\", "
			    "\"pool\": {\"start\": 100000, \"size\": 1000}}}",
			    "userNamespace.pool.size: 1000 is smaller than rangeSize 65536");
}

static void test_restricted_parses(void **state)
{
	(void)state;
	struct hr_policy_host h = host_of(false, false);
	_cleanup_free_ char *json = hr_policy_restricted_json(&h);
	struct hr_policy *p = policy_of(json);

	assert_true(hr_policy_may_degrade(p, "apparmor"));
	assert_true(hr_policy_may_degrade(p, "cgroup.pids"));
	assert_int_equal(p->capabilities.mode, HR_POLICY_INJECT);
	assert_true(strv_has(p->capabilities.items, "CAP_NET_BIND_SERVICE"));
	/* the default pool sandbox takes its ranges from is this one */
	assert_int_equal(p->user_namespace.pool_start, HR_USERNS_POOL_START);
	assert_int_equal(p->user_namespace.pool_size, HR_USERNS_POOL_SIZE);
	assert_int_equal(p->user_namespace.range, HR_USERNS_RANGE);
	hr_policy_free(p);
	h = host_of(true, true);
	free(json);
	json = hr_policy_restricted_json(&h);
	p = policy_of(json);
	assert_false(hr_policy_may_degrade(p, "apparmor"));
	hr_policy_free(p);
}

static void test_nnp_readonly_inject(void **state)
{
	(void)state;
	struct hr_policy_result d = { 0 };
	struct hr_spec *s = apply("{\"version\": 1, \"noNewPrivileges\": {\"mode\": \"inject\"},"
				  " \"readonlyRootfs\": {\"mode\": \"inject\"}}", host_of(true, true), &d);

	assert_true(s->process.no_new_privileges);
	assert_true(s->root_readonly);
	expect_decision(&d, "noNewPrivileges", HR_DECISION_INJECT, "process.noNewPrivileges is false");
	expect_decision(&d, "readonlyRootfs", HR_DECISION_INJECT, "root.readonly is false: set to true");
	assert_int_equal(hr_policy_refusals(&d), 0);
	hr_policy_result_clear(&d);
	hr_spec_free(s);
}

static void test_nnp_readonly_refuse_warn(void **state)
{
	(void)state;
	struct hr_policy_result d = { 0 };
	struct hr_spec *s = apply("{\"version\": 1, \"noNewPrivileges\": {\"mode\": \"refuse\"},"
				  " \"readonlyRootfs\": {\"mode\": \"warn\"}}", host_of(true, true), &d);
	struct hr_policy *p = policy_of("{\"version\": 1}");
	struct hr_error err = { 0 };

	assert_false(s->process.no_new_privileges);
	assert_false(s->root_readonly);
	expect_decision(&d, "noNewPrivileges", HR_DECISION_REFUSE, "noNewPrivileges is false");
	expect_decision(&d, "readonlyRootfs", HR_DECISION_WARN, "root.readonly is false");
	assert_int_equal(hr_policy_refusals(&d), 1);
	assert_int_equal(hr_policy_refusal_error(p, &d, &err), -1);
	assert_string_equal(err.msg, "refused by policy policy.json: noNewPrivileges: "
				     "process.noNewPrivileges is false");
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	s = apply("{\"version\": 1, \"readonlyRootfs\": {\"mode\": \"refuse\"}}", host_of(true, true), &d);
	expect_decision(&d, "readonlyRootfs", HR_DECISION_REFUSE, "root.readonly is false");
	assert_false(s->root_readonly);
	hr_policy_free(p);
	hr_policy_result_clear(&d);
	hr_spec_free(s);
}

static void test_caps_ceiling(void **state)
{
	(void)state;
	struct hr_policy_result d = { 0 };
	struct hr_spec *s = apply("{\"version\": 1, \"capabilities\": {\"mode\": \"inject\","
				  " \"allowed\": [\"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]}}",
				  host_of(true, true), &d);
	struct hr_capabilities *c = &s->process.capabilities;

	assert_false(strv_has(c->bounding, "CAP_SYS_ADMIN"));
	assert_true(strv_has(c->bounding, "CAP_KILL"));
	assert_true(strv_has(c->bounding, "CAP_NET_BIND_SERVICE"));
	assert_null(c->permitted[0]);
	assert_true(strv_has(c->effective, "CAP_KILL"));
	expect_decision(&d, "capabilities", HR_DECISION_INJECT,
			"CAP_SYS_ADMIN in process.capabilities.bounding is above the ceiling: dropped");
	expect_decision(&d, "capabilities", HR_DECISION_INJECT, "capabilities.permitted");
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	s = apply("{\"version\": 1, \"capabilities\": {\"mode\": \"refuse\", \"allowed\": []}}",
		  host_of(true, true), &d);
	assert_true(strv_has(s->process.capabilities.bounding, "CAP_SYS_ADMIN"));
	assert_int_equal(hr_policy_refusals(&d), 5);
	hr_policy_result_clear(&d);
	hr_spec_free(s);
}

static void test_exec_process_caps(void **state)
{
	(void)state;
	struct hr_policy *p = policy_of("{\"version\": 1, \"capabilities\": {\"mode\": \"inject\","
					" \"allowed\": []}, \"noNewPrivileges\": {\"mode\": \"inject\"}}");
	struct hr_policy_host h = host_of(true, true);
	struct hr_process proc = { 0 };
	struct hr_policy_result d = { 0 };
	struct hr_error err = { 0 };

	proc.capabilities.bounding = xcalloc(2, sizeof(char *));
	proc.capabilities.bounding[0] = xstrdup("CAP_SYS_PTRACE");
	assert_int_equal(hr_policy_apply_process(p, &h, &proc, "exec process", &d, &err), 0);
	assert_null(proc.capabilities.bounding[0]);
	assert_true(proc.no_new_privileges);
	expect_decision(&d, "capabilities", HR_DECISION_INJECT,
			"CAP_SYS_PTRACE in exec process.capabilities.bounding");
	hr_policy_result_clear(&d);
	hr_process_clear(&proc);
	hr_policy_free(p);
}

static void test_host_namespaces(void **state)
{
	(void)state;
	struct hr_policy_result d = { 0 };
	struct hr_spec *s = apply("{\"version\": 1, \"hostNamespaces\": {\"mode\": \"inject\"}}",
				  host_of(true, true), &d);

	expect_decision(&d, "hostNamespaces", HR_DECISION_REFUSE,
			"the network namespace /host/net is the host's");
	expect_decision(&d, "hostNamespaces", HR_DECISION_INJECT, "no pid namespace");
	assert_non_null(hr_spec_find_ns(s, HR_NS_PID));
	assert_null(hr_spec_find_ns(s, HR_NS_PID)->path);
	assert_non_null(hr_spec_find_ns(s, HR_NS_UTS));
	assert_null(find(&d, "hostNamespaces", "mount"));
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	s = apply("{\"version\": 1, \"hostNamespaces\": {\"mode\": \"inject\","
		  " \"namespaces\": [\"user\"]}}", host_of(true, true), &d);
	expect_decision(&d, "hostNamespaces", HR_DECISION_REFUSE, "no user namespace");
	assert_null(hr_spec_find_ns(s, HR_NS_USER));
	hr_policy_result_clear(&d);
	hr_spec_free(s);
}

static void test_seccomp(void **state)
{
	(void)state;
	struct hr_policy_result d = { 0 };
	struct hr_spec *s = apply("{\"version\": 1, \"seccomp\": {\"mode\": \"inject\"}}",
				  host_of(true, true), &d);
	struct hr_policy *p;
	struct hr_error err = { 0 };

	assert_non_null(s->linux_.seccomp);
	assert_string_equal(s->linux_.seccomp->default_action, "SCMP_ACT_ERRNO");
	expect_decision(&d, "seccomp", HR_DECISION_INJECT, "linux.seccomp is not set: the default profile");
	hr_policy_result_clear(&d);
	hr_spec_free(s);

	p = policy_of("{\"version\": 1, \"seccomp\": {\"mode\": \"inject\"}}");
	s = spec_of("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, \"linux\": {\"seccomp\":"
		    " {\"defaultAction\": \"SCMP_ACT_ALLOW\"}}}");
	struct hr_policy_host h = host_of(true, true);
	assert_int_equal(hr_policy_apply_spec(p, &h, s, &d, &err), 0);
	expect_decision(&d, "seccomp", HR_DECISION_REFUSE, "linux.seccomp is unconfined");
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	hr_policy_free(p);
}

static void test_apparmor(void **state)
{
	(void)state;
	struct hr_policy_result d = { 0 };
	const char *pol = "{\"version\": 1, \"apparmor\": {\"mode\": \"inject\"}}";
	struct hr_spec *s = apply(pol, host_of(true, true), &d);

	assert_string_equal(s->process.apparmor_profile, "hardrun-default");
	expect_decision(&d, "apparmor", HR_DECISION_INJECT, "apparmorProfile is not set: hardrun-default");
	hr_policy_result_clear(&d);
	hr_spec_free(s);

	s = apply(pol, host_of(false, true), &d);
	assert_null(s->process.apparmor_profile);
	expect_decision(&d, "apparmor", HR_DECISION_REFUSE, "AppArmor is not enabled on this host");
	hr_policy_result_clear(&d);
	hr_spec_free(s);

	s = apply("{\"version\": 1, \"degrade\": [\"apparmor\"], \"apparmor\": {\"mode\": \"inject\"}}",
		  host_of(false, true), &d);
	expect_decision(&d, "apparmor", HR_DECISION_DEGRADE, "running without a profile");
	assert_int_equal(hr_policy_refusals(&d), 0);
	hr_policy_result_clear(&d);
	hr_spec_free(s);
}

static void test_apparmor_unconfined(void **state)
{
	(void)state;
	struct hr_policy *p = policy_of("{\"version\": 1, \"apparmor\": {\"mode\": \"inject\"}}");
	struct hr_policy_host h = host_of(true, true);
	struct hr_process proc = { .apparmor_profile = xstrdup("unconfined") };
	struct hr_policy_result d = { 0 };
	struct hr_error err = { 0 };

	assert_int_equal(hr_policy_apply_process(p, &h, &proc, "process", &d, &err), 0);
	expect_decision(&d, "apparmor", HR_DECISION_REFUSE, "process.apparmorProfile is \"unconfined\"");
	hr_policy_result_clear(&d);
	hr_process_clear(&proc);
	hr_policy_free(p);
}

static void test_bind_mounts(void **state)
{
	(void)state;
	struct hr_policy_result d = { 0 };
	struct hr_spec *s = apply("{\"version\": 1, \"bindMounts\": {\"mode\": \"inject\","
				  " \"denySources\": [\"/\", \"/etc\"], \"requireOptions\": [\"nosuid\", \"nodev\"]}}",
				  host_of(true, true), &d);

	expect_decision(&d, "bindMounts", HR_DECISION_REFUSE, "mounts[1].source /tmp/../etc/x is denied (/etc)");
	expect_decision(&d, "bindMounts", HR_DECISION_INJECT, "mounts[0] (/data) lacks \"nosuid\": added");
	assert_true(strv_has(s->mounts[0].options, "nosuid"));
	assert_true(strv_has(s->mounts[0].options, "nodev"));
	assert_null(find(&d, "bindMounts", "mounts[0].source"));
	assert_int_equal(hr_policy_refusals(&d), 1);
	hr_policy_result_clear(&d);
	hr_spec_free(s);
}

static void test_bind_option_undone(void **state)
{
	(void)state;
	struct hr_policy *p = policy_of("{\"version\": 1, \"bindMounts\": {\"mode\": \"refuse\","
					" \"requireOptions\": [\"nosuid\"]}}");
	struct hr_spec *s = spec_of("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, \"mounts\":"
				    " [{\"destination\": \"/a\", \"source\": \"/srv\", \"options\":"
				    " [\"bind\", \"nosuid\", \"suid\"]}, {\"destination\": \"/\","
				    " \"source\": \"/\", \"options\": [\"rbind\", \"nosuid\"]}]}");
	struct hr_policy_host h = host_of(true, true);
	struct hr_policy_result d = { 0 };
	struct hr_error err = { 0 };

	assert_int_equal(hr_policy_apply_spec(p, &h, s, &d, &err), 0);
	expect_decision(&d, "bindMounts", HR_DECISION_REFUSE, "mounts[0] (/a) lacks \"nosuid\"");
	assert_int_equal(hr_policy_refusals(&d), 1);
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	hr_policy_free(p);
}

static void test_devices_sysctls_paths(void **state)
{
	(void)state;
	struct hr_policy_result d = { 0 };
	struct hr_spec *s = apply("{\"version\": 1, \"devices\": {\"mode\": \"refuse\", \"allowed\": [\"/dev/fuse\"]},"
				  " \"sysctls\": {\"mode\": \"warn\", \"allowed\": [\"net.ipv4.*\"]},"
				  " \"maskedPaths\": {\"mode\": \"inject\", \"required\": [\"/proc/kcore\", \"/proc/keys\"]},"
				  " \"readonlyPaths\": {\"mode\": \"refuse\", \"required\": [\"/proc/sys\"]}}",
				  host_of(true, true), &d);

	expect_decision(&d, "devices", HR_DECISION_REFUSE, "linux.devices[0] /dev/kvm is not on the allowed list");
	expect_decision(&d, "sysctls", HR_DECISION_WARN, "linux.sysctl kernel.msgmax");
	assert_null(find(&d, "sysctls", "ping_group_range"));
	expect_decision(&d, "maskedPaths", HR_DECISION_INJECT, "/proc/keys is not in linux.maskedPaths: added");
	assert_null(find(&d, "maskedPaths", "/proc/kcore"));
	assert_true(strv_has(s->linux_.masked_paths, "/proc/keys"));
	assert_true(strv_has(s->linux_.masked_paths, "/proc/kcore"));
	expect_decision(&d, "readonlyPaths", HR_DECISION_REFUSE, "/proc/sys is not in linux.readonlyPaths");
	hr_policy_result_clear(&d);
	hr_spec_free(s);
}

static void test_device_rules_and_hooks(void **state)
{
	(void)state;
	struct hr_policy *p = policy_of("{\"version\": 1, \"devices\": {\"mode\": \"refuse\", \"allowed\": []},"
					" \"hooks\": {\"mode\": \"refuse\", \"allowed\": [\"/usr/bin/ok\"]}}");
	struct hr_spec *s = spec_of("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"},"
				    " \"hooks\": {\"prestart\": [{\"path\": \"/usr/bin/ok\"}],"
				    "  \"createRuntime\": [{\"path\": \"/tmp/evil\"}]},"
				    " \"linux\": {\"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
				    "  {\"allow\": true, \"type\": \"c\", \"major\": 136, \"access\": \"rwm\"},"
				    "  {\"allow\": true, \"access\": \"rwm\"}, {\"allow\": true, \"type\": \"c\","
				    "   \"access\": \"m\"}]}}}");
	struct hr_policy_host h = host_of(true, true);
	struct hr_policy_result d = { 0 };
	struct hr_error err = { 0 };

	assert_int_equal(hr_policy_apply_spec(p, &h, s, &d, &err), 0);
	expect_decision(&d, "hooks", HR_DECISION_REFUSE, "hooks.createRuntime[0] /tmp/evil");
	assert_null(find(&d, "hooks", "prestart"));
	expect_decision(&d, "devices", HR_DECISION_REFUSE, "linux.resources.devices[2] allows \"rwm\"");
	assert_int_equal(hr_policy_refusals(&d), 2);
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	hr_policy_free(p);
}

static void test_resources(void **state)
{
	(void)state;
	struct hr_policy_result d = { 0 };
	struct hr_spec *s = apply("{\"version\": 1, \"resources\": {\"mode\": \"inject\","
				  " \"memory\": {\"default\": 268435456, \"max\": 1073741824},"
				  " \"pids\": {\"default\": 64, \"max\": 1024}, \"cpu\": {\"default\": 500, \"max\": 2000}}}",
				  host_of(true, true), &d);
	const struct hr_resources *r = &s->linux_.resources;

	expect_decision(&d, "resources", HR_DECISION_REFUSE,
			"linux.resources.memory.limit 99999999999 bytes is above the ceiling 1073741824 bytes");
	expect_decision(&d, "resources", HR_DECISION_INJECT, "linux.resources.pids.limit is not set (unlimited): set to 64");
	assert_true(r->has_pids);
	assert_int_equal(r->pids_limit, 64);
	assert_true(r->has_cpu && r->cpu.has_quota);
	assert_int_equal(r->cpu.quota, 50000);
	assert_int_equal(r->cpu.period, 100000);
	hr_policy_result_clear(&d);
	hr_spec_free(s);

	s = apply("{\"version\": 1, \"resources\": {\"mode\": \"inject\", \"pids\": {\"default\": 64}}}",
		  host_of(true, false), &d);
	expect_decision(&d, "resources", HR_DECISION_REFUSE, "pids controller is not available");
	assert_false(s->linux_.resources.has_pids);
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	s = apply("{\"version\": 1, \"degrade\": [\"cgroup.pids\"], \"resources\": {\"mode\": \"inject\","
		  " \"pids\": {\"default\": 64}}}", host_of(true, false), &d);
	expect_decision(&d, "resources", HR_DECISION_DEGRADE, "no pids limit");
	assert_int_equal(hr_policy_refusals(&d), 0);
	hr_policy_result_clear(&d);
	hr_spec_free(s);
}

static void test_update_ceilings(void **state)
{
	(void)state;
	struct hr_policy *p = policy_of("{\"version\": 1, \"resources\": {\"mode\": \"inject\","
					" \"memory\": {\"default\": 268435456, \"max\": 1073741824},"
					" \"pids\": {\"max\": 100}}}");
	struct hr_resources r = { 0 };
	struct hr_policy_result d = { 0 };
	struct hr_error err = { 0 };

	assert_int_equal(hr_resources_load_string("{\"memory\": {\"limit\": -1}, \"pids\": {\"limit\": 50}}",
						  "update", &r, &err), 0);
	hr_policy_apply_update(p, &r, &d);
	expect_decision(&d, "resources", HR_DECISION_REFUSE, "memory.limit set to unlimited is above the ceiling");
	assert_int_equal(hr_policy_refusals(&d), 1);
	hr_policy_result_clear(&d);
	hr_resources_clear(&r);
	assert_int_equal(hr_resources_load_string("{\"pids\": {\"limit\": 500}}", "update", &r, &err), 0);
	hr_policy_apply_update(p, &r, &d);
	expect_decision(&d, "resources", HR_DECISION_REFUSE, "pids.limit 500 is above the ceiling 100");
	assert_int_equal(d.n_decisions, 1);
	hr_policy_result_clear(&d);
	hr_resources_clear(&r);
	hr_policy_free(p);
}

static void test_decision_json(void **state)
{
	(void)state;
	struct hr_policy *p = policy_of("{\"version\": 1}");
	struct hr_policy_result d = { 0 };
	_cleanup_free_ char *json = NULL;

	hr_policy_decide(&d, "seccomp", HR_DECISION_INJECT, "linux.seccomp is \"%s\"", "x");
	json = hr_policy_decision_json(p, &d.decisions[0]);
	assert_string_equal(json, "{\"policy\":\"policy.json\",\"rule\":\"seccomp\",\"action\":\"inject\","
				  "\"detail\":\"linux.seccomp is \\\"x\\\"\"}");
	hr_policy_result_clear(&d);
	hr_policy_free(p);
}

static void test_empty_policy_changes_nothing(void **state)
{
	(void)state;
	struct hr_policy_result d = { 0 };
	struct hr_spec *s = apply("{\"version\": 1, \"_comment\": \"nothing\"}", host_of(true, true), &d);

	assert_int_equal(d.n_decisions, 0);
	assert_false(s->root_readonly);
	assert_null(s->linux_.seccomp);
	hr_spec_free(s);
}

static int fake_id_range(const struct hr_policy_host *host, const struct hr_policy *p,
			 uint32_t *start, struct hr_error *err)
{
	(void)host, (void)p, (void)err;
	*start = 300000;
	return 0;
}

#define USERNS_POLICY "{\"version\": 1, \"userNamespace\": {\"mode\": \"inject\", " \
	"\"pool\": {\"start\": 100000, \"size\": 6553600}}}"

static void test_userns_injected_with_idmapped_mounts(void **state)
{
	struct hr_policy_host h = host_of(true, true);
	struct hr_policy_result d = { 0 };
	struct hr_spec *s;
	const struct hr_id_mapping *m;

	(void)state;
	h.id_range = fake_id_range;
	h.rootfs_idmap = true;
	s = apply(USERNS_POLICY, h, &d);
	expect_decision(&d, "userNamespace", HR_DECISION_INJECT, "a new one with host ids 300000-365535");
	assert_non_null(hr_spec_find_ns(s, HR_NS_USER));
	assert_int_equal(s->linux_.n_uid_mappings, 1);
	m = &s->linux_.uid_mappings[0];
	assert_int_equal(m->container_id, 0);
	assert_int_equal(m->host_id, 300000);
	assert_int_equal(m->size, 65536);
	assert_int_equal(s->linux_.gid_mappings[0].host_id, 300000);
	assert_true(s->root_idmap);
	assert_false(s->root_idmap_optional);
	/* both bind mounts idmapped the same way */
	assert_int_equal(s->mounts[0].n_uid_mappings, 1);
	assert_int_equal(s->mounts[1].gid_mappings[0].host_id, 300000);
	hr_policy_result_clear(&d);
	hr_spec_free(s);

	/* a launch that cannot idmap the rootfs: refused by name, or degraded */
	h.rootfs_idmap = false;
	s = apply(USERNS_POLICY, h, &d);
	expect_decision(&d, "userNamespace", HR_DECISION_REFUSE, "the rootfs cannot be idmapped");
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	s = apply("{\"version\": 1, \"userNamespace\": {\"mode\": \"inject\", \"idmapFallback\": true, "
		  "\"pool\": {\"start\": 100000, \"size\": 6553600}}}", h, &d);
	expect_decision(&d, "userNamespace", HR_DECISION_DEGRADE, "appear owned by nobody");
	assert_false(s->root_idmap);
	assert_int_equal(hr_policy_refusals(&d), 0);
	hr_policy_result_clear(&d);
	hr_spec_free(s);
}

static void test_userns_refused_or_host_root_mapping(void **state)
{
	struct hr_policy_result d = { 0 };
	struct hr_policy *p = policy_of("{\"version\": 1, \"userNamespace\": {\"mode\": \"refuse\"}}");
	struct hr_spec *s = spec_of(CONFIG_BELOW);
	struct hr_policy_host h = host_of(true, true);
	struct hr_error err = { 0 };

	(void)state;
	assert_int_equal(hr_policy_apply_spec(p, &h, s, &d, &err), 0);
	expect_decision(&d, "userNamespace", HR_DECISION_REFUSE, "no user namespace: container root is host root");
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	s = spec_of("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, \"linux\": {\"namespaces\":"
		    " [{\"type\": \"user\"}], \"uidMappings\": [{\"containerID\": 0, \"hostID\": 0,"
		    " \"size\": 1}], \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}}");
	assert_int_equal(hr_policy_apply_spec(p, &h, s, &d, &err), 0);
	expect_decision(&d, "userNamespace", HR_DECISION_REFUSE, "map a container id onto host id 0");
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	/* joining the host's user namespace by path is having none */
	h.ns[HR_NS_USER] = (struct hr_policy_ns_id){ .known = true, .dev = 3, .ino = 42 };
	s = spec_of("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, \"linux\": {\"namespaces\":"
		    " [{\"type\": \"user\", \"path\": \"/host/net\"}]}}");
	assert_int_equal(hr_policy_apply_spec(p, &h, s, &d, &err), 0);
	expect_decision(&d, "userNamespace", HR_DECISION_REFUSE, "the user namespace /host/net is the host's");
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	hr_policy_free(p);
}

#define MUST_DENY "\"mustDeny\": [{\"syscall\": \"unshare\", \"args\": [{\"index\": 0, \"op\": \"anySet\"," \
	" \"value\": 268435456}]}, {\"syscall\": \"mount\"}, {\"syscall\": \"bpf\"}, {\"syscall\": \"keyctl\"}]"

/* The effective filter is judged by running it, per architecture. */
static void test_seccomp_must_deny(void **state)
{
	struct hr_policy *p = policy_of("{\"version\": 1, \"seccomp\": {\"mode\": \"inject\", " MUST_DENY "}}");
	struct hr_policy_host h = host_of(true, true);
	struct hr_policy_result d = { 0 };
	struct hr_error err = { 0 };
	struct hr_spec *s;

	(void)state;
	/* the default profile, injected, denies them all */
	s = spec_of(CONFIG_BELOW);
	assert_int_equal(hr_policy_apply_spec(p, &h, s, &d, &err), 0);
	assert_int_equal(hr_policy_refusals(&d), 0);
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	/* a filter that names mount but allows the rest: unshare(CLONE_NEWUSER) gets through */
	s = spec_of("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, \"linux\": {\"seccomp\": "
		    "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],"
		    " \"syscalls\": [{\"names\": [\"mount\", \"bpf\", \"keyctl\"], \"action\": \"SCMP_ACT_ERRNO\"},"
		    " {\"names\": [\"unshare\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0,"
		    " \"value\": 268435456, \"op\": \"SCMP_CMP_EQ\"}]}]}}}");
	assert_int_equal(hr_policy_apply_spec(p, &h, s, &d, &err), 0);
	/* denying only the exact value lets CLONE_NEWUSER|CLONE_NEWNS through */
	expect_decision(&d, "seccomp", HR_DECISION_REFUSE, "the filter lets unshare (with its conditions) through on x86_64");
	expect_decision(&d, "seccomp", HR_DECISION_REFUSE, "through on x86 ");
	assert_null(find(&d, "seccomp", "lets mount"));
	hr_policy_result_clear(&d);
	hr_spec_free(s);
	hr_policy_free(p);
	expect_policy_error("{\"version\": 1, \"seccomp\": {\"mode\": \"inject\", \"mustDeny\": [{\"syscall\": "
			    "\"clone\", \"args\": [{\"index\": 0, \"op\": \"allSet\", \"value\": 1}]}]}}",
			    "seccomp.mustDeny[0].args[0].op: \"allSet\" is not one of \"anySet\", \"eq\", \"ne\"");
	expect_policy_error("{\"version\": 1, \"apparmor\": {\"mode\": \"inject\", \"mustDeny\": []}}",
			    "apparmor.mustDeny: unknown key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_restricted_parses),
		cmocka_unit_test(test_nnp_readonly_inject),
		cmocka_unit_test(test_nnp_readonly_refuse_warn),
		cmocka_unit_test(test_caps_ceiling),
		cmocka_unit_test(test_exec_process_caps),
		cmocka_unit_test(test_host_namespaces),
		cmocka_unit_test(test_seccomp),
		cmocka_unit_test(test_apparmor),
		cmocka_unit_test(test_apparmor_unconfined),
		cmocka_unit_test(test_bind_mounts),
		cmocka_unit_test(test_bind_option_undone),
		cmocka_unit_test(test_devices_sysctls_paths),
		cmocka_unit_test(test_device_rules_and_hooks),
		cmocka_unit_test(test_resources),
		cmocka_unit_test(test_update_ceilings),
		cmocka_unit_test(test_decision_json),
		cmocka_unit_test(test_empty_policy_changes_nothing),
		cmocka_unit_test(test_userns_injected_with_idmapped_mounts),
		cmocka_unit_test(test_userns_refused_or_host_root_mapping),
		cmocka_unit_test(test_seccomp_must_deny),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
