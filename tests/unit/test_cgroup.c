/* cgroup v2 module: conversions, path resolution, the device program (its
 * decisions, checked by interpreting the generated BPF, and attached to a
 * real cgroup), fail-closed errors, freeze/kill on real processes. The live
 * tests use this host's cgroup2 (/sys/fs/cgroup/unified on the hybrid dev VM,
 * which has no memory/cpu controllers) and need root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "base/util.h"

/* ---- conversions ---------------------------------------------------------- */

static void test_shares_to_weight(void **state)
{
	(void)state;
	assert_int_equal(hr_cgroup_shares_to_weight(2), 1);
	assert_int_equal(hr_cgroup_shares_to_weight(1024), 39);
	assert_int_equal(hr_cgroup_shares_to_weight(262144), 10000);
	assert_int_equal(hr_cgroup_shares_to_weight(1), 1);          /* clamped */
	assert_int_equal(hr_cgroup_shares_to_weight(1000000), 10000);
}

static void test_blkio_weight(void **state)
{
	(void)state;
	assert_int_equal(hr_cgroup_blkio_to_io_weight(10), 1);
	assert_int_equal(hr_cgroup_blkio_to_io_weight(500), 4950);
	assert_int_equal(hr_cgroup_blkio_to_io_weight(1000), 10000);
}

static void test_swap_max(void **state)
{
	struct hr_error err = { 0 };
	int64_t v = 0;

	(void)state;
	assert_int_equal(hr_cgroup_swap_max(true, 100, 300, &v, &err), 1);
	assert_int_equal(v, 200);
	assert_int_equal(hr_cgroup_swap_max(true, 100, 100, &v, &err), 1);
	assert_int_equal(v, 0);
	assert_int_equal(hr_cgroup_swap_max(true, 100, -1, &v, &err), 1);
	assert_int_equal(v, -1);
	assert_int_equal(hr_cgroup_swap_max(true, -1, 0, &v, &err), 1);
	assert_int_equal(v, -1);
	assert_int_equal(hr_cgroup_swap_max(true, 100, 0, &v, &err), 0);
	assert_int_equal(hr_cgroup_swap_max(true, 200, 100, &v, &err), -1);
	assert_non_null(strstr(err.msg, "below memory.limit"));
	assert_int_equal(hr_cgroup_swap_max(false, 0, 100, &v, &err), -1);
	assert_non_null(strstr(err.msg, "needs a memory.limit"));
}

/* ---- paths ------------------------------------------------------------------- */

static void expect_path(const char *cp, const char *id, const char *own, const char *want)
{
	struct hr_error err = { 0 };
	char *out = NULL;

	if (hr_cgroup_resolve_path(cp, id, own, &out, &err) < 0)
		fail_msg("resolve %s: %s", cp ? cp : "(null)", err.msg);
	assert_string_equal(out, want);
	free(out);
}

static void test_resolve_path(void **state)
{
	struct hr_error err = { 0 };
	char *out = NULL;

	(void)state;
	expect_path("/a/b", "x", "/user.slice", "a/b");
	expect_path("//a//b/", "x", "/", "a/b");
	expect_path("x/y", "c", "/user.slice", "user.slice/x/y");
	expect_path("x", "c", "/", "x");
	expect_path(NULL, "c1", "/", "hardrun/c1");
	expect_path("", "c1", "/work.slice", "work.slice/hardrun/c1");
	assert_int_equal(hr_cgroup_resolve_path("/a/../b", "x", "/", &out, &err), -1);
	assert_non_null(strstr(err.msg, "\"..\""));
	assert_int_equal(hr_cgroup_resolve_path("a/./b", "x", "/", &out, &err), -1);
	assert_int_equal(hr_cgroup_resolve_path("/", "x", "/", &out, &err), -1);
	assert_non_null(strstr(err.msg, "root cgroup"));
}

/* ---- device rules --------------------------------------------------------------- */

#define R(allow, type, maj, min, acc) { allow, type, maj, min, acc }

