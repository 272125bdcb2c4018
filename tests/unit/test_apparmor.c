/* AppArmor on a host without it: exact refusals, the procfs check, and
 * apparmor_parser handling (with stand-in parsers in a temporary PATH). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apparmor/apparmor.h"
#include "base/util.h"

#define PROFILE_DIR TEST_DATA_DIR "/../../profiles/apparmor"

static void test_check_profile_not_enabled(void **state)
{
	struct hr_error err = { 0 };
	(void)state;

	if (hr_apparmor_enabled())
		skip();
	assert_int_equal(hr_apparmor_check_profile("hardrun-default", &err), -1);
	assert_string_equal(err.msg, "AppArmor profile \"hardrun-default\" requested but AppArmor is not enabled on this host");
	assert_int_equal(hr_apparmor_check_profile("unconfined", &err), -1);
	assert_string_equal(err.msg, "AppArmor profile \"unconfined\" requested but AppArmor is not enabled on this host");
}

static void test_apply_not_enabled(void **state)
{
	struct hr_error err = { 0 };
	(void)state;

	if (hr_apparmor_enabled())
		skip();
	assert_int_equal(hr_apparmor_apply_onexec("hardrun-default", &err), -1);
	assert_string_equal(err.msg, "AppArmor profile \"hardrun-default\" requested but AppArmor is not enabled on this host");
}

/* In a private mount namespace with a tmpfs over /proc. */
static void test_apply_refuses_fake_proc(void **state)
{
	char msg[HR_ERROR_MSG_MAX] = { 0 };
	int pfd[2], status;
	pid_t pid;
	(void)state;

	if (geteuid() != 0)
		skip();
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct hr_error err = { 0 };
		close(pfd[0]);
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", "/proc", "tmpfs", 0, NULL) < 0)
			snprintf(err.msg, sizeof(err.msg), "setup failed: %s", strerror(errno));
		else if (hr_apparmor_apply_onexec("hardrun-default", &err) == 0)
			snprintf(err.msg, sizeof(err.msg), "unexpected success");
		(void)!write(pfd[1], err.msg, strlen(err.msg));
		_exit(0);
	}
	close(pfd[1]);
	(void)!read(pfd[0], msg, sizeof(msg) - 1);
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_string_equal(msg, "refusing to set AppArmor profile: /proc is not procfs");
}

struct tmp_path {
	char dir[64];
	char *old_path;
};

static void path_setup(struct tmp_path *t)
{
	const char *p = getenv("PATH");
	snprintf(t->dir, sizeof(t->dir), "/tmp/hardrun-test-aa-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	t->old_path = p ? xstrdup(p) : NULL;
	setenv("PATH", t->dir, 1);
}

static void path_teardown(struct tmp_path *t)
{
	char *cmd = xasprintf("rm -rf %s", t->dir);
	if (t->old_path)
		setenv("PATH", t->old_path, 1);
	else
		unsetenv("PATH");
	free(t->old_path);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void fake_parser(struct tmp_path *t, const char *body)
{
	char *path = xasprintf("%s/apparmor_parser", t->dir);
	char *text = xasprintf("#!/bin/sh\n%s\n", body);
	struct hr_error err = { 0 };
	assert_int_equal(hr_write_file_at(AT_FDCWD, path, text, strlen(text), &err), 0);
	assert_int_equal(chmod(path, 0755), 0);
	free(path);
	free(text);
}

static void test_load_parser_missing(void **state)
{
	struct tmp_path t;
	struct hr_error err = { 0 };
	(void)state;

	path_setup(&t);
	int rc = hr_apparmor_load_profile_file(PROFILE_DIR "/hardrun-default", &err);
	path_teardown(&t);
	assert_int_equal(rc, -1);
	assert_string_equal(err.msg, "apparmor_parser not found: install the apparmor package");
}

static void test_load_reports_parser_output(void **state)
{
	struct tmp_path t;
	struct hr_error err = { 0 };
	(void)state;

	path_setup(&t);
	/* The stand-in checks its arguments, then complains like the real one. */
	fake_parser(&t, "[ \"$1 $2\" = \"-r -W\" ] || exit 9\n"
			"echo \"AppArmor parser error for $3 in profile at line 3: syntax error\" >&2\nexit 1");
	int rc = hr_apparmor_load_profile_file(PROFILE_DIR "/hardrun-default", &err);
	fake_parser(&t, "exit 0");
	int ok = hr_apparmor_load_profile_file(PROFILE_DIR "/hardrun-default", &err);
	path_teardown(&t);
	assert_int_equal(rc, -1);
	assert_int_equal(ok, 0);
}

static void test_load_error_message(void **state)
{
	struct tmp_path t;
	struct hr_error err = { 0 };
	(void)state;

	path_setup(&t);
	fake_parser(&t, "echo \"AppArmor parser error at line 3: syntax error\" >&2\nexit 1");
	int rc = hr_apparmor_load_profile_file(PROFILE_DIR "/hardrun-default", &err);
	path_teardown(&t);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, "apparmor_parser -r -W " PROFILE_DIR "/hardrun-default failed (exit 1): AppArmor parser error at line 3: syntax error"));
}

static void test_load_missing_file(void **state)
{
	struct hr_error err = { 0 };
	(void)state;

	assert_int_equal(hr_apparmor_load_profile_file("/nonexistent/profile", &err), -1);
	assert_string_equal(err.msg, "apparmor load: profile file `/nonexistent/profile`: No such file or directory");
	assert_int_equal(hr_apparmor_load_profile_file(NULL, &err), -1);
}

/* apparmor_parser -Q compiles without loading: works without AppArmor. */
static int parse_only(const char *file)
{
	char *cmd = xasprintf("PATH=\"$PATH:/usr/sbin:/sbin\" apparmor_parser -Q -K %s >/dev/null 2>&1", file);
	int st = system(cmd);
	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_profiles_parse(void **state)
{
	(void)state;
	if (system("command -v apparmor_parser >/dev/null 2>&1") != 0 &&
	    access("/usr/sbin/apparmor_parser", X_OK) != 0 && access("/sbin/apparmor_parser", X_OK) != 0)
		skip();
	assert_int_equal(parse_only(PROFILE_DIR "/hardrun-default"), 0);
	assert_int_equal(parse_only(TEST_DATA_DIR "/apparmor/apparmor-docker-default.profile"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_profile_not_enabled),
		cmocka_unit_test(test_apply_not_enabled),
		cmocka_unit_test(test_apply_refuses_fake_proc),
		cmocka_unit_test(test_load_parser_missing),
		cmocka_unit_test(test_load_reports_parser_output),
		cmocka_unit_test(test_load_error_message),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_profiles_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
