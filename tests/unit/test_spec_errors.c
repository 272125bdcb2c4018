/* Spec parser error messages: one clear message naming the file and the
 * JSON path (or line/column for syntax errors), and nothing leaked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec/spec.h"
#include "base/util.h"

#define BASE "\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}"
#define CFG(rest) "{" BASE ", " rest "}"
#define USER "\"user\": {\"uid\": 0, \"gid\": 0}"
/* A process with args/cwd/user, plus extra members. */
#define PROC(extra) CFG("\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", " USER extra "}")
#define LINUX(body) CFG("\"linux\": {" body "}")
#define RES(body) LINUX("\"resources\": {" body "}")
#define SECCOMP(body) LINUX("\"seccomp\": {" body "}")

/* The load fails and the message is msg (exact) or contains it. */
static void expect_load_error(const char *json, const char *msg, bool exact)
{
	struct hr_error err = { 0 };
	struct hr_spec *s = NULL;

	if (hr_spec_load_string(json, "config.json", &s, &err) == 0) {
		hr_spec_free(s);
		fail_msg("accepted: %.200s", json);
	}
	assert_null(s);
	if (exact)
		assert_string_equal(err.msg, msg);
	else if (!strstr(err.msg, msg))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg);
}

static void expect_err(const char *json, const char *msg)
{
	expect_load_error(json, msg, true);
}

static void expect_err_containing(const char *json, const char *msg)
{
	expect_load_error(json, msg, false);
}

static struct hr_spec *expect_ok(const char *json)
{
	struct hr_error err = { 0 };
	struct hr_spec *s = NULL;

	if (hr_spec_load_string(json, "config.json", &s, &err) < 0)
		fail_msg("%s: %s", json, err.msg);
	return s;
}

static void test_invalid_json_line_column(void **state)
{
	(void)state;
	expect_err("{\n  \"ociVersion\": \"1.0.0\",\n  \"root\": {\"path\": rootfs}\n}\n",
		   "config.json:3:25: invalid JSON: invalid token near 'rootfs'");
	expect_err("", "config.json:1:0: invalid JSON: '[' or '{' expected near end of file");
	expect_err("[1]", "config.json: must be a JSON object");
	expect_err("{\"ociVersion\": \"1.0.0\", \"ociVersion\": \"1.0.0\"}",
		   "config.json:1:36: invalid JSON: duplicate object key near '\"ociVersion\"'");
}

static void test_oci_version(void **state)
{
	struct hr_spec *s;

	(void)state;
	expect_err("{\"root\": {\"path\": \"r\"}}",
		   "config.json: ociVersion: required, must be a string");
	expect_err("{\"ociVersion\": 1, \"root\": {\"path\": \"r\"}}",
		   "config.json: ociVersion: must be a string");
	expect_err("{\"ociVersion\": \"2.0.0\", \"root\": {\"path\": \"r\"}}",
		   "config.json: ociVersion: unsupported version \"2.0.0\" (hardrun supports 1.x)");
	expect_err("{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"}}",
		   "config.json: ociVersion: unsupported version \"1\" (hardrun supports 1.x)");
	expect_err("{\"ociVersion\": \"11.0.0\", \"root\": {\"path\": \"r\"}}",
		   "config.json: ociVersion: unsupported version \"11.0.0\" (hardrun supports 1.x)");
	expect_err("{\"ociVersion\": \" 1.0.0\", \"root\": {\"path\": \"r\"}}",
		   "config.json: ociVersion: unsupported version \" 1.0.0\" (hardrun supports 1.x)");
	expect_err("{\"ociVersion\": \"+1.0.0\", \"root\": {\"path\": \"r\"}}",
		   "config.json: ociVersion: unsupported version \"+1.0.0\" (hardrun supports 1.x)");
	s = expect_ok("{\"ociVersion\": \"1.2.0-rc.1\", \"root\": {\"path\": \"r\"}}");
	assert_string_equal(s->oci_version, "1.2.0-rc.1");
	hr_spec_free(s);
	hr_spec_free(expect_ok("{\"ociVersion\": \"1.1.0\", \"root\": {\"path\": \"r\"}}"));
}