/* Paths read back from state: nothing outside what hardrun made. */
static void test_check_path(void **state)
{
	struct hr_error err = { 0 };
	char *out = NULL;

	(void)state;
	assert_int_equal(hr_cgroup_check_path("hardrun//x/", &out, &err), 0);
	assert_string_equal(out, "hardrun/x");
	free(out);
	assert_int_equal(hr_cgroup_check_path("hardrun/../..", &out, &err), -1);
	assert_int_equal(hr_cgroup_check_path("/", &out, &err), -1);
	assert_int_equal(hr_cgroup_check_path("a/./b", &out, &err), -1);
	assert_int_equal(hr_cgroup_check_path("a\nb", &out, &err), -1);
	assert_non_null(strstr(err.msg, "control character"));
}

static void test_device_defaults(void **state)
{
	(void)state;
	assert_true(hr_cgroup_device_allowed(NULL, 0, 'c', 1, 3, "rw"));    /* null */
	assert_true(hr_cgroup_device_allowed(NULL, 0, 'c', 1, 9, "r"));     /* urandom */
	assert_true(hr_cgroup_device_allowed(NULL, 0, 'c', 136, 7, "rw"));  /* pts */
	assert_true(hr_cgroup_device_allowed(NULL, 0, 'c', 5, 2, "rw"));    /* ptmx */
	assert_false(hr_cgroup_device_allowed(NULL, 0, 'c', 1, 1, "r"));    /* mem */
	assert_false(hr_cgroup_device_allowed(NULL, 0, 'b', 8, 0, "r"));
	assert_true(hr_cgroup_device_allowed(NULL, 0, 'b', 8, 0, "m"));     /* mknod only */
	assert_false(hr_cgroup_device_allowed(NULL, 0, 'b', 8, 0, "rm"));
}

static void test_device_rules_order(void **state)
{
	struct hr_device_rule deny_all[] = { R(false, 'a', -1, -1, "rwm") };
	struct hr_device_rule rules[] = {
		R(false, 'a', -1, -1, "rwm"),
		R(true, 'c', 4, -1, "rwm"),
		R(false, 'c', 4, 1, "w"),
		R(true, 'b', 7, 0, "r"),
	};
	struct hr_device_rule allow_all[] = { R(true, 'a', -1, -1, "rwm"), R(false, 'c', 10, 200, "rwm") };

	(void)state;
	/* the defaults come last and win over a deny-all */
	assert_true(hr_cgroup_device_allowed(deny_all, 1, 'c', 1, 3, "rw"));
	assert_false(hr_cgroup_device_allowed(deny_all, 1, 'c', 10, 200, "r"));
	assert_true(hr_cgroup_device_allowed(rules, 4, 'c', 4, 2, "rw"));
	assert_true(hr_cgroup_device_allowed(rules, 4, 'c', 4, 1, "r"));
	assert_false(hr_cgroup_device_allowed(rules, 4, 'c', 4, 1, "rw"));
	assert_false(hr_cgroup_device_allowed(rules, 4, 'c', 4, 1, "w"));
	assert_true(hr_cgroup_device_allowed(rules, 4, 'b', 7, 0, "r"));
	assert_false(hr_cgroup_device_allowed(rules, 4, 'b', 7, 0, "rw"));
	assert_false(hr_cgroup_device_allowed(rules, 4, 'b', 4, 2, "r"));   /* type matters */
	assert_true(hr_cgroup_device_allowed(allow_all, 2, 'b', 8, 0, "rw"));
	assert_false(hr_cgroup_device_allowed(allow_all, 2, 'c', 10, 200, "r"));
}

