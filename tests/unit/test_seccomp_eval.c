/* The seccomp BPF evaluator (src/seccomp/eval.c, explore.c): hardrun's own
 * default profile judged per architecture without loading it, hand-made
 * programs the kernel would refuse, and a cross-check against the kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp/eval.h"
#include "seccomp/seccomp.h"

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
		      CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static const uint32_t x86_family[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 };

static struct hr_seccomp_program default_program(void)
{
	struct hr_seccomp *cfg = NULL;
	struct hr_seccomp_program prog;
	struct hr_error err = { 0 };

	if (hr_seccomp_profile_parse(hr_seccomp_default_profile_json(), "default.json", &cfg, &err) < 0)
		fail_msg("parse: %s", err.msg);
	if (hr_seccomp_compile_for_eval(cfg, &prog, &err) < 0)
		fail_msg("compile: %s", err.msg);
	hr_seccomp_profile_free(cfg);
	return prog;
}

static struct hr_seccomp_verdict eval_name(const struct hr_seccomp_program *p, uint32_t arch,
					   const char *name, uint64_t arg0)
{
	uint64_t args[6] = { arg0 };
	struct hr_seccomp_verdict v;
	struct hr_error err = { 0 };

	if (hr_seccomp_eval_syscall(p, arch, name, args, &v, &err) < 0)
		fail_msg("eval %s: %s", name, err.msg);
	return v;
}

static void assert_errno(struct hr_seccomp_verdict v, int e)
{
	assert_int_equal(v.action, SECCOMP_RET_ERRNO);
	assert_int_equal(v.data, e);
}

static void test_default_profile_per_arch(void **state)
{
	struct hr_seccomp_program p = default_program();
	(void)state;

	for (size_t i = 0; i < sizeof(x86_family) / sizeof(x86_family[0]); i++) {
		uint32_t arch = x86_family[i];
		struct hr_seccomp_verdict v;
		struct seccomp_data d;
		struct hr_error err = { 0 };
		int high = (arch == SCMP_ARCH_X32 ? 0x40000000 : 0) + 1000;

		print_message("# arch 0x%08x\n", arch);
		assert_int_equal(eval_name(&p, arch, "read", 0).action, SECCOMP_RET_ALLOW);
		assert_errno(eval_name(&p, arch, "reboot", 0), EPERM);
		v = eval_name(&p, arch, "unshare", CLONE_NEWUSER);
		assert_false(hr_seccomp_verdict_allows(&v));
		assert_errno(eval_name(&p, arch, "unshare", CLONE_NEWUSER), EPERM);
		assert_errno(eval_name(&p, arch, "clone", CLONE_NEWUSER | SIGCHLD), EPERM);
		assert_int_equal(eval_name(&p, arch, "clone", THREAD_FLAGS).action, SECCOMP_RET_ALLOW);
		hr_seccomp_data_init(&d, arch, high, NULL);
		assert_int_equal(hr_seccomp_eval(p.filter, p.n_insns, &d, &v, &err), 0);
		assert_errno(v, ENOSYS);
	}
	hr_seccomp_program_clear(&p);
}

/* An architecture the filter does not list is killed (libseccomp's bad-arch action). */
static void test_unlisted_arch_is_killed(void **state)
{
	struct hr_seccomp_program p = default_program();
	struct hr_seccomp_verdict v = eval_name(&p, SCMP_ARCH_AARCH64, "read", 0);
	(void)state;

	assert_false(hr_seccomp_verdict_allows(&v));
	assert_true(v.action == SECCOMP_RET_KILL_THREAD || v.action == SECCOMP_RET_KILL_PROCESS);
	hr_seccomp_program_clear(&p);
}

struct outcomes {
	int n_allow, n_deny;
	uint64_t deny_arg0;
};

static int count_outcome(const struct seccomp_data *w, const struct hr_seccomp_verdict *v, void *ud)
{
	struct outcomes *o = ud;

	if (hr_seccomp_verdict_allows(v)) {
		o->n_allow++;
	} else {
		o->n_deny++;
		o->deny_arg0 = w->args[0];
	}
	return 0;
}