static void test_root(void **state)
{
	(void)state;
	expect_err("{\"ociVersion\": \"1.0.0\"}", "config.json: root: required, must be an object");
	expect_err("{\"ociVersion\": \"1.0.0\", \"root\": []}", "config.json: root: must be an object");
	expect_err("{\"ociVersion\": \"1.0.0\", \"root\": {}}",
		   "config.json: root.path: required, must be a string");
	expect_err("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\", \"readonly\": 1}}",
		   "config.json: root.readonly: must be a boolean");
}

static void test_unknown_properties_ignored(void **state)
{
	struct hr_spec *s;

	(void)state;
	s = expect_ok(CFG("\"windows\": {\"x\": 1}, \"vm\": [], \"hostname\": null, "
			  "\"process\": {\"args\": [\"a\"], \"cwd\": \"/\", " USER ", \"newField\": "
			  "{\"deep\": [1, 2]}, \"scheduler\": {\"policy\": \"SCHED_OTHER\"}}, "
			  "\"linux\": {\"intelRdt\": {}, \"future\": true}"));
	assert_null(s->hostname);
	assert_true(s->has_process);
	assert_true(s->has_linux);
	hr_spec_free(s);
}

static void test_process_errors(void **state)
{
	(void)state;
	expect_err(CFG("\"process\": {\"args\": [], \"cwd\": \"/\", " USER "}"),
		   "config.json: process.args: must be a non-empty array of strings");
	expect_err(CFG("\"process\": {\"cwd\": \"/\", " USER "}"),
		   "config.json: process.args: required, must be a non-empty array of strings");
	expect_err(CFG("\"process\": {\"args\": \"sh\", \"cwd\": \"/\", " USER "}"),
		   "config.json: process.args: must be a non-empty array of strings");
	expect_err(CFG("\"process\": {\"args\": [\"sh\", 3], \"cwd\": \"/\", " USER "}"),
		   "config.json: process.args[1]: must be a string");
	expect_err(CFG("\"process\": {\"args\": [\"sh\"], \"cwd\": \"tmp\", " USER "}"),
		   "config.json: process.cwd: must be an absolute path");
	expect_err(CFG("\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"}"),
		   "config.json: process.user: required, must be an object");
	expect_err(CFG("\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0}}"),
		   "config.json: process.user.gid: required, must be an integer");
	expect_err(CFG("\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", "
		       "\"user\": {\"uid\": -1, \"gid\": 0}}"),
		   "config.json: process.user.uid: -1 out of range (0..4294967295)");
	expect_err(CFG("\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", "
		       "\"user\": {\"uid\": 4294967296, \"gid\": 0}}"),
		   "config.json: process.user.uid: 4294967296 out of range (0..4294967295)");
	expect_err(CFG("\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", "
		       "\"user\": {\"uid\": 0, \"gid\": 0, \"additionalGids\": [1, -5]}}"),
		   "config.json: process.user.additionalGids[1]: must be a non-negative integer, got -5");
	expect_err(PROC(", \"terminal\": \"yes\""), "config.json: process.terminal: must be a boolean");
	expect_err(PROC(", \"consoleSize\": {\"height\": 10}"),
		   "config.json: process.consoleSize.width: required, must be an integer");
	expect_err(PROC(", \"oomScoreAdj\": 1001"),
		   "config.json: process.oomScoreAdj: 1001 out of range (-1000..1000)");
	expect_err(PROC(", \"env\": [\"A=1\", null]"), "config.json: process.env[1]: must be a string");
}