/* Interprets the subset of eBPF the generator emits. */
static int run_bpf(const struct bpf_insn *p, size_t n, uint32_t ctx[3])
{
	uint64_t r[11] = { 0 };
	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint64_t src = BPF_SRC(i->code) == BPF_X ? r[i->src_reg] : (uint64_t)(int64_t)i->imm;
		switch (BPF_CLASS(i->code)) {
		case BPF_LDX:
			assert_int_equal(i->src_reg, BPF_REG_1);
			assert_true(i->off >= 0 && i->off <= 8 && i->off % 4 == 0);
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU64:
			switch (BPF_OP(i->code)) {
			case BPF_MOV: r[i->dst_reg] = src; break;
			case BPF_AND: r[i->dst_reg] &= src; break;
			case BPF_OR: r[i->dst_reg] |= src; break;
			case BPF_XOR: r[i->dst_reg] ^= src; break;
			case BPF_RSH: r[i->dst_reg] >>= src; break;
			default: fail_msg("unexpected ALU op %#x", i->code);
			}
			break;
		case BPF_JMP:
			switch (BPF_OP(i->code)) {
			case BPF_EXIT: return (int)r[0];
			case BPF_JA: pc += i->off; break;
			case BPF_JNE: if (r[i->dst_reg] != src) pc += i->off; break;
			case BPF_JSET: if (r[i->dst_reg] & src) pc += i->off; break;
			default: fail_msg("unexpected JMP op %#x", i->code);
			}
			break;
		default:
			fail_msg("unexpected class %#x", i->code);
		}
	}
	fail_msg("program ran off its end");
	return -1;
}

/* The kernel verifier rejects unreachable instructions: check the same. */
static void check_all_reachable(const struct bpf_insn *p, size_t n)
{
	bool *seen = calloc(n, sizeof(bool));
	size_t *stack = calloc(n + 1, sizeof(size_t)), top = 0;
	stack[top++] = 0;
	while (top) {
		size_t pc = stack[--top];
		if (pc >= n || seen[pc])
			continue;
		seen[pc] = true;
		uint8_t cls = BPF_CLASS(p[pc].code), op = BPF_OP(p[pc].code);
		if (cls == BPF_JMP && op == BPF_EXIT)
			continue;
		if (cls == BPF_JMP && op == BPF_JA) {
			stack[top++] = pc + 1 + p[pc].off;
			continue;
		}
		if (cls == BPF_JMP)
			stack[top++] = pc + 1 + p[pc].off;
		stack[top++] = pc + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i])
			fail_msg("instruction %zu is unreachable", i);
	free(seen);
	free(stack);
}

static void check_program_matches(const struct hr_device_rule *rules, size_t n)
{
	static const int64_t majors[] = { 1, 4, 5, 7, 8, 10, 136 };
	static const int64_t minors[] = { 0, 1, 2, 3, 9, 200 };
	static const char *const accesses[] = { "m", "r", "w", "rm", "rw", "wm", "rwm" };
	struct hr_error err = { 0 };
	void *insns = NULL;
	size_t n_insns = 0;

	assert_int_equal(hr_cgroup_device_program(rules, n, &insns, &n_insns, &err), 0);
	check_all_reachable(insns, n_insns);
	for (int t = 0; t < 2; t++)
		for (size_t a = 0; a < HR_ARRAY_SIZE(majors); a++)
			for (size_t b = 0; b < HR_ARRAY_SIZE(minors); b++)
				for (size_t c = 0; c < HR_ARRAY_SIZE(accesses); c++) {
					char type = t ? 'c' : 'b';
					uint32_t acc = 0;
					for (const char *s = accesses[c]; *s; s++)
						acc |= *s == 'm' ? BPF_DEVCG_ACC_MKNOD
						       : *s == 'r' ? BPF_DEVCG_ACC_READ : BPF_DEVCG_ACC_WRITE;
					uint32_t ctx[3] = { acc << 16 | (t ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK),
							    (uint32_t)majors[a], (uint32_t)minors[b] };
					bool want = hr_cgroup_device_allowed(rules, n, type, majors[a], minors[b],
									     accesses[c]);
					int got = run_bpf(insns, n_insns, ctx);
					if (got != (int)want)
						fail_msg("%c %lld:%lld %s: program says %d, rules say %d", type,
							 (long long)majors[a], (long long)minors[b], accesses[c], got, want);
				}
	free(insns);
}

