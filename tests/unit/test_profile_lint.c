/* Profile input for lint/diff (src/profile/lint_input.c): Docker's format
 * resolved by capabilities, architecture and kernel as Docker does, and the
 * lint report on small hand-made profiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile/lint.h"

#define DOCKER TEST_DATA_DIR "/seccomp/docker-default.json"

/* Whether some rule with action names syscall. */
static bool rule_for(const struct hr_seccomp *s, const char *syscall, const char *action)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		for (char **nm = s->syscalls[i].names; nm && *nm; nm++)
			if (strcmp(*nm, syscall) == 0 && strcmp(s->syscalls[i].action, action) == 0)
				return true;
	return false;
}

static struct hr_profile load(const char *path, struct hr_profile_input in)
{
	struct hr_profile p;
	struct hr_error err = { 0 };

	if (hr_profile_load(path, &in, &p, &err) < 0)
		fail_msg("load %s: %s", path, err.msg);
	return p;
}

static void test_docker_default_caps(void **state)
{
	struct hr_profile p = load(DOCKER, (struct hr_profile_input){ .arch = SCMP_ARCH_X86_64, .kernel = "6.1" });
	(void)state;

	assert_string_equal(p.format, "docker");
	assert_string_equal(p.seccomp->architectures[0], "SCMP_ARCH_X86_64");
	assert_string_equal(p.seccomp->architectures[1], "SCMP_ARCH_X86");
	assert_string_equal(p.seccomp->architectures[2], "SCMP_ARCH_X32");
	assert_null(p.seccomp->architectures[3]);
	assert_true(rule_for(p.seccomp, "ptrace", "SCMP_ACT_ALLOW"));      /* minKernel 4.8 */
	assert_true(rule_for(p.seccomp, "arch_prctl", "SCMP_ACT_ALLOW"));  /* arches amd64 */
	assert_false(rule_for(p.seccomp, "mount", "SCMP_ACT_ALLOW"));      /* caps CAP_SYS_ADMIN */
	assert_true(rule_for(p.seccomp, "clone3", "SCMP_ACT_ERRNO"));      /* excludes CAP_SYS_ADMIN */
	hr_profile_clear(&p);
}

static void test_docker_sys_admin_old_kernel(void **state)
{
	struct hr_profile p = load(DOCKER, (struct hr_profile_input){
		.arch = SCMP_ARCH_X86_64, .caps = "CAP_SYS_ADMIN", .kernel = "4.4" });
	(void)state;

	assert_true(rule_for(p.seccomp, "mount", "SCMP_ACT_ALLOW"));
	assert_true(rule_for(p.seccomp, "clone3", "SCMP_ACT_ALLOW"));
	assert_false(rule_for(p.seccomp, "clone3", "SCMP_ACT_ERRNO"));
	assert_false(rule_for(p.seccomp, "ptrace", "SCMP_ACT_ALLOW"));
	hr_profile_clear(&p);
}

static void test_docker_other_arch(void **state)
{
	struct hr_profile p = load(DOCKER, (struct hr_profile_input){ .arch = SCMP_ARCH_AARCH64 });
	(void)state;

	assert_string_equal(p.seccomp->architectures[0], "SCMP_ARCH_AARCH64");
	assert_string_equal(p.seccomp->architectures[1], "SCMP_ARCH_ARM");
	assert_null(p.seccomp->architectures[2]);
	assert_false(rule_for(p.seccomp, "arch_prctl", "SCMP_ACT_ALLOW"));
	assert_true(rule_for(p.seccomp, "arm_fadvise64_64", "SCMP_ACT_ALLOW"));
	hr_profile_clear(&p);
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/hardrun-test-profile-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void expect_error(const char *text, struct hr_profile_input in, const char *want)
{
	char *path = write_tmp(text);
	struct hr_profile p;
	struct hr_error err = { 0 };

	assert_int_equal(hr_profile_load(path, &in, &p, &err), -1);
	if (!strstr(err.msg, want))
		fail_msg("expected [%s] in [%s]", want, err.msg);
	unlink(path);
	free(path);
}

static void test_bad_input(void **state)
{
	(void)state;
	expect_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"syscalls\": [", (struct hr_profile_input){ 0 },
		     ":2:");
	expect_error("[1]", (struct hr_profile_input){ 0 }, "not a JSON object");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [], \"syscalls\": [{\"names\": [\"read\"], "
		     "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_NOPE\"]}}]}",
		     (struct hr_profile_input){ 0 }, "syscalls[0].includes.caps[0]: unknown capability \"CAP_NOPE\"");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"name\": \"read\", "
		     "\"action\": \"SCMP_ACT_PERHAPS\"}]}", (struct hr_profile_input){ 0 },
		     "syscalls[0].action: unknown action \"SCMP_ACT_PERHAPS\"");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": []}",
		     (struct hr_profile_input){ .caps = "CAP_CHOWN,CAP_BOGUS" }, "unknown capability \"CAP_BOGUS\"");
}

