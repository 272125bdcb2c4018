/* Leases of temporary AppArmor profiles: a live owner's lease is kept by a
 * sweep, a dead owner's (or an unreadable) one is dropped after its profile
 * is unloaded (not loaded here: no AppArmor, or no such profile), only
 * hardrun's temporary names are leased, and a sweep without leases creates
 * nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "scratch_root.h"
#include "state/lsm_lease.h"

static bool lease_exists(const char *root, const char *label)
{
	_cleanup_free_ char *path = xasprintf("%s/%s/%s", root, HR_LSM_LEASE_DIR, label);

	return access(path, F_OK) == 0;
}

static void test_live_owner_kept_dropped_after_unload(void **state)
{
	char *root = new_root();
	struct hr_error err = { 0 };

	(void)state;
	assert_int_equal(hr_lsm_lease_take(root, "hardrun-learn-unit-live", &err), 0);
	hr_lsm_leases_sweep(root);
	assert_true(lease_exists(root, "hardrun-learn-unit-live"));
	hr_lsm_lease_drop(root, "hardrun-learn-unit-live");
	assert_false(lease_exists(root, "hardrun-learn-unit-live"));
	rm_root(root);
}

static void test_dead_owner_swept(void **state)
{
	char *root = new_root();
	struct hr_error err = { 0 };
	int status;
	pid_t child = fork();

	(void)state;
	assert_true(child >= 0);
	if (child == 0)
		_exit(hr_lsm_lease_take(root, "hardrun-check-unit-dead", &err) == 0 ? 0 : 1);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(status, 0);
	assert_true(lease_exists(root, "hardrun-check-unit-dead"));
	hr_lsm_leases_sweep(root);
	assert_false(lease_exists(root, "hardrun-check-unit-dead"));
	rm_root(root);
}

static void test_unreadable_lease_swept(void **state)
{
	char *root = new_root();
	_cleanup_free_ char *dir = xasprintf("%s/%s", root, HR_LSM_LEASE_DIR);
	_cleanup_free_ char *path = xasprintf("%s/hardrun-learn-unit-junk", dir);
	FILE *f;

	(void)state;
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_non_null(f = fopen(path, "w"));
	fputs("not a pid\n", f);
	fclose(f);
	hr_lsm_leases_sweep(root);
	assert_false(lease_exists(root, "hardrun-learn-unit-junk"));
	rm_root(root);
}

static void test_only_temporary_names(void **state)
{
	char *root = new_root();
	_cleanup_free_ char *dir = xasprintf("%s/%s", root, HR_LSM_LEASE_DIR);
	struct hr_error err = { 0 };

	(void)state;
	assert_int_equal(hr_lsm_lease_take(root, "docker-default", &err), -1);
	assert_non_null(strstr(err.msg, "not a temporary profile name"));
	assert_int_equal(hr_lsm_lease_take(root, "hardrun-learn-../x", &err), -1);
	assert_int_not_equal(access(dir, F_OK), 0);
	rm_root(root);
}

static void test_sweep_without_leases_creates_nothing(void **state)
{
	char *root = new_root();
	_cleanup_free_ char *dir = xasprintf("%s/%s", root, HR_LSM_LEASE_DIR);

	(void)state;
	hr_lsm_leases_sweep(root);
	hr_lsm_leases_sweep(NULL);
	assert_int_not_equal(access(dir, F_OK), 0);
	rm_root(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_owner_kept_dropped_after_unload),
		cmocka_unit_test(test_dead_owner_swept),
		cmocka_unit_test(test_unreadable_lease_swept),
		cmocka_unit_test(test_only_temporary_names),
		cmocka_unit_test(test_sweep_without_leases_creates_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
