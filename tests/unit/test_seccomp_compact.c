/* compact.c: libseccomp's program as ranges over syscall numbers. For
 * hardrun's and containerd's default profiles and one with rules on
 * arguments of every kind the ranges are
 * used (fewer instructions) and answer as libseccomp's program does for
 * every architecture value the programs name and some they do not, every
 * number below 1,100 and in x32's range, and arguments that hit the
 * profiles' argument rules; a program doing what the reasoning does not
 * cover is left as it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/audit.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "seccomp/compact.h"
#include "seccomp/eval.h"
#include "seccomp/internal.h"
#include "seccomp/seccomp.h"
#include "spec/spec.h"

static uint64_t arg_pattern(int pattern, int k, unsigned *seed)
{
	switch (pattern) {
	case 0: return 0;
	case 1: return ~0ULL;
	case 2: return (uint64_t)(CLONE_NEWUSER | CLONE_NEWNS) >> (k % 2);
	case 3: return k ? 0x20008 : 8;  /* personality's allowed values */
	case 4: return 40;               /* AF_VSOCK */
	case 5: return 0x100000000ULL + (uint64_t)(k % 2); /* around 2^32 */
	default: return (uint64_t)rand_r(seed) << 32 | (uint64_t)rand_r(seed);
	}
}

/* q answers as p on the whole sweep; returns how many cases were run. */
static long sweep(const struct sock_filter *p, size_t pn, const struct sock_filter *q, size_t qn)
{
	const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0, 0x12345678 };
	unsigned seed = 1;
	long n = 0;

	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++)
		for (uint32_t base = 0; base <= 0x40000000U; base += 0x40000000U)
			for (uint32_t i = 0; i < 1100; i++)
				for (int pat = 0; pat < 8; pat++) {
					struct seccomp_data d = { .nr = (int)(base + i), .arch = arches[a] };
					struct hr_seccomp_verdict vp, vq;
					struct hr_error err = { 0 };
					for (int k = 0; k < 6; k++)
						d.args[k] = arg_pattern(pat, k, &seed);
					assert_int_equal(hr_seccomp_eval(p, pn, &d, &vp, &err), 0);
					assert_int_equal(hr_seccomp_eval(q, qn, &d, &vq, &err), 0);
					if (vp.ret != vq.ret)
						fail_msg("arch %#x nr %#x pattern %d: libseccomp %#x, ranges %#x", arches[a],
							 base + i, pat, vp.ret, vq.ret);
					n++;
				}
	return n;
}

/* compacted to at most max_pct % of libseccomp's size, and the same */
static void check_profile(const struct hr_seccomp *cfg, const char *what, size_t max_pct)
{
	struct hr_seccomp_program lib, ranges;
	struct hr_error err = { 0 };

	char dir[] = "/tmp/hardrun-test-compact-XXXXXX";
	char *cmd;

	/* a cached compile stores the ranges */
	assert_non_null(mkdtemp(dir));
	if (hr_seccomp_compile_libseccomp(cfg, &lib, &err) < 0 || hr_seccomp_compile(cfg, dir, &ranges, &err) < 0)
		fail_msg("%s: %s", what, err.msg);
	cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	print_message("%s: libseccomp %zu instructions, ranges %zu\n", what, lib.n_insns, ranges.n_insns);
	assert_true(ranges.n_insns * 100 <= lib.n_insns * max_pct);
	assert_int_equal(ranges.flags, lib.flags);
	assert_true(sweep(lib.filter, lib.n_insns, ranges.filter, ranges.n_insns) > 80000);
	hr_seccomp_program_clear(&lib);
	hr_seccomp_program_clear(&ranges);
}

static void test_default_profiles_as_ranges(void **state)
{
	const char *files[] = { TEST_DATA_DIR "/../../profiles/seccomp/default.json" };
	struct hr_spec *spec = NULL;
	struct hr_error err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct hr_seccomp *cfg = NULL;
		if (hr_seccomp_profile_load_file(files[i], &cfg, &err) < 0)
			fail_msg("%s: %s", files[i], err.msg);
		check_profile(cfg, files[i], 40);
		hr_seccomp_profile_free(cfg);
	}
	if (hr_spec_load_file(TEST_DATA_DIR "/containerd-1.6/seccomp-default.config.json", &spec, &err) < 0)
		fail_msg("%s", err.msg);
	check_profile(spec->linux_.seccomp, "containerd 1.6", 40);
	hr_spec_free(spec);
}

#define LD(off) { BPF_LD | BPF_W | BPF_ABS, 0, 0, (off) }
#define RET(k) { BPF_RET | BPF_K, 0, 0, (k) }

static void expect_kept(const struct sock_filter *prog, size_t n, const char *why)
{
	struct sock_filter *q = NULL;
	size_t qn = 0;

	if (hr_seccomp_compact(prog, n, &q, &qn) != 0)
		fail_msg("compacted a program with %s", why);
	assert_null(q);
}

/* Arithmetic on the number, ordering on the architecture, JSET on the
 * number, a return of a computed value: left to libseccomp's program. */