static void test_device_program_matches_rules(void **state)
{
	struct hr_device_rule set1[] = {
		R(false, 'a', -1, -1, "rwm"), R(true, 'c', 4, -1, "rwm"), R(false, 'c', 4, 1, "w"),
		R(true, 'b', 7, 0, "r"),
	};
	struct hr_device_rule set2[] = { R(true, 'a', -1, -1, "rwm"), R(false, 'c', 10, 200, "rwm"),
					 R(false, 'b', -1, 1, "r") };
	struct hr_device_rule set3[] = { R(true, 'c', 1, 1, "r"), R(true, 'c', 1, 1, "w"), R(false, 'c', 5, -1, "m") };
	/* a catch-all rule in the middle: what precedes it is never consulted */
	struct hr_device_rule set4[] = { R(true, 'c', 4, 1, "rwm"), R(false, 'a', -1, -1, "rwm"), R(true, 'c', 4, 2, "r") };
	/* catch-alls for some access bits only, any-type rules with a major or a minor */
	struct hr_device_rule set5[] = { R(true, 'a', -1, -1, "m"), R(false, 'a', -1, -1, "w"), R(true, 'a', 4, -1, "rw"),
					 R(false, 'a', -1, 2, "r"), R(true, 'b', 8, -1, "w") };

	(void)state;
	check_program_matches(NULL, 0);
	check_program_matches(set1, HR_ARRAY_SIZE(set1));
	check_program_matches(set2, HR_ARRAY_SIZE(set2));
	check_program_matches(set3, HR_ARRAY_SIZE(set3));
	check_program_matches(set4, HR_ARRAY_SIZE(set4));
	check_program_matches(set5, HR_ARRAY_SIZE(set5));
}

static void test_device_rule_validation(void **state)
{
	struct hr_device_rule bad_type[] = { R(true, 'x', 1, 1, "r") };
	struct hr_device_rule bad_acc[] = { R(true, 'c', 1, 1, "rq") };
	struct hr_error err = { 0 };
	void *insns = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(hr_cgroup_device_program(bad_type, 1, &insns, &n, &err), -1);
	assert_non_null(strstr(err.msg, "devices[0]: type"));
	assert_int_equal(hr_cgroup_device_program(bad_acc, 1, &insns, &n, &err), -1);
	assert_non_null(strstr(err.msg, "access \"rq\""));
}

/* ---- live tests on this host's cgroup2 -------------------------------------------- */

static char *test_path(const char *what)
{
	return xasprintf("/hardrun-unit-%s-%d", what, (int)getpid());
}

static bool cgroup_dir_exists(const struct hr_cgroup *cg, const char *path)
{
	struct stat st;
	char *p = xasprintf("%s/%s", cg->mountpoint, path);
	bool ok = stat(p, &st) == 0;
	free(p);
	return ok;
}

static int live_setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		print_message("live cgroup tests need root\n");
		return -1;
	}
	return 0;
}

/* After a failed live test: kill and remove what it left behind. */
static int live_teardown(void **state)
{
	static const char *const what[] = { "dev", "mem", "unified", "freeze" };
	(void)state;
	for (size_t i = 0; i < HR_ARRAY_SIZE(what); i++) {
		char *path = test_path(what[i]);
		struct hr_cgroup *cg = NULL;
		struct hr_error err;
		if (hr_cgroup_open(path, &cg, &err) == 0) {
			hr_cgroup_destroy(cg, &err);
			hr_cgroup_free(cg);
		}
		free(path);
	}
	char *def = xasprintf("hardrun/unit-%d", (int)getpid());
	struct hr_cgroup *cg = NULL;
	struct hr_error err;
	if (hr_cgroup_open(def, &cg, &err) == 0) {
		hr_cgroup_destroy(cg, &err);
		hr_cgroup_free(cg);
	}
	free(def);
	return 0;
}

/* A child that waits for a byte on a pipe, then runs fn and exits with its result. */
static pid_t spawn_waiting(int *go_fd, int (*fn)(void))
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(99);
		_exit(fn());
	}
	close(p[0]);
	*go_fd = p[1];
	return pid;
}

