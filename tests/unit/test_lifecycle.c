/* Pure logic of the lifecycle layer: container ids and signal names. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hardrun/hardrun.h"
#include "state/state.h"

static void test_ids(void **state)
{
	char long_id[1100];
	struct hr_error err = { 0 };

	(void)state;
	assert_true(hr_id_valid("abc"));
	assert_true(hr_id_valid("a-b_c.d+e9"));
	assert_true(hr_id_valid("..a"));
	assert_false(hr_id_valid(""));
	assert_false(hr_id_valid("."));
	assert_false(hr_id_valid(".."));
	assert_false(hr_id_valid("a/b"));
	assert_false(hr_id_valid("../x"));
	assert_false(hr_id_valid("a b"));
	assert_false(hr_id_valid("a\nb"));
	assert_false(hr_id_valid(NULL));
	/* NAME_MAX: the id is a directory name under --root */
	memset(long_id, 'a', 255);
	long_id[255] = '\0';
	assert_true(hr_id_valid(long_id));
	long_id[255] = 'a';
	long_id[256] = '\0';
	assert_false(hr_id_valid(long_id));
	assert_int_equal(hr_id_check(long_id, &err), -1);
	assert_non_null(strstr(err.msg, "256 characters long; the limit is 255 (NAME_MAX)"));
	assert_int_equal(hr_id_check("a\nb", &err), -1);
	assert_null(strchr(err.msg, '\n'));
	assert_non_null(strstr(err.msg, "control character (0x0a at offset 1)"));
	assert_int_equal(hr_id_check("x/y", &err), -1);
	assert_non_null(strstr(err.msg, "invalid container id \"x/y\""));
	assert_int_equal(hr_id_check("", &err), -1);
	assert_non_null(strstr(err.msg, "empty"));
}

static void test_signal_names(void **state)
{
	(void)state;
	assert_int_equal(hr_signal_parse("TERM"), SIGTERM);
	assert_int_equal(hr_signal_parse("SIGTERM"), SIGTERM);
	assert_int_equal(hr_signal_parse("sigkill"), SIGKILL);
	assert_int_equal(hr_signal_parse("9"), SIGKILL);
	assert_int_equal(hr_signal_parse("15"), SIGTERM);
	assert_int_equal(hr_signal_parse("WINCH"), SIGWINCH);
	assert_int_equal(hr_signal_parse("RTMIN"), SIGRTMIN);
	assert_int_equal(hr_signal_parse("RTMIN+3"), SIGRTMIN + 3);
	assert_int_equal(hr_signal_parse("SIGRTMAX-1"), SIGRTMAX - 1);
	assert_int_equal(hr_signal_parse("NOPE"), -1);
	assert_int_equal(hr_signal_parse("0"), 0); /* probes, as kill(1) (521f0a8) */
	assert_int_equal(hr_signal_parse("65"), -1);
	assert_int_equal(hr_signal_parse("9x"), -1);
	assert_int_equal(hr_signal_parse(""), -1);
	assert_int_equal(hr_signal_parse("RTMIN+99"), -1);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(hr_status_name(HR_STATUS_CREATED), "created");
	assert_string_equal(hr_status_name(HR_STATUS_RUNNING), "running");
	assert_string_equal(hr_status_name(HR_STATUS_PAUSED), "paused");
	assert_string_equal(hr_status_name(HR_STATUS_STOPPED), "stopped");
	assert_string_equal(hr_status_name(HR_STATUS_CREATING), "creating");
	assert_string_equal(hr_status_name(HR_STATUS_DAMAGED), "damaged");
}

static void test_root_check(void **state)
{
	struct hr_error err = { 0 };

	(void)state;
	assert_int_equal(hr_state_root_check("/run/hardrun", &err), 0);
	assert_int_equal(hr_state_root_check("", &err), -1);
	assert_non_null(strstr(err.msg, "must not be empty"));
	assert_int_equal(hr_state_root_check(NULL, &err), -1);
	assert_int_equal(hr_state_root_check("run/hardrun", &err), -1);
	assert_non_null(strstr(err.msg, "must be an absolute path"));
}

/* A long message is kept whole; one beyond the buffer ends in "...". */
static void test_error_not_cut(void **state)
{
	static char path[4097];
	struct hr_error err = { 0 };
	size_t len;

	(void)state;
	memset(path, 'p', sizeof(path) - 1);
	hr_error_set(&err, 2, "open `%s`", path);
	hr_error_wrap(&err, "bundle `%s`", path);
	hr_error_wrap(&err, "create container");
	len = strlen(err.msg);
	assert_true(len > 8200);
	assert_string_equal(err.msg + len - strlen("`: No such file or directory"), "`: No such file or directory");
	for (int i = 0; i < 4; i++)
		hr_error_wrap(&err, "context `%s`", path);
	len = strlen(err.msg);
	assert_int_equal(len, HR_ERROR_MSG_MAX - 1);
	assert_string_equal(err.msg + len - 3, "...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_signal_names),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_root_check),
		cmocka_unit_test(test_error_not_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