static void test_what_it_cannot_follow_is_kept(void **state)
{
	const struct sock_filter alu_nr[] = { LD(0), { BPF_ALU | BPF_ADD | BPF_K, 0, 0, 1 },
					      { BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 40 }, RET(0x7fff0000), RET(0) };
	const struct sock_filter arch_order[] = { LD(4), { BPF_JMP | BPF_JGT | BPF_K, 0, 1, 0x80000000 },
						  RET(0x7fff0000), RET(0) };
	const struct sock_filter jset_nr[] = { LD(0), { BPF_JMP | BPF_JSET | BPF_K, 0, 1, 8 }, RET(0x7fff0000),
					       RET(0) };
	const struct sock_filter ret_a[] = { LD(0), { BPF_RET | BPF_A, 0, 0, 0 } };

	(void)state;
	expect_kept(alu_nr, 5, "arithmetic on the number");
	expect_kept(arch_order, 4, "an ordering comparison on the architecture");
	expect_kept(jset_nr, 4, "a JSET on the number");
	expect_kept(ret_a, 2, "a returned number");
}

/* Rules on arguments of every comparison, 64-bit values included, and a
 * notify-free mix of actions: the residues of libseccomp's program. */
static void test_argument_rules(void **state)
{
	const char *json =
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
		"\"SCMP_ARCH_X32\"],\"syscalls\":["
		"{\"names\":[\"read\",\"write\",\"close\",\"exit_group\",\"openat\",\"fstat\",\"newfstatat\",\"brk\",\"munmap\",\"mprotect\",\"rt_sigaction\",\"rt_sigprocmask\",\"rt_sigreturn\",\"ioctl\",\"pread64\",\"pwrite64\",\"readv\",\"writev\",\"access\",\"pipe\",\"pipe2\",\"select\",\"sched_yield\",\"mremap\",\"msync\",\"mincore\",\"madvise\",\"dup\",\"dup2\",\"dup3\",\"pause\",\"nanosleep\",\"getitimer\",\"alarm\",\"setitimer\",\"sendfile\",\"connect\",\"accept\",\"accept4\",\"sendto\",\"recvfrom\",\"sendmsg\",\"recvmsg\",\"shutdown\",\"bind\",\"listen\",\"getsockname\",\"getpeername\",\"socketpair\",\"setsockopt\",\"getsockopt\",\"wait4\",\"uname\",\"fcntl\",\"flock\",\"fsync\",\"fdatasync\",\"truncate\",\"ftruncate\",\"getcwd\",\"chdir\",\"fchdir\",\"rename\",\"mkdir\",\"rmdir\",\"link\",\"unlink\",\"symlink\",\"readlink\",\"chmod\",\"fchmod\",\"umask\",\"gettimeofday\",\"getrlimit\",\"getrusage\",\"sysinfo\",\"times\",\"getuid\",\"getgid\",\"geteuid\",\"getegid\",\"setpgid\",\"getpgrp\",\"setsid\",\"futex\",\"set_tid_address\",\"clock_gettime\",\"clock_nanosleep\",\"epoll_create1\",\"epoll_ctl\",\"epoll_wait\",\"eventfd2\",\"prlimit64\",\"getrandom\",\"statx\",\"rseq\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":8,"
		"\"op\":\"SCMP_CMP_EQ\"}]},"
		"{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":40,"
		"\"op\":\"SCMP_CMP_NE\"}]},"
		"{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
		"\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
		"{\"names\":[\"mmap\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,"
		"\"value\":4294967297,\"op\":\"SCMP_CMP_LT\"}]},"
		"{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_TRAP\",\"args\":[{\"index\":2,\"value\":1,"
		"\"op\":\"SCMP_CMP_GT\"}]},"
		"{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_KILL\"},"
		"{\"names\":[\"getpid\",\"getppid\",\"gettid\"],\"action\":\"SCMP_ACT_LOG\"}]}";
	struct hr_seccomp *cfg = NULL;
	struct hr_error err = { 0 };

	(void)state;
	if (hr_spec_parse_seccomp_text(json, "test", &cfg, &err) < 0)
		fail_msg("%s", err.msg);
	check_profile(cfg, "argument rules", 99);
	hr_seccomp_free(cfg);
}

/* Many numbers with answers of their own: the returns lie farther than a
 * conditional jump reaches (255), so the layout goes through JAs. */
static void test_far_jumps(void **state)
{
	enum { N = 300 };
	struct sock_filter prog[2 + 3 * N + 1];
	struct sock_filter *q = NULL;
	size_t qn = 0, n = 0;
	bool far = false;

	(void)state;
	prog[n++] = (struct sock_filter)LD(4);
	prog[n++] = (struct sock_filter)LD(0);
	for (uint32_t i = 0; i < N; i++) { /* nr == i: errno i (with a wasted load) */
		prog[n++] = (struct sock_filter){ BPF_JMP | BPF_JEQ | BPF_K, 0, 2, i };
		prog[n++] = (struct sock_filter)LD(0);
		prog[n++] = (struct sock_filter)RET(0x00050000U | i);
	}
	prog[n++] = (struct sock_filter)RET(0x7fff0000);
	assert_int_equal(hr_seccomp_compact(prog, n, &q, &qn), 1);
	assert_true(qn < n);
	for (size_t i = 0; i < qn; i++)
		far |= q[i].code == (BPF_JMP | BPF_JA);
	assert_true(far);
	assert_true(sweep(prog, n, q, qn) > 0);
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_profiles_as_ranges),
		cmocka_unit_test(test_what_it_cannot_follow_is_kept),
		cmocka_unit_test(test_argument_rules),
		cmocka_unit_test(test_far_jumps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