static char mem_node[64];

static int open_devices(void)
{
	int fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return 1;
	close(fd);
	/* c 1:1 (mem) is not in the allowlist; the node is ours, so the only
	 * thing that can refuse is the device program (before any driver). */
	fd = open(mem_node, O_RDONLY);
	if (fd >= 0)
		return 2;
	if (errno != EPERM)
		return 3;
	fd = open("/dev/kmsg", O_RDONLY);  /* c 1:11 */
	if (fd >= 0 || errno != EPERM)
		return 4;
	return 0;
}

static void test_devices_enforced_on_real_cgroup(void **state)
{
	struct hr_resources res = { 0 };
	struct hr_cgroup *cg = NULL;
	struct hr_error err = { 0 };
	char *path = test_path("dev");
	int go, status;

	(void)state;
	/* /dev: /tmp may be mounted nodev (it is in scripts/run-in-vm) */
	char dir[] = "/dev/.hardrun-unit-dev.XXXXXX";
	assert_non_null(mkdtemp(dir));
	snprintf(mem_node, sizeof(mem_node), "%s/mem", dir);
	assert_int_equal(mknod(mem_node, S_IFCHR | 0600, makedev(1, 1)), 0);
	if (hr_cgroup_create(path, "x", &res, 0, &cg, &err) < 0)
		fail_msg("create: %s", err.msg);
	pid_t pid = spawn_waiting(&go, open_devices);
	if (hr_cgroup_enter(cg, pid, &err) < 0)
		fail_msg("enter: %s", err.msg);
	assert_int_equal(write(go, "x", 1), 1);
	close(go);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	unlink(mem_node);
	rmdir(dir);
	assert_int_equal(WEXITSTATUS(status), 0);
	if (hr_cgroup_destroy(cg, &err) < 0)
		fail_msg("destroy: %s", err.msg);
	assert_false(cgroup_dir_exists(cg, cg->path));
	hr_cgroup_free(cg);
	free(path);
}

static void test_memory_limit_fails_closed(void **state)
{
	struct hr_resources res = { .has_memory = true, .memory = { .has_limit = true, .limit = 64 << 20 } };
	struct hr_cgroup *cg = NULL;
	struct hr_error err = { 0 };
	char *path = test_path("mem");
	char avail[256] = "";

	(void)state;
	FILE *f = fopen("/sys/fs/cgroup/unified/cgroup.controllers", "r");
	if (!f || !fgets(avail, sizeof(avail), f) || strstr(avail, "memory")) {
		if (f)
			fclose(f);
		skip();
	}
	fclose(f);
	assert_int_equal(hr_cgroup_create(path, "x", &res, 0, &cg, &err), -1);
	assert_non_null(strstr(err.msg, "cgroup: memory limit requested but the \"memory\" controller is not "
					"available in /sys/fs/cgroup/unified (available: "));
	/* nothing left behind */
	struct stat st;
	char *full = xasprintf("/sys/fs/cgroup/unified%s", path);
	assert_int_equal(stat(full, &st), -1);

	/* degraded mode is explicit */
	assert_int_equal(hr_cgroup_create(path, "x", &res, HR_CGROUP_ALLOW_MISSING_CONTROLLERS, &cg, &err), 0);
	assert_int_equal(stat(full, &st), 0);
	assert_int_equal(hr_cgroup_destroy(cg, &err), 0);
	assert_int_equal(stat(full, &st), -1);
	hr_cgroup_free(cg);
	free(full);
	free(path);
}