static struct outcomes explore(const struct hr_seccomp_program *p, uint32_t arch, const char *name,
			       const struct hr_seccomp_cond *conds, size_t n)
{
	struct outcomes o = { 0 };
	struct hr_error err = { 0 };
	bool complete = false;

	if (hr_seccomp_explore(p->filter, p->n_insns, arch, hr_seccomp_syscall_nr(arch, name), conds, n,
			       count_outcome, &o, &complete, &err) < 0)
		fail_msg("explore %s: %s", name, err.msg);
	assert_true(complete);
	return o;
}

/* The search finds both sides of clone's flag check, and that no argument
 * lets unshare or mount through. */
static void test_explore_default_profile(void **state)
{
	struct hr_seccomp_program p = default_program();
	struct hr_seccomp_cond newuser = { 0, HR_COND_ANY_SET, CLONE_NEWUSER };
	(void)state;

	for (size_t i = 0; i < sizeof(x86_family) / sizeof(x86_family[0]); i++) {
		struct outcomes o = explore(&p, x86_family[i], "clone", NULL, 0);
		assert_true(o.n_allow >= 1);
		assert_true(o.n_deny >= 1);
		assert_true(o.deny_arg0 & 0x7e020000);
		o = explore(&p, x86_family[i], "clone", &newuser, 1);
		assert_int_equal(o.n_allow, 0);
		assert_int_equal(explore(&p, x86_family[i], "unshare", NULL, 0).n_allow, 0);
		assert_int_equal(explore(&p, x86_family[i], "mount", NULL, 0).n_allow, 0);
		assert_int_equal(explore(&p, x86_family[i], "read", NULL, 0).n_deny, 0);
		/* personality: only listed personas are allowed */
		o = explore(&p, x86_family[i], "personality", NULL, 0);
		assert_true(o.n_allow >= 1 && o.n_deny >= 1);
	}
	hr_seccomp_program_clear(&p);
}

/* A masked comparison ANDed with an equality on another argument: the
 * witness must satisfy both. */
static void test_explore_two_args(void **state)
{
	char *names[] = { "mount", NULL };
	struct hr_seccomp_arg args[] = {
		{ .index = 3, .value = 0x1000, .value_two = 0x1000, .op = HR_SCMP_CMP_MASKED_EQ },
		{ .index = 4, .value = 77, .op = HR_SCMP_CMP_EQ },
	};
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_ALLOW", .args = args, .n_args = 2 };
	struct hr_seccomp cfg = { .default_action = "SCMP_ACT_KILL_PROCESS", .syscalls = &rule, .n_syscalls = 1 };
	struct hr_seccomp_program p;
	struct hr_error err = { 0 };
	struct outcomes o;
	(void)state;

	assert_int_equal(hr_seccomp_compile_for_eval(&cfg, &p, &err), 0);
	o = explore(&p, SCMP_ARCH_X86_64, "mount", NULL, 0);
	assert_int_equal(o.n_allow, 1);
	assert_true(o.n_deny >= 1);
	hr_seccomp_program_clear(&p);
}

/* The policy-check form: "must deny unshare(CLONE_NEWUSER) on every arch". */
static void test_can_allow(void **state)
{
	struct hr_seccomp_program p = default_program();
	struct hr_seccomp_cond newuser = { 0, HR_COND_ANY_SET, CLONE_NEWUSER };
	struct seccomp_data w;
	struct hr_error err = { 0 };
	bool allowed = true;
	(void)state;

	for (size_t i = 0; i < sizeof(x86_family) / sizeof(x86_family[0]); i++) {
		assert_int_equal(hr_seccomp_can_allow(&p, x86_family[i], "unshare", &newuser, 1, true, &allowed, NULL, &err), 0);
		assert_false(allowed);
		assert_int_equal(hr_seccomp_can_allow(&p, x86_family[i], "clone", &newuser, 1, true, &allowed, NULL, &err), 0);
		assert_false(allowed);
		assert_int_equal(hr_seccomp_can_allow(&p, x86_family[i], "clone", NULL, 0, false, &allowed, &w, &err), 0);
		assert_true(allowed);
		assert_int_equal(w.args[0] & 0x7e020000, 0);
	}
	/* socket: the family rules (arg0 < 38, == 39, == 41..45) deny AF_ALG (38),
	 * AF_VSOCK (40) and unknown families whatever the upper 32 bits hold
	 * (seccomp compares 64 bits, the kernel truncates the int): no value
	 * whose low 32 bits are a denied family gets through. */
	for (uint32_t fam = 0; fam < 64; fam++) {
		struct hr_seccomp_cond eq = { 0, HR_COND_EQ, fam };
		struct hr_seccomp_verdict plain;
		bool ok = fam < 38 || fam == 39 || (fam >= 41 && fam <= 45);
		assert_int_equal(hr_seccomp_can_allow(&p, SCMP_ARCH_X86_64, "socket", &eq, 1, true, &allowed, &w, &err), 0);
		assert_int_equal(allowed, ok);
		plain = eval_name(&p, SCMP_ARCH_X86_64, "socket", fam);
		assert_int_equal(hr_seccomp_verdict_allows(&plain), ok);
	}
	/* x86 has no newfstatat (it has fstatat64): never allowed there */
	assert_int_equal(hr_seccomp_can_allow(&p, SCMP_ARCH_X86, "newfstatat", NULL, 0, true, &allowed, NULL, &err), 0);
	assert_false(allowed);
	hr_seccomp_program_clear(&p);
}

