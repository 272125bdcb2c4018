/* profile learn/check without containers: recorded entries -> the profile
 * (judged by evaluating its compiled filter), the complain-mode program,
 * merging and the Docker form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "profile/check_internal.h"
#include "profile/learn.h"
#include "seccomp/eval.h"
#include "seccomp/seccomp.h"

#define CLONE_NEWUSER_FLAG 0x10000000ULL
#define THREAD_FLAGS 0x3d0f00ULL /* what glibc's pthread_create passes */

static struct hr_rec_entry entry(const char *name, enum hr_rec_kind kind, uint64_t a, uint64_t b)
{
	return (struct hr_rec_entry){ .arch = SCMP_ARCH_X86_64, .nr = seccomp_syscall_resolve_name(name),
				      .kind = kind, .a = a, .b = b, .name = (char *)name, .by_workload = true,
				      .count = 1 };
}

/* a workload that made threads (clone3 without namespace flags), read,
 * wrote, opened an AF_INET stream socket; hardrun's capset before execve */
static size_t sample(struct hr_rec_entry *e)
{
	size_t n = 0;

	e[n++] = entry("execve", HR_REC_PLAIN, 0, 0);
	e[n++] = entry("read", HR_REC_PLAIN, 0, 0);
	e[n++] = entry("write", HR_REC_PLAIN, 0, 0);
	e[n++] = entry("clone3", HR_REC_CLONE3, 0, 0);
	e[n++] = entry("socket", HR_REC_SOCKET, 2, 1);
	e[n] = entry("capset", HR_REC_PLAIN, 0, 0);
	e[n].by_workload = false;
	e[n++].before_exec = true;
	return n;
}

static void compile_json(json_t *profile, struct hr_seccomp_program *prog)
{
	_cleanup_free_ char *text = json_dumps(profile, 0);
	struct hr_seccomp *cfg = NULL;
	struct hr_error err = { 0 };

	assert_int_equal(hr_seccomp_profile_parse(text, "learned", &cfg, &err), 0);
	assert_int_equal(hr_seccomp_compile(cfg, NULL, prog, &err), 0);
	hr_seccomp_profile_free(cfg);
}

/* "allow", "errno EPERM", ... for name(args) on x86_64 */
static const char *answer(const struct hr_seccomp_program *p, const char *name, uint64_t a0, uint64_t a1)
{
	static char buf[64];
	const uint64_t args[6] = { a0, a1 };
	struct hr_seccomp_verdict v;
	struct hr_error err = { 0 };

	assert_int_equal(hr_seccomp_eval_syscall(p, SCMP_ARCH_X86_64, name, args, &v, &err), 0);
	return hr_seccomp_verdict_str(&v, buf, sizeof(buf));
}

static void test_learned_profile_allows_exactly_what_was_used(void **state)
{
	struct hr_rec_entry e[8];
	struct hr_learn_meta m = { .runs = 1 };
	struct hr_seccomp_program prog;
	json_t *profile;

	(void)state;
	profile = hr_learn_profile(e, sample(e), &m);
	compile_json(profile, &prog);
	assert_string_equal(answer(&prog, "read", 0, 0), "allow");
	assert_string_equal(answer(&prog, "socket", 2, 1 | 0x80000 /* SOCK_CLOEXEC */), "allow");
	assert_string_equal(answer(&prog, "socket", 2, 2), "errno EPERM");    /* a datagram one was not used */
	assert_string_equal(answer(&prog, "socket", 16, 3), "errno EPERM");   /* nor netlink */
	/* threads came from clone3: ENOSYS there, clone without namespaces allowed */
	assert_string_equal(answer(&prog, "clone3", 0, 0), "errno ENOSYS");
	assert_string_equal(answer(&prog, "clone", THREAD_FLAGS, 0), "allow");
	assert_string_equal(answer(&prog, "clone", THREAD_FLAGS | CLONE_NEWUSER_FLAG, 0), "errno EPERM");
	assert_string_equal(answer(&prog, "unshare", CLONE_NEWUSER_FLAG, 0), "errno EPERM");
	assert_string_equal(answer(&prog, "mount", 0, 0), "errno EPERM");
	/* hardrun's own step before execve is not the workload's */
	assert_string_equal(answer(&prog, "capset", 0, 0), "errno EPERM");
	hr_seccomp_program_clear(&prog);
	json_decref(profile);
}

static void test_runtime_syscalls_without_no_new_privs(void **state)
{
	struct hr_rec_entry e[8];
	struct hr_learn_meta m = { .runs = 1, .include_runtime = true };
	struct hr_seccomp_program prog;
	json_t *profile;

	(void)state;
	profile = hr_learn_profile(e, sample(e), &m);
	compile_json(profile, &prog);
	assert_string_equal(answer(&prog, "capset", 0, 0), "allow");
	hr_seccomp_program_clear(&prog);
	json_decref(profile);
}

