/* The user namespace id pool: disjoint ranges, also between concurrent
 * allocators; release at delete; stale entries of a killed create reclaimed;
 * a range held by a container dir kept. */
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
#include "state/state.h"

static const struct hr_idpool_cfg cfg = { .start = 100000, .size = 65536 * 4, .range = 65536 };

static uint32_t alloc_ok(const char *root, const char *id)
{
	struct hr_error err = { 0 };
	uint32_t start = 0;

	if (hr_idpool_allocate(root, id, &cfg, &start, &err) < 0)
		fail_msg("allocate %s: %s", id, err.msg);
	return start;
}

/* A container dir with its marker: what makes a range a container's. */
static void make_container_dir(const char *root, const char *id)
{
	_cleanup_free_ char *dir = xasprintf("%s/%s", root, id);
	_cleanup_free_ char *marker = xasprintf("%s/%s", dir, HR_STATE_MARKER);

	assert_int_equal(mkdir(dir, 0700), 0);
	close(open(marker, O_WRONLY | O_CREAT, 0644));
}

static void test_disjoint_exhaust_release(void **state)
{
	char *root = new_root();
	struct hr_error err = { 0 };
	uint32_t s[4], x;

	(void)state;
	for (int i = 0; i < 4; i++) {
		char id[8];
		snprintf(id, sizeof(id), "c%d", i);
		s[i] = alloc_ok(root, id);
		make_container_dir(root, id);
		assert_true(s[i] >= cfg.start && s[i] + cfg.range <= cfg.start + cfg.size);
		for (int k = 0; k < i; k++)
			assert_int_not_equal(s[i], s[k]);
	}
	assert_int_equal(hr_idpool_allocate(root, "c9", &cfg, &x, &err), -1);
	assert_non_null(strstr(err.msg, "user namespace id pool 100000-362143 is exhausted"));
	assert_int_equal(hr_idpool_allocate(root, "c1", &cfg, &x, &err), -1);
	assert_non_null(strstr(err.msg, "container with id c1 already exists"));
	assert_int_equal(hr_idpool_release(root, "c1", false, &err), 0);
	assert_int_equal(alloc_ok(root, "c9"), s[1]);
	rm_root(root);
}

static void test_stale_create_reclaimed_container_kept(void **state)
{
	char *root = new_root();
	_cleanup_free_ char *pool = xasprintf("%s/@userns-pool", root);
	struct hr_error err = { 0 };
	uint32_t start, size;
	FILE *f;

	(void)state;
	/* a create killed before its dir existed (pid 0 is no process) and a
	 * container that was created (its dir is there; its creator is gone) */
	f = fopen(pool, "w");
	assert_non_null(f);
	fprintf(f, "100000 65536 0 1 dead\n165536 65536 0 1 alive\n");
	fclose(f);
	make_container_dir(root, "alive");
	assert_int_equal(alloc_ok(root, "new"), 100000);
	assert_int_equal(hr_idpool_lookup(root, "alive", &start, &size, &err), 1);
	assert_int_equal(start, 165536);
	assert_int_equal(hr_idpool_lookup(root, "dead", &start, &size, &err), 0);
	rm_root(root);
}

static void test_rollback_releases_only_its_own(void **state)
{
	char *root = new_root();
	_cleanup_free_ char *pool = xasprintf("%s/@userns-pool", root);
	struct hr_error err = { 0 };
	uint32_t start, size;
	FILE *f;

	(void)state;
	f = fopen(pool, "w");
	assert_non_null(f);
	fprintf(f, "100000 65536 0 1 other\n");
	fclose(f);
	make_container_dir(root, "other");
	assert_int_equal(hr_idpool_release(root, "other", true, &err), 0);
	assert_int_equal(hr_idpool_lookup(root, "other", &start, &size, &err), 1);
	alloc_ok(root, "mine");
	assert_int_equal(hr_idpool_release(root, "mine", true, &err), 0);
	assert_int_equal(hr_idpool_lookup(root, "mine", &start, &size, &err), 0);
	rm_root(root);
}

/* Four processes allocate at once: four different ranges. */
static void test_concurrent_allocations_disjoint(void **state)
{
	char *root = new_root();
	int fds[2], hold[2];
	uint32_t got[4];
	char c;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(pipe(hold), 0);
	for (int i = 0; i < 4; i++) {
		if (fork() == 0) {
			char id[8];
			struct hr_error err = { 0 };
			uint32_t s = 0;
			snprintf(id, sizeof(id), "p%d", i);
			if (hr_idpool_allocate(root, id, &cfg, &s, &err) < 0)
				s = 0;
			(void)!write(fds[1], &s, sizeof(s));
			/* alive, so the range stays ours, until every one is in */
			close(hold[1]);
			(void)!read(hold[0], &c, 1);
			_exit(0);
		}
	}
	close(fds[1]);
	close(hold[0]);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(read(fds[0], &got[i], sizeof(got[i])), sizeof(got[i]));
		assert_int_not_equal(got[i], 0);
		for (int k = 0; k < i; k++)
			assert_int_not_equal(got[i], got[k]);
	}
	close(hold[1]);
	while (wait(NULL) > 0)
		;
	close(fds[0]);
	rm_root(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disjoint_exhaust_release),
		cmocka_unit_test(test_stale_create_reclaimed_container_kept),
		cmocka_unit_test(test_rollback_releases_only_its_own),
		cmocka_unit_test(test_concurrent_allocations_disjoint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