static void test_unified_keys(void **state)
{
	struct hr_kv ok[] = { { "cgroup.max.depth", "5" } };
	struct hr_kv slash[] = { { "../cgroup.procs", "1" } };
	struct hr_kv missing[] = { { "nonexistent.file", "1" } };
	struct hr_kv procs[] = { { "cgroup.procs", "1" } };
	struct hr_kv bad_value[] = { { "cgroup.max.depth", "lots" } };
	struct hr_resources res = { .unified = ok, .n_unified = 1 };
	struct hr_cgroup *cg = NULL;
	struct hr_error err = { 0 };
	char *path = test_path("unified");
	char *text = NULL;

	(void)state;
	if (hr_cgroup_create(path, "x", &res, 0, &cg, &err) < 0)
		fail_msg("create: %s", err.msg);
	char *file = xasprintf("%s/%s/cgroup.max.depth", cg->mountpoint, cg->path);
	assert_int_equal(hr_read_file_at(AT_FDCWD, file, &text, NULL, &err), 0);
	assert_string_equal(text, "5\n");
	free(text);

	res.unified = slash;
	assert_int_equal(hr_cgroup_apply_resources(cg, &res, HR_CGROUP_SKIP_DEVICES, &err), -1);
	assert_non_null(strstr(err.msg, "not a cgroup file name"));
	res.unified = missing;
	assert_int_equal(hr_cgroup_apply_resources(cg, &res, HR_CGROUP_SKIP_DEVICES, &err), -1);
	assert_non_null(strstr(err.msg, "\"nonexistent.file\" does not name a file"));
	res.unified = procs;
	assert_int_equal(hr_cgroup_apply_resources(cg, &res, HR_CGROUP_SKIP_DEVICES, &err), -1);
	assert_non_null(strstr(err.msg, "may not be set"));
	res.unified = bad_value;
	assert_int_equal(hr_cgroup_apply_resources(cg, &res, HR_CGROUP_SKIP_DEVICES, &err), -1);
	assert_non_null(strstr(err.msg, "write \"lots\" to `cgroup.max.depth`"));

	assert_int_equal(hr_cgroup_destroy(cg, &err), 0);
	hr_cgroup_free(cg);
	free(file);
	free(path);
}

static volatile uint64_t *shared_counter;

static int count_forever(void)
{
	for (;;)
		(*shared_counter)++;
	return 0;
}

static uint64_t progress_over(int ms)
{
	uint64_t a = *shared_counter;
	usleep(ms * 1000);
	return *shared_counter - a;
}