static void test_caps_and_rlimits(void **state)
{
	struct hr_spec *s;

	(void)state;
	expect_err(PROC(", \"capabilities\": {\"bounding\": [\"CAP_KILL\", 7]}"),
		   "config.json: process.capabilities.bounding[1]: must be a string");
	/* Names are the caps module's business; only types are checked here. */
	s = expect_ok(PROC(", \"capabilities\": {\"ambient\": [\"CAP_NOT_A_CAP\"]}"));
	assert_string_equal(s->process.capabilities.ambient[0], "CAP_NOT_A_CAP");
	assert_null(s->process.capabilities.bounding);
	hr_spec_free(s);
	expect_err(PROC(", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1}, "
			"{\"type\": \"RLIMIT_FOO\", \"soft\": 1, \"hard\": 1}]"),
		   "config.json: process.rlimits[1].type: unknown rlimit \"RLIMIT_FOO\"");
	expect_err(PROC(", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1}]"),
		   "config.json: process.rlimits[0].hard: required, must be a non-negative integer");
	expect_err(PROC(", \"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 9, \"hard\": 1}]"),
		   "config.json: process.rlimits[0].soft: 9 is greater than hard limit 1");
	expect_err(PROC(", \"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 1, \"hard\": 1}, "
			"{\"type\": \"RLIMIT_CORE\", \"soft\": 1, \"hard\": 1}]"),
		   "config.json: process.rlimits[1]: duplicate rlimit \"RLIMIT_CORE\"");
}

static void test_mounts_and_hooks(void **state)
{
	struct hr_spec *s;

	(void)state;
	expect_err(CFG("\"mounts\": [{\"destination\": \"proc\", \"type\": \"proc\"}]"),
		   "config.json: mounts[0].destination: must be an absolute path");
	expect_err(CFG("\"mounts\": [{\"type\": \"proc\"}]"),
		   "config.json: mounts[0].destination: required, must be a string");
	expect_err(CFG("\"mounts\": [{\"destination\": \"/x\", \"options\": [1]}]"),
		   "config.json: mounts[0].options[0]: must be a string");
	expect_err(CFG("\"mounts\": [{\"destination\": \"/x\", \"uidMappings\": "
		       "[{\"containerID\": 0, \"hostID\": 1000, \"size\": 0}]}]"),
		   "config.json: mounts[0].uidMappings[0].size: must be greater than 0");
	s = expect_ok(CFG("\"mounts\": [{\"destination\": \"/x\", \"source\": \"/y\", \"options\": "
			  "[\"rbind\"], \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, "
			  "\"size\": 10}]}]"));
	assert_null(s->mounts[0].type);
	assert_int_equal(s->mounts[0].n_gid_mappings, 1);
	assert_int_equal(s->mounts[0].gid_mappings[0].size, 10);
	hr_spec_free(s);
	expect_err(CFG("\"hooks\": {\"prestart\": [{\"path\": \"hook\"}]}"),
		   "config.json: hooks.prestart[0].path: must be an absolute path");
	expect_err(CFG("\"hooks\": {\"poststop\": [{\"path\": \"/h\"}, {\"path\": \"/h\", "
		       "\"timeout\": 0}]}"),
		   "config.json: hooks.poststop[1].timeout: must be a positive number of seconds, got 0");
	expect_err(CFG("\"hooks\": {\"createRuntime\": {}}"),
		   "config.json: hooks.createRuntime: must be an array");
	expect_err(CFG("\"annotations\": {\"a\": 1}"), "config.json: annotations.a: must be a string");
	expect_err(CFG("\"hostname\": 5"), "config.json: hostname: must be a string");
}