/* Docker's single "name" form becomes "names". */
static void test_docker_single_name(void **state)
{
	char *path = write_tmp("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"name\": \"getpid\", "
			       "\"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {}}]}");
	struct hr_profile p = load(path, (struct hr_profile_input){ 0 });
	(void)state;

	assert_string_equal(p.format, "docker");
	assert_true(rule_for(p.seccomp, "getpid", "SCMP_ACT_ALLOW"));
	hr_profile_clear(&p);
	unlink(path);
	free(path);
}

static void test_arch_names(void **state)
{
	uint32_t fam[4];
	(void)state;

	assert_int_equal(hr_profile_arch_from_name("amd64"), SCMP_ARCH_X86_64);
	assert_int_equal(hr_profile_arch_from_name("SCMP_ARCH_X86_64"), SCMP_ARCH_X86_64);
	assert_int_equal(hr_profile_arch_from_name("i386"), SCMP_ARCH_X86);
	assert_int_equal(hr_profile_arch_from_name("arm64"), SCMP_ARCH_AARCH64);
	assert_int_equal(hr_profile_arch_from_name("vax"), 0);
	assert_int_equal(hr_profile_arch_family(SCMP_ARCH_X86_64, fam), 3);
	assert_int_equal(fam[2], SCMP_ARCH_X32);
	assert_int_equal(hr_profile_arch_family(SCMP_ARCH_RISCV64, fam), 1);
}

static json_t *lint(const char *text, int *n)
{
	char *path = write_tmp(text);
	struct hr_profile_input in = { .arch = SCMP_ARCH_X86_64 };
	struct hr_error err = { 0 };
	json_t *report = NULL;

	*n = hr_profile_lint(path, &in, &report, &err);
	if (*n < 0)
		fail_msg("lint: %s", err.msg);
	unlink(path);
	free(path);
	return report;
}

static json_t *finding(json_t *report, const char *syscall, const char *label)
{
	size_t i;
	json_t *f;

	json_array_foreach(json_object_get(report, "findings"), i, f)
		if (strcmp(json_string_value(json_object_get(f, "syscall")), syscall) == 0 &&
		    strcmp(json_string_value(json_object_get(f, "case")), label) == 0)
			return f;
	return NULL;
}

/* personality: the query (0xffffffff) is harmless, READ_IMPLIES_EXEC is not. */
static void test_lint_personality(void **state)
{
	static const char base[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, "
		"\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"], "
		"\"syscalls\": [{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", "
		"\"args\": [{\"index\": 0, \"value\": %s, \"op\": \"SCMP_CMP_EQ\"}]}]}";
	char text[512];
	json_t *report, *f;
	int n;
	(void)state;

	snprintf(text, sizeof(text), base, "4294967295");
	report = lint(text, &n);
	assert_int_equal(n, 0);
	json_decref(report);
	snprintf(text, sizeof(text), base, "4194304");
	report = lint(text, &n);
	assert_int_equal(n, 1);
	f = finding(report, "personality", "unsafe flags");
	assert_non_null(f);
	assert_string_equal(json_string_value(json_object_get(f, "example")), "arg0=0x400000");
	json_decref(report);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_default_caps),
		cmocka_unit_test(test_docker_sys_admin_old_kernel),
		cmocka_unit_test(test_docker_other_arch),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_docker_single_name),
		cmocka_unit_test(test_arch_names),
		cmocka_unit_test(test_lint_personality),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