static void test_freeze_and_kill(void **state)
{
	struct hr_resources res = { 0 };
	struct hr_cgroup *cg = NULL;
	struct hr_error err = { 0 };
	char *path = test_path("freeze");
	bool frozen = true;
	int go, status;

	(void)state;
	shared_counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(shared_counter != MAP_FAILED);
	if (hr_cgroup_create(path, "x", &res, 0, &cg, &err) < 0)
		fail_msg("create: %s", err.msg);
	pid_t pid = spawn_waiting(&go, count_forever);
	assert_int_equal(hr_cgroup_enter(cg, pid, &err), 0);
	assert_int_equal(write(go, "x", 1), 1);
	close(go);
	while (progress_over(20) == 0)
		;

	pid_t *pids = NULL;
	size_t n = 0;
	assert_int_equal(hr_cgroup_pids(cg, &pids, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pids[0], pid);
	free(pids);

	assert_int_equal(hr_cgroup_is_frozen(cg, &frozen, &err), 0);
	assert_false(frozen);
	if (hr_cgroup_freeze(cg, true, &err) < 0)
		fail_msg("freeze: %s", err.msg);
	assert_int_equal(hr_cgroup_is_frozen(cg, &frozen, &err), 0);
	assert_true(frozen);
	assert_int_equal(progress_over(100), 0);
	assert_int_equal(hr_cgroup_freeze(cg, false, &err), 0);
	assert_int_equal(hr_cgroup_is_frozen(cg, &frozen, &err), 0);
	assert_false(frozen);
	assert_true(progress_over(100) > 0);

	/* a non-SIGKILL signal goes to each process (freeze, signal, thaw) */
	assert_int_equal(hr_cgroup_kill_all(cg, SIGTERM, &err), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);

	/* SIGKILL uses cgroup.kill */
	pid = spawn_waiting(&go, count_forever);
	assert_int_equal(hr_cgroup_enter(cg, pid, &err), 0);
	assert_int_equal(write(go, "x", 1), 1);
	close(go);
	assert_int_equal(hr_cgroup_kill_all(cg, SIGKILL, &err), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);

	assert_int_equal(hr_cgroup_destroy(cg, &err), 0);
	hr_cgroup_free(cg);
	munmap((void *)shared_counter, 4096);
	free(path);
}

static int count_subdirs(const char *path)
{
	DIR *d = opendir(path);
	int n = 0;
	if (!d)
		return -1;
	for (struct dirent *de; (de = readdir(d));)
		if (de->d_type == DT_DIR && de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int sleep_forever(void)
{
	for (;;)
		pause();
	return 0;
}

/* Default path hardrun/<id>: created, then removed with its empty parent;
 * destroy kills what is left, including processes in child cgroups. */
static void test_default_path_and_destroy(void **state)
{
	struct hr_resources res = { 0 };
	struct hr_cgroup *cg = NULL, *again = NULL;
	struct hr_error err = { 0 };
	char *id = xasprintf("unit-%d", (int)getpid());
	char *json = NULL;
	int go, status;

	(void)state;
	if (hr_cgroup_create(NULL, id, &res, 0, &cg, &err) < 0)
		fail_msg("create: %s", err.msg);
	assert_non_null(strstr(cg->path, "hardrun/"));
	{
		/* Another container's cgroup next to ours keeps the parent. */
		char *dir = xasprintf("%s/%s", cg->mountpoint, cg->path);
		char *parent = xstrdup(dir);
		*strrchr(parent, '/') = '\0';
		char *sub = xasprintf("%s/child", dir);
		assert_int_equal(mkdir(sub, 0755), 0);
		pid_t pid = spawn_waiting(&go, sleep_forever);
		char *procs = xasprintf("%s/cgroup.procs", sub);
		char buf[32];
		snprintf(buf, sizeof(buf), "%d", (int)pid);
		assert_int_equal(hr_write_existing_at(AT_FDCWD, procs, buf, &err), 0);

		assert_int_equal(hr_cgroup_open(cg->path, &again, &err), 0);
		assert_int_equal(hr_cgroup_stats_json(again, &json, &err), 0);
		json_t *j = json_loads(json, 0, NULL);
		assert_non_null(j);
		assert_non_null(json_object_get(json_object_get(json_object_get(j, "cpu"), "usage"), "total"));
		/* a controller the cgroup lacks is left out, not reported as 0 */
		char *mem = xasprintf("%s/memory.current", dir), *pids = xasprintf("%s/pids.current", dir);
		if (access(mem, F_OK) == 0)
			assert_non_null(json_object_get(json_object_get(j, "memory"), "raw"));
		else
			assert_null(json_object_get(j, "memory"));
		if (access(pids, F_OK) == 0)
			assert_non_null(json_object_get(json_object_get(j, "pids"), "current"));
		else
			assert_null(json_object_get(j, "pids"));
		free(mem);
		free(pids);
		json_decref(j);
		free(json);

		assert_int_equal(hr_cgroup_destroy(again, &err), 0);
		close(go);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		struct stat st;
		assert_int_equal(stat(dir, &st), -1);
		/* the parent goes too unless another container lives there */
		if (stat(parent, &st) == 0)
			assert_true(count_subdirs(parent) > 0);
		free(procs);
		free(sub);
		free(parent);
		free(dir);
	}
	hr_cgroup_free(again);
	hr_cgroup_free(cg);
	free(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shares_to_weight),
		cmocka_unit_test(test_blkio_weight),
		cmocka_unit_test(test_swap_max),
		cmocka_unit_test(test_resolve_path),
		cmocka_unit_test(test_check_path),
		cmocka_unit_test(test_device_defaults),
		cmocka_unit_test(test_device_rules_order),
		cmocka_unit_test(test_device_program_matches_rules),
		cmocka_unit_test(test_device_rule_validation),
		cmocka_unit_test_setup_teardown(test_devices_enforced_on_real_cgroup, live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_memory_limit_fails_closed, live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_unified_keys, live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_freeze_and_kill, live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_default_path_and_destroy, live_setup, live_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