static void assert_bad(const struct sock_filter *prog, size_t n, const char *what)
{
	struct seccomp_data d = { .nr = 0, .arch = SCMP_ARCH_X86_64 };
	struct hr_seccomp_verdict v;
	struct hr_error err = { 0 };

	assert_int_equal(hr_seccomp_eval(prog, n, &d, &v, &err), -1);
	assert_non_null(strstr(err.msg, what));
}

static void test_bad_programs(void **state)
{
	struct sock_filter unaligned[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_filter outside[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_filter jump_out[] = { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 5), BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_filter no_ret[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0) };
	struct sock_filter div0[] = { BPF_STMT(BPF_LDX | BPF_IMM, 0), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
				      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct seccomp_data d = { 0 };
	struct hr_seccomp_verdict v;
	struct hr_error err = { 0 };
	(void)state;

	assert_bad(unaligned, 2, "instruction 0");
	assert_bad(outside, 2, "instruction 0");
	assert_bad(jump_out, 2, "instruction 0");
	assert_bad(no_ret, 1, "without a return");
	assert_bad(NULL, 0, "0 instructions");
	/* division by zero returns 0: KILL_THREAD, as in the kernel */
	assert_int_equal(hr_seccomp_eval(div0, 3, &d, &v, &err), 0);
	assert_int_equal(v.action, SECCOMP_RET_KILL_THREAD);
}

/* What the evaluator says for the native arch is what the kernel does. */
static void test_agrees_with_kernel(void **state)
{
	struct hr_seccomp_program p = default_program();
	static const long nrs[] = { SYS_getpid, SYS_reboot, SYS_unshare, 1000, SYS_kexec_load, SYS_clone3 };
	(void)state;

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		struct seccomp_data d;
		struct hr_seccomp_verdict v;
		struct hr_error err = { 0 };
		int status, fds[2];
		long got = 0;
		pid_t pid;

		hr_seccomp_data_init(&d, seccomp_arch_native(), (int)nrs[i], NULL);
		assert_int_equal(hr_seccomp_eval(p.filter, p.n_insns, &d, &v, &err), 0);
		assert_int_equal(pipe(fds), 0);
		pid = fork();
		if (pid == 0) {
			int nfd;
			long rc;
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			if (hr_seccomp_load(&p, &nfd, &err) < 0)
				_exit(3);
			rc = syscall(nrs[i], 0, 0, 0, 0, 0, 0);
			rc = rc < 0 ? -errno : 0;
			(void)!write(fds[1], &rc, sizeof(rc));
			_exit(0);
		}
		close(fds[1]);
		assert_int_equal(read(fds[0], &got, sizeof(got)), sizeof(got));
		close(fds[0]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (v.action == SECCOMP_RET_ERRNO)
			assert_int_equal(got, -(long)v.data);
		else
			assert_true(got != -EPERM && got != -ENOSYS);
	}
	hr_seccomp_program_clear(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_profile_per_arch),
		cmocka_unit_test(test_unlisted_arch_is_killed),
		cmocka_unit_test(test_explore_default_profile),
		cmocka_unit_test(test_explore_two_args),
		cmocka_unit_test(test_can_allow),
		cmocka_unit_test(test_bad_programs),
		cmocka_unit_test(test_agrees_with_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