static void test_linux_errors(void **state)
{
	(void)state;
	expect_err(LINUX("\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"net\"}, "
			 "{\"type\": \"foo\"}]"),
		   "config.json: linux.namespaces[1].type: unknown namespace type \"net\"");
	expect_err(LINUX("\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, "
			 "{\"type\": \"pid\"}]"),
		   "config.json: linux.namespaces[2].type: duplicate namespace type \"pid\"");
	expect_err(LINUX("\"namespaces\": [{\"type\": \"pid\", \"path\": \"proc/1/ns/pid\"}]"),
		   "config.json: linux.namespaces[0].path: must be an absolute path");
	expect_err(LINUX("\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 0}]"),
		   "config.json: linux.uidMappings[0].size: must be greater than 0");
	expect_err(LINUX("\"gidMappings\": [{\"containerID\": 0, \"size\": 1}]"),
		   "config.json: linux.gidMappings[0].hostID: required, must be an integer");
	expect_err(LINUX("\"devices\": [{\"path\": \"/dev/x\", \"type\": \"x\"}]"),
		   "config.json: linux.devices[0].type: unknown device type \"x\" (expected c, b, u or p)");
	expect_err(LINUX("\"devices\": [{\"path\": \"/dev/x\", \"type\": \"c\", \"major\": 1}]"),
		   "config.json: linux.devices[0].minor: required, must be an integer");
	expect_err(LINUX("\"devices\": [{\"path\": \"dev/x\", \"type\": \"p\"}]"),
		   "config.json: linux.devices[0].path: must be an absolute path");
	expect_err(LINUX("\"sysctl\": {\"net.ipv4.ip_forward\": 1}"),
		   "config.json: linux.sysctl.net.ipv4.ip_forward: must be a string");
	expect_err(LINUX("\"rootfsPropagation\": \"recursive\""),
		   "config.json: linux.rootfsPropagation: unknown propagation \"recursive\" (expected "
		   "private, rprivate, shared, rshared, slave, rslave, unbindable or runbindable)");
	expect_err(LINUX("\"personality\": {\"domain\": \"LINUX64\"}"),
		   "config.json: linux.personality.domain: unknown domain \"LINUX64\" (expected LINUX "
		   "or LINUX32)");
	expect_err(LINUX("\"maskedPaths\": \"/proc/kcore\""),
		   "config.json: linux.maskedPaths: must be an array of strings");
	expect_err(LINUX("\"timeOffsets\": {\"boottime\": {\"secs\": 1, \"nanosecs\": 1000000000}}"),
		   "config.json: linux.timeOffsets.boottime.nanosecs: must be below 1000000000");
}

static void test_linux_ok(void **state)
{
	struct hr_spec *s = expect_ok(
		LINUX("\"devices\": [{\"path\": \"/dev/p\", \"type\": \"p\"}], "
		      "\"personality\": {\"domain\": \"LINUX32\", \"flags\": []}, "
		      "\"namespaces\": [{\"type\": \"network\", \"path\": \"/var/run/netns/x\"}], "
		      "\"timeOffsets\": {\"monotonic\": {\"secs\": -5, \"nanosecs\": 7}}, "
		      "\"rootfsPropagation\": \"rslave\""));

	(void)state;
	assert_int_equal(s->linux_.devices[0].type, 'p');
	assert_false(s->linux_.devices[0].has_file_mode);
	assert_string_equal(s->linux_.personality.domain, "LINUX32");
	assert_string_equal(hr_spec_find_ns(s, HR_NS_NETWORK)->path, "/var/run/netns/x");
	assert_int_equal(s->linux_.monotonic_secs, -5);
	assert_int_equal(s->linux_.monotonic_nanosecs, 7);
	hr_spec_free(s);
}

static void test_seccomp_errors(void **state)
{
	struct hr_spec *s;

	(void)state;
	expect_err(SECCOMP("\"architectures\": []"),
		   "config.json: linux.seccomp.defaultAction: required, must be a string");
	expect_err(SECCOMP("\"defaultAction\": \"SCMP_ACT_DENY\""),
		   "config.json: linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_DENY\"");
	expect_err(SECCOMP("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1"),
		   "config.json: linux.seccomp.defaultErrnoRet: not allowed with action SCMP_ACT_ALLOW "
		   "(only SCMP_ACT_ERRNO and SCMP_ACT_TRACE)");
	expect_err(SECCOMP("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_X\"]"),
		   "config.json: linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_X\"");
	expect_err(SECCOMP("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerMetadata\": \"m\""),
		   "config.json: linux.seccomp.listenerMetadata: must not be set without listenerPath");
	expect_err(SECCOMP("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [], "
			   "\"action\": \"SCMP_ACT_ERRNO\"}]"),
		   "config.json: linux.seccomp.syscalls[0].names: must be a non-empty array of strings");
	expect_err(SECCOMP("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], "
			   "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, "
			   "\"op\": \"SCMP_CMP_EQ\"}]}]"),
		   "config.json: linux.seccomp.syscalls[0].args[0].index: 6 out of range (0..5)");
	expect_err(SECCOMP("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"], "
			   "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, "
			   "\"op\": \"SCMP_CMP_XX\"}]}]"),
		   "config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XX\"");
	s = expect_ok(SECCOMP("\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, "
			      "\"listenerPath\": \"/run/agent.sock\", \"listenerMetadata\": \"m\", "
			      "\"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"], \"syscalls\": [{\"names\": "
			      "[\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
			      "\"value\": 2114060288, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}, "
			      "{\"names\": [\"x\"], \"action\": \"SCMP_ACT_NOTIFY\"}]"));
	assert_int_equal(s->linux_.seccomp->default_errno_ret, 38);
	assert_int_equal(s->linux_.seccomp->n_syscalls, 2);
	assert_int_equal(s->linux_.seccomp->syscalls[0].args[0].op, HR_SCMP_CMP_MASKED_EQ);
	assert_int_equal(s->linux_.seccomp->syscalls[0].args[0].value, 2114060288);
	assert_false(s->linux_.seccomp->syscalls[1].has_errno_ret);
	hr_spec_free(s);
}