static void test_partial_flag_and_docker_form(void **state)
{
	struct hr_rec_entry e[8];
	struct hr_learn_meta m = { .runs = 1, .partial = true, .reason = "the workload was killed by signal 9" };
	json_t *profile, *docker;

	(void)state;
	profile = hr_learn_profile(e, sample(e), &m);
	assert_true(json_is_true(json_object_get(json_object_get(json_object_get(profile, HR_LEARN_META_KEY), "learn"),
						 "partial")));
	docker = hr_learn_to_docker(profile);
	assert_null(json_object_get(docker, "architectures"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(docker, "archMap"), 0),
							      "architecture")),
			    "SCMP_ARCH_X86_64");
	json_decref(docker);
	json_decref(profile);
}

static void test_merge_adds_rules_and_counts_runs(void **state)
{
	struct hr_rec_entry e[8];
	struct hr_learn_meta m = { .runs = 1 };
	struct hr_error err = { 0 };
	json_t *base = json_loads("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
				  "\"syscalls\":[{\"names\":[\"read\",\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
				  0, NULL);
	json_t *learned, *merged = NULL;
	struct hr_seccomp_program prog;

	(void)state;
	learned = hr_learn_profile(e, sample(e), &m);
	assert_int_equal(hr_learn_merge(base, learned, &merged, &err), 0);
	compile_json(merged, &prog);
	assert_string_equal(answer(&prog, "getpid", 0, 0), "allow"); /* the base's */
	assert_string_equal(answer(&prog, "write", 0, 0), "allow");  /* the run's */
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(merged, HR_LEARN_META_KEY), "learn"), "runs")),
			 2);
	hr_seccomp_program_clear(&prog);
	json_decref(merged);
	json_decref(learned);
	json_decref(base);
}

static void test_complain_program(void **state)
{
	struct hr_seccomp *cfg = NULL;
	struct hr_seccomp_program prog;
	struct hr_error err = { 0 };

	(void)state;
	assert_int_equal(hr_seccomp_profile_parse(
				 "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
				 "{\"names\":[\"read\",\"execve\"],\"action\":\"SCMP_ACT_ALLOW\"},"
				 "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
				 "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}",
				 "p", &cfg, &err),
			 0);
	assert_int_equal(hr_check_complain_program(cfg, &prog, &err), 0);
	assert_true(prog.wants_notify);
	assert_string_equal(answer(&prog, "read", 0, 0), "allow");        /* stays in the kernel */
	assert_string_equal(answer(&prog, "mount", 0, 0), "notify");  /* default: to the supervisor */
	assert_string_equal(answer(&prog, "ptrace", 0, 0), "notify");
	assert_string_equal(answer(&prog, "clone3", 0, 0), "errno ENOSYS"); /* steering stays enforced */
	assert_string_equal(answer(&prog, "execve", 0, 0), "notify"); /* marks the workload's start */
	hr_seccomp_program_clear(&prog);
	hr_seccomp_profile_free(cfg);
}

/* the tally: names per architecture (x32 is x86_64 with bit 30 set), the
 * runtime's calls until the first execve, argument cases */
static void test_recording_names_arches_and_cases(void **state)
{
	struct hr_recording *r = hr_recording_new();
	struct seccomp_notif n = { 0 };
	struct hr_rec_entry *e = NULL;
	size_t count;

	(void)state;
	n.data.arch = SCMP_ARCH_X86_64;
	n.data.nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "capset");
	hr_recording_add(r, &n); /* before execve: hardrun's */
	n.data.nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "execve");
	hr_recording_add(r, &n);
	n.data.nr = 0x40000000 | seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "read");
	hr_recording_add(r, &n);
	n.data.arch = SCMP_ARCH_X86;
	n.data.nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "read");
	hr_recording_add(r, &n);
	n.data.arch = SCMP_ARCH_X86_64;
	n.data.nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "socket");
	n.data.args[0] = 2;
	n.data.args[1] = 1 | 0x80000;
	hr_recording_add(r, &n);
	hr_recording_add(r, &n);
	count = hr_recording_snapshot(r, &e, NULL);
	assert_int_equal(count, 5); /* sorted by name, then arch */
	assert_string_equal(e[0].name, "capset");
	assert_true(e[0].before_exec && !e[0].by_workload);
	assert_string_equal(e[1].name, "execve");
	assert_true(e[1].by_workload);
	assert_string_equal(e[2].name, "read");
	assert_string_equal(e[3].name, "read");
	assert_true((e[2].arch == SCMP_ARCH_X86 && e[3].arch == SCMP_ARCH_X32) ||
		    (e[2].arch == SCMP_ARCH_X32 && e[3].arch == SCMP_ARCH_X86));
	assert_string_equal(e[4].name, "socket");
	assert_int_equal(e[4].a, 2);
	assert_int_equal(e[4].b, 1);
	assert_int_equal(e[4].count, 2);
	hr_rec_entries_free(e, count);
	hr_recording_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learned_profile_allows_exactly_what_was_used),
		cmocka_unit_test(test_runtime_syscalls_without_no_new_privs),
		cmocka_unit_test(test_partial_flag_and_docker_form),
		cmocka_unit_test(test_merge_adds_rules_and_counts_runs),
		cmocka_unit_test(test_complain_program),
		cmocka_unit_test(test_recording_names_arches_and_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