/* runc reads "rwa" as "rw", "rr" as "r" */
static void test_device_access_like_runc(void **state)
{
	struct hr_error err = { 0 };
	struct hr_spec *s = NULL;
	(void)state;

	assert_int_equal(hr_spec_load_string(RES("\"devices\": [{\"allow\": true, \"access\": \"rwa\"}, "
						 "{\"allow\": false, \"access\": \"rr\"}]"),
					     "config.json", &s, &err), 0);
	assert_string_equal(s->linux_.resources.devices[0].access, "rw");
	assert_string_equal(s->linux_.resources.devices[1].access, "r");
	hr_spec_free(s);
}

static void test_resources_errors(void **state)
{
	(void)state;
	/* letters other than r, w, m are ignored as runc does, but a deny rule
	 * left with nothing to deny is refused */
	expect_err(RES("\"devices\": [{\"allow\": false, \"access\": \"a\"}]"),
		   "config.json: linux.resources.devices[0].access: \"a\" denies none of r, w, m: refusing a device "
		   "rule that would deny nothing");
	expect_err(RES("\"devices\": [{\"access\": \"r\"}]"),
		   "config.json: linux.resources.devices[0].allow: required, must be a boolean");
	expect_err(RES("\"devices\": [{\"allow\": false, \"type\": \"p\"}]"),
		   "config.json: linux.resources.devices[0].type: unknown device type \"p\" (expected a, c or b)");
	expect_err(RES("\"memory\": {\"limit\": -2}"),
		   "config.json: linux.resources.memory.limit: -2 out of range (-1..9223372036854775807)");
	expect_err(RES("\"memory\": {\"limit\": \"1G\"}"),
		   "config.json: linux.resources.memory.limit: must be an integer");
	expect_err(RES("\"cpu\": {\"shares\": -1}"),
		   "config.json: linux.resources.cpu.shares: must be a non-negative integer, got -1");
	expect_err(RES("\"pids\": {}"),
		   "config.json: linux.resources.pids.limit: required, must be an integer");
	expect_err(RES("\"blockIO\": {\"weight\": 70000}"),
		   "config.json: linux.resources.blockIO.weight: 70000 out of range (0..65535)");
	expect_err(RES("\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0}]}"),
		   "config.json: linux.resources.blockIO.throttleReadBpsDevice[0].rate: required, must be a non-negative integer");
	expect_err(RES("\"unified\": {\"../../x\": \"1\"}"),
		   "config.json: linux.resources.unified.../../x: must be a cgroup file name (no \"/\", not starting with \".\")");
	expect_err(RES("\"network\": {\"classID\": -1}"),
		   "config.json: linux.resources.network.classID: -1 out of range (0..4294967295)");
}

static void test_resources_load_string(void **state)
{
	struct hr_resources r;
	struct hr_error err = { 0 };

	(void)state;
	assert_int_equal(hr_resources_load_string("{\"memory\": {\"limit\": -1, \"swap\": -1}, "
						  "\"unified\": {\"memory.high\": \"max\"}}",
						  "resources", &r, &err), 0);
	assert_int_equal(r.memory.limit, -1);
	assert_true(r.memory.has_swap);
	assert_string_equal(r.unified[0].value, "max");
	hr_resources_clear(&r);
	assert_int_equal(hr_resources_load_string("{\"memory\": {\"limit\": true}}", "resources", &r,
						  &err), -1);
	assert_string_equal(err.msg, "resources: memory.limit: must be an integer");
	assert_int_equal(hr_resources_load_string("{\"memory\": ", "resources", &r, &err), -1);
	assert_string_equal(err.msg, "resources:1:11: invalid JSON: unexpected token near end of file");
	assert_int_equal(hr_resources_load_string("{\"hugepageLimits\": [{\"pageSize\": \"2MB\"}]}",
						  "resources", &r, &err), -1);
	assert_string_equal(err.msg,
			    "resources: hugepageLimits[0].limit: required, must be a non-negative integer");
}

/* uint64 fields up to 2^64-1 although jansson's integers are signed 64-bit. */
static void test_big_uint64(void **state)
{
	struct hr_spec *s;

	(void)state;
	s = expect_ok(PROC(", \"rlimits\": [{\"type\": \"RLIMIT_MEMLOCK\", "
			   "\"soft\": 18446744073709551615, \"hard\": 18446744073709551615}, "
			   "{\"type\": \"RLIMIT_CORE\", \"soft\": 9223372036854775807, "
			   "\"hard\": 9223372036854775808}]"));
	assert_true(s->process.rlimits[0].soft == UINT64_MAX);
	assert_true(s->process.rlimits[0].hard == UINT64_MAX);
	assert_true(s->process.rlimits[1].soft == (uint64_t)INT64_MAX);
	assert_true(s->process.rlimits[1].hard == (uint64_t)INT64_MAX + 1);
	hr_spec_free(s);
	s = expect_ok(SECCOMP("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			      "[\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 1, "
			      "\"value\": 18446744073709551615, \"valueTwo\": 18446744073709551614, "
			      "\"op\": \"SCMP_CMP_MASKED_EQ\"}]}]"));
	assert_true(s->linux_.seccomp->syscalls[0].args[0].value == UINT64_MAX);
	assert_true(s->linux_.seccomp->syscalls[0].args[0].value_two == UINT64_MAX - 1);
	hr_spec_free(s);
	expect_err(PROC(", \"oomScoreAdj\": 18446744073709551615"),
		   "config.json: process.oomScoreAdj: 18446744073709551615 out of range (-1000..1000)");
	expect_err(CFG("\"hostname\": 18446744073709551615"), "config.json: hostname: must be a string");
	expect_err(RES("\"memory\": {\"limit\": 9223372036854775808}"),
		   "config.json: linux.resources.memory.limit: 9223372036854775808 out of range "
		   "(-1..9223372036854775807)");
	expect_err("{\"a\": 18446744073709551616}",
		   "config.json:1:26: invalid JSON: too big integer near '18446744073709551616'");
	/* Columns after a rewritten literal still point into the original text. */
	expect_err("{\"a\": 18446744073709551615, \"b\": x}",
		   "config.json:1:34: invalid JSON: invalid token near 'x'");
	expect_err("{\"a\": 18446744073709551615,\n \"b\": x}",
		   "config.json:2:7: invalid JSON: invalid token near 'x'");
	expect_err("{\"a\": \"\\u0000u64:1\"}",
		   "config.json:1:19: invalid JSON: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"\\u0000u64:1\"'");
	expect_err(CFG("\"hostname\": \"18446744073709551615\", \"x\": 18446744073709551615, "
		       "\"domainname\": \"\\u0000u64:5\""),
		   "config.json:1:131: invalid JSON: \\u0000 is not allowed");
	/* 20 digits with leading zeros are invalid JSON, not a uint64 (it was 42). */
	expect_err(RES("\"cpu\": {\"shares\": 00000000000000000042}"),
		   "config.json:1:95: invalid JSON: invalid token near '0'");
	/* Nor can it pass for a number (it did: "shares" was 7). */
	expect_err(RES("\"cpu\": {\"shares\": \"\\u0000u64:7\", \"period\": 18446744073709551615}"),
		   "config.json:1:96: invalid JSON: \\u0000 is not allowed");
}

static void write_file(const char *name, const char *text)
{
	struct hr_error err = { 0 };

	if (hr_write_file_at(AT_FDCWD, name, text, strlen(text), &err) < 0)
		fail_msg("%s", err.msg);
}

static void test_process_file(void **state)
{
	char dir[] = "/tmp/hardrun-test-spec-XXXXXX";
	_cleanup_free_ char *cwd = get_current_dir_name();
	struct hr_process p;
	struct hr_error err = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	write_file("process.json", "{\"args\": [], \"cwd\": \"/\", " USER "}");
	assert_int_equal(hr_process_load_file("process.json", &p, &err), -1);
	assert_string_equal(err.msg, "process.json: args: must be a non-empty array of strings");
	write_file("process.json", "{\"args\": [\"x\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": -3}}");
	assert_int_equal(hr_process_load_file("process.json", &p, &err), -1);
	assert_string_equal(err.msg, "process.json: user.gid: -3 out of range (0..4294967295)");
	write_file("process.json", "{\"args\": [\"x\"],\n \"cwd\": /}");
	assert_int_equal(hr_process_load_file("process.json", &p, &err), -1);
	assert_string_equal(err.msg, "process.json:2:9: invalid JSON: invalid token near '/'");
	write_file("process.json", "{\"args\": [\"x\"], \"cwd\": \"/w\", \"env\": [\"A=b\"], "
		   "\"terminal\": true, " USER ", \"consoleSize\": {\"height\": 24, \"width\": 80}}");
	assert_int_equal(hr_process_load_file("process.json", &p, &err), 0);
	assert_string_equal(p.cwd, "/w");
	assert_string_equal(hr_env_get(p.env, "A"), "b");
	assert_true(p.has_console_size);
	assert_int_equal(p.console_width, 80);
	hr_process_clear(&p);
	assert_int_equal(hr_process_load_file("missing.json", &p, &err), -1);
	assert_string_equal(err.msg, "open `missing.json`: No such file or directory");
	assert_int_equal(unlink("process.json"), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void test_spec_file_name_in_messages(void **state)
{
	char dir[] = "/tmp/hardrun-test-spec-XXXXXX";
	_cleanup_free_ char *path = NULL;
	struct hr_spec *s = NULL;
	struct hr_error err = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/config.json", dir);
	write_file(path, "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": 1}}");
	assert_int_equal(hr_spec_load_file(path, &s, &err), -1);
	_cleanup_free_ char *want = xasprintf("%s: root.path: must be a string", path);
	assert_string_equal(err.msg, want);
	write_file(path, "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}}");
	assert_int_equal(hr_spec_load_file(path, &s, &err), 0);
	assert_string_equal(s->source_name, path);
	hr_spec_free(s);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}


/* Docker's profile format is refused by name, at the JSON path of the
 * first Docker-only key, whole profile or single rule. */
static void test_docker_seccomp_format_refused(void **state)
{
	_cleanup_free_ char *profile = NULL, *json = NULL;
	struct hr_error err = { 0 };
	(void)state;

	assert_int_equal(hr_read_file_at(AT_FDCWD, TEST_DATA_DIR "/seccomp/docker-default.json", &profile, NULL, &err), 0);
	json = xasprintf("{" BASE ", \"linux\": {\"seccomp\": %s}}", profile);
	expect_err_containing(json, "config.json: linux.seccomp.archMap: is Docker's seccomp profile format, not the OCI one");
	expect_err_containing(SECCOMP("\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"ptrace\"], "
			   "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_PTRACE\"]}}]"),
		   "linux.seccomp.syscalls[0].includes: is Docker's seccomp profile format");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_json_line_column),
		cmocka_unit_test(test_oci_version),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_unknown_properties_ignored),
		cmocka_unit_test(test_process_errors),
		cmocka_unit_test(test_caps_and_rlimits),
		cmocka_unit_test(test_mounts_and_hooks),
		cmocka_unit_test(test_linux_errors),
		cmocka_unit_test(test_linux_ok),
		cmocka_unit_test(test_seccomp_errors),
		cmocka_unit_test(test_resources_errors),
		cmocka_unit_test(test_resources_load_string),
		cmocka_unit_test(test_big_uint64),
		cmocka_unit_test(test_process_file),
		cmocka_unit_test(test_spec_file_name_in_messages),
		cmocka_unit_test(test_docker_seccomp_format_refused),
		cmocka_unit_test(test_device_access_like_runc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
