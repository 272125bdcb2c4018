/* Seccomp compile/load: filters are built by hand as struct hr_seccomp,
 * loaded in a forked child (with no_new_privs) and judged by behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include "seccomp/compact.h"
#include "seccomp/seccomp.h"
#include "spec/spec.h"
#include "base/sha256.h"
#include "base/util.h"

#define MAX_RESULTS 8

/* What a child reports: one syscall result (errno-encoded) per probe. */
struct results {
	int load_rc;
	int notify_fd;
	char msg[HR_ERROR_MSG_MAX];
	long r[MAX_RESULTS];
};

typedef void (*probe_fn)(long r[MAX_RESULTS]);

static long sc(long nr, long a, long b)
{
	long rc = syscall(nr, a, b, 0, 0, 0, 0);
	return rc < 0 ? -errno : rc;
}

/* Forks, loads prog, runs probe, reports. Returns the raw wait status. */
static int run_child(const struct hr_seccomp_program *prog, probe_fn probe, struct results *out)
{
	int pfd[2], status = 0;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct results r = { 0 };
		struct hr_error err = { 0 };

		close(pfd[0]);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		r.load_rc = hr_seccomp_load(prog, &r.notify_fd, &err);
		memcpy(r.msg, err.msg, sizeof(r.msg));
		if (r.load_rc == 0 && probe)
			probe(r.r);
		(void)!write(pfd[1], &r, sizeof(r));
		_exit(0);
	}
	close(pfd[1]);
	(void)hr_read_all(pfd[0], out, sizeof(*out));
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static struct hr_seccomp permissive(struct hr_seccomp_rule *rules, size_t n)
{
	return (struct hr_seccomp){ .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .n_syscalls = n };
}

static void compile_ok(const struct hr_seccomp *cfg, struct hr_seccomp_program *prog)
{
	struct hr_error err = { 0 };
	int rc = hr_seccomp_compile(cfg, NULL, prog, &err);
	if (rc != 0)
		fail_msg("compile failed: %s", err.msg);
	assert_non_null(prog->filter);
	assert_true(prog->n_insns > 0);
}

static void test_sha256_vectors(void **state)
{
	uint8_t d[HR_SHA256_LEN];
	char hex[65];
	(void)state;

	hr_sha256("", 0, d);
	hr_sha256_hex(d, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hr_sha256("abc", 3, d);
	hr_sha256_hex(d, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	hr_sha256(two, strlen(two), d);
	hr_sha256_hex(d, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* Streaming across block boundaries: one million 'a'. */
	struct hr_sha256 s;
	char block[1000];
	memset(block, 'a', sizeof(block));
	hr_sha256_init(&s);
	for (int i = 0; i < 1000; i++)
		hr_sha256_update(&s, block, sizeof(block));
	hr_sha256_final(&s, d);
	hr_sha256_hex(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void probe_getpid(long r[MAX_RESULTS])
{
	r[0] = sc(SYS_getpid, 0, 0);
	r[1] = sc(SYS_getppid, 0, 0);
}

static void test_errno_by_name(void **state)
{
	char *names[] = { "getpid", NULL };
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_ERRNO",
					.has_errno_ret = true, .errno_ret = 42 };
	struct hr_seccomp cfg = permissive(&rule, 1);
	struct hr_seccomp_program prog;
	struct results res;
	(void)state;

	compile_ok(&cfg, &prog);
	assert_false(prog.wants_notify);
	int st = run_child(&prog, probe_getpid, &res);
	assert_true(WIFEXITED(st));
	assert_int_equal(res.load_rc, 0);
	assert_int_equal(res.notify_fd, -1);
	assert_int_equal(res.r[0], -42);
	assert_true(res.r[1] > 0);
	hr_seccomp_program_clear(&prog);
}

static void probe_personality(long r[MAX_RESULTS])
{
	r[0] = sc(SYS_personality, 0xffffffff, 0);
	r[1] = sc(SYS_personality, 0, 0);
}

static void test_errno_by_argument(void **state)
{
	char *names[] = { "personality", NULL };
	struct hr_seccomp_arg arg = { .index = 0, .value = 0xffffffff, .op = HR_SCMP_CMP_EQ };
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_ERRNO", .args = &arg, .n_args = 1 };
	struct hr_seccomp cfg = permissive(&rule, 1);
	struct hr_seccomp_program prog;
	struct results res;
	(void)state;

	compile_ok(&cfg, &prog);
	run_child(&prog, probe_personality, &res);
	assert_int_equal(res.load_rc, 0);
	assert_int_equal(res.r[0], -EPERM);   /* default errno */
	assert_true(res.r[1] >= 0);
	hr_seccomp_program_clear(&prog);
}

static void probe_umask(long r[MAX_RESULTS])
{
	r[0] = sc(SYS_umask, 0777, 0);
	r[1] = sc(SYS_umask, 0077, 0);
	r[2] = sc(SYS_umask, 0022, 0);
	r[3] = sc(SYS_umask, 0011, 0);
}

static void test_masked_eq(void **state)
{
	char *names[] = { "umask", NULL };
	/* deny umask when the owner bits are all set: (mask & 0700) == 0700 */
	struct hr_seccomp_arg arg = { .index = 0, .value = 0700, .value_two = 0700, .op = HR_SCMP_CMP_MASKED_EQ };
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_ERRNO",
					.has_errno_ret = true, .errno_ret = EACCES, .args = &arg, .n_args = 1 };
	struct hr_seccomp cfg = permissive(&rule, 1);
	struct hr_seccomp_program prog;
	struct results res;
	(void)state;

	compile_ok(&cfg, &prog);
	run_child(&prog, probe_umask, &res);
	assert_int_equal(res.load_rc, 0);
	assert_int_equal(res.r[0], -EACCES);
	assert_true(res.r[1] >= 0);
	assert_true(res.r[2] >= 0);
	assert_true(res.r[3] >= 0);
	hr_seccomp_program_clear(&prog);
}

static void test_same_index_args_are_alternatives(void **state)
{
	char *names[] = { "umask", NULL };
	struct hr_seccomp_arg args[] = {
		{ .index = 0, .value = 0077, .op = HR_SCMP_CMP_EQ },
		{ .index = 0, .value = 0022, .op = HR_SCMP_CMP_EQ },
	};
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_ERRNO", .args = args, .n_args = 2 };
	struct hr_seccomp cfg = permissive(&rule, 1);
	struct hr_seccomp_program prog;
	struct results res;
	(void)state;

	compile_ok(&cfg, &prog);
	run_child(&prog, probe_umask, &res);
	assert_int_equal(res.load_rc, 0);
	assert_true(res.r[0] >= 0);
	assert_int_equal(res.r[1], -EPERM);
	assert_int_equal(res.r[2], -EPERM);
	assert_true(res.r[3] >= 0);
	hr_seccomp_program_clear(&prog);
}

static void probe_getppid_only(long r[MAX_RESULTS])
{
	r[0] = sc(SYS_getppid, 0, 0);
}

static void check_kill(const char *action, bool killed)
{
	char *names[] = { "getppid", NULL };
	struct hr_seccomp_rule rule = { .names = names, .action = (char *)action };
	struct hr_seccomp cfg = permissive(&rule, 1);
	struct hr_seccomp_program prog;
	struct results res;

	compile_ok(&cfg, &prog);
	int st = run_child(&prog, probe_getppid_only, &res);
	if (killed) {
		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), SIGSYS);
	} else {
		assert_true(WIFEXITED(st));
		assert_int_equal(res.r[0], -EPERM);
	}
	hr_seccomp_program_clear(&prog);
}

static void test_kill_vs_errno(void **state)
{
	(void)state;
	check_kill("SCMP_ACT_KILL", true);
	check_kill("SCMP_ACT_KILL_PROCESS", true);
	check_kill("SCMP_ACT_KILL_THREAD", true);
	check_kill("SCMP_ACT_ERRNO", false);
}

static void probe_write_and_getpid(long r[MAX_RESULTS])
{
	r[0] = sc(SYS_getpid, 0, 0);
	r[1] = sc(SYS_getuid, 0, 0);
}

static void test_unknown_syscall_allow_skipped(void **state)
{
	/* Deny by default; the allowlist names a syscall libseccomp does not know. */
	/* sigaltstack: ASan's hook before _exit calls it (make check SANITIZE=1). */
	char *names[] = { "hardrun_no_such_syscall", "write", "exit_group", "exit", "getpid", "sigaltstack",
			  NULL };
	char *unknown_deny[] = { "hardrun_no_such_syscall", NULL };
	struct hr_seccomp_rule rules[] = {
		{ .names = names, .action = "SCMP_ACT_ALLOW" },
		{ .names = unknown_deny, .action = "SCMP_ACT_KILL" },
	};
	struct hr_seccomp cfg = { .default_action = "SCMP_ACT_ERRNO", .has_default_errno_ret = true,
				  .default_errno_ret = ENOSYS, .syscalls = rules, .n_syscalls = 2 };
	struct hr_seccomp_program prog;
	struct results res;
	(void)state;

	compile_ok(&cfg, &prog);
	int st = run_child(&prog, probe_write_and_getpid, &res);
	assert_true(WIFEXITED(st));
	assert_int_equal(res.load_rc, 0);
	assert_true(res.r[0] > 0);
	assert_int_equal(res.r[1], -ENOSYS);
	hr_seccomp_program_clear(&prog);

	/* With a permissive default, allow/log rules for it are skipped too. */
	struct hr_seccomp_rule log_rule = { .names = unknown_deny, .action = "SCMP_ACT_LOG" };
	struct hr_seccomp cfg2 = permissive(&log_rule, 1);
	compile_ok(&cfg2, &prog);
	hr_seccomp_program_clear(&prog);
}

static void test_unknown_syscall_deny_errors(void **state)
{
	char *ok[] = { "getpid", NULL };
	char *names[] = { "getpid", "foo", NULL };
	struct hr_seccomp_rule rules[] = {
		{ .names = ok, .action = "SCMP_ACT_ERRNO" },
		{ .names = ok, .action = "SCMP_ACT_ERRNO" },
		{ .names = ok, .action = "SCMP_ACT_ERRNO" },
		{ .names = names, .action = "SCMP_ACT_ERRNO" },
	};
	struct hr_seccomp cfg = permissive(rules, 4);
	struct hr_seccomp_program prog;
	struct hr_error err = { 0 };
	(void)state;

	assert_int_equal(hr_seccomp_compile(&cfg, NULL, &prog, &err), -1);
	assert_string_equal(err.msg, "seccomp: unknown syscall \"foo\" in linux.seccomp.syscalls[3] cannot be denied (the default action allows it)");
	assert_null(prog.filter);
	cfg.default_action = "SCMP_ACT_LOG";
	rules[3].action = "SCMP_ACT_KILL_PROCESS";
	assert_int_equal(hr_seccomp_compile(&cfg, NULL, &prog, &err), -1);
	assert_non_null(strstr(err.msg, "unknown syscall \"foo\""));
}

static void test_config_errors(void **state)
{
	char *names[] = { "getpid", NULL };
	char *bad_arch[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_VAX", NULL };
	char *bad_flag[] = { "SECCOMP_FILTER_FLAG_BOGUS", NULL };
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_ALLOW",
					.has_errno_ret = true, .errno_ret = 1 };
	struct hr_seccomp cfg = { .default_action = "SCMP_ACT_ERRNO", .syscalls = &rule, .n_syscalls = 1 };
	struct hr_seccomp_program prog;
	struct hr_error err = { 0 };
	(void)state;

	assert_int_equal(hr_seccomp_compile(&cfg, NULL, &prog, &err), -1);
	assert_string_equal(err.msg, "seccomp: linux.seccomp.syscalls[0]: action SCMP_ACT_ALLOW does not take an errno return code");
	rule.has_errno_ret = false;

	cfg.architectures = bad_arch;
	assert_int_equal(hr_seccomp_compile(&cfg, NULL, &prog, &err), -1);
	assert_non_null(strstr(err.msg, "architecture \"SCMP_ARCH_VAX\" in linux.seccomp.architectures is not supported"));
	cfg.architectures = NULL;

	cfg.flags = bad_flag;
	assert_int_equal(hr_seccomp_compile(&cfg, NULL, &prog, &err), -1);
	assert_string_equal(err.msg, "seccomp: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\" in linux.seccomp.flags");
	cfg.flags = NULL;

	cfg.default_action = "SCMP_ACT_BOGUS";
	assert_int_equal(hr_seccomp_compile(&cfg, NULL, &prog, &err), -1);
	assert_string_equal(err.msg, "seccomp: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_BOGUS\"");
}

static void test_arches_and_flags(void **state)
{
	char *names[] = { "getpid", "socketcall", NULL };
	char *arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL };
	char *flags[] = { "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC", NULL };
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_ERRNO" };
	struct hr_seccomp cfg = permissive(&rule, 1);
	struct hr_seccomp_program one, three;
	(void)state;

	compile_ok(&cfg, &one);
	cfg.architectures = arches;
	cfg.flags = flags;
	compile_ok(&cfg, &three);
	assert_true(three.n_insns > one.n_insns);
	assert_int_equal(three.flags, 1 | 2 | 4);
	hr_seccomp_program_clear(&one);
	hr_seccomp_program_clear(&three);
}

static void test_rule_equal_to_default_skipped(void **state)
{
	char *names[] = { "getpid", NULL };
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_ALLOW" };
	struct hr_seccomp cfg = permissive(&rule, 1);
	struct hr_seccomp_program prog;
	(void)state;

	compile_ok(&cfg, &prog);
	hr_seccomp_program_clear(&prog);
}

static void test_cache_hit_matches_fresh(void **state)
{
	char dir[] = "/tmp/hardrun-test-seccomp-XXXXXX";
	char *names[] = { "getpid", "umask", NULL };
	char *arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", NULL };
	struct hr_seccomp_arg arg = { .index = 0, .value = 0700, .value_two = 0700, .op = HR_SCMP_CMP_MASKED_EQ };
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_ERRNO", .args = &arg, .n_args = 1 };
	struct hr_seccomp cfg = permissive(&rule, 1);
	struct hr_seccomp_program fresh, first, hit, other;
	struct hr_error err = { 0 };
	char *cachedir;
	(void)state;

	cfg.architectures = arches;
	assert_non_null(mkdtemp(dir));
	cachedir = xasprintf("%s/cache", dir);
	compile_ok(&cfg, &fresh);
	assert_int_equal(hr_seccomp_compile(&cfg, cachedir, &first, &err), 0);
	assert_int_equal(hr_seccomp_compile(&cfg, cachedir, &hit, &err), 0);
	assert_int_equal(fresh.n_insns, hit.n_insns);
	assert_memory_equal(fresh.filter, hit.filter, fresh.n_insns * 8);
	assert_memory_equal(first.filter, hit.filter, fresh.n_insns * 8);

	/* Exactly one entry, and a different config is a different entry. */
	arg.value_two = 0600;
	assert_int_equal(hr_seccomp_compile(&cfg, cachedir, &other, &err), 0);
	char *cmd = xasprintf("test $(ls %s | wc -l) -eq 2", cachedir);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	/* A corrupted entry is ignored and replaced. */
	arg.value_two = 0700;
	cmd = xasprintf("for f in %s/*.bpf; do printf 'XXXXXXXX' | dd of=$f bs=1 seek=200 conv=notrunc 2>/dev/null; done", cachedir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	hr_seccomp_program_clear(&hit);
	assert_int_equal(hr_seccomp_compile(&cfg, cachedir, &hit, &err), 0);
	assert_memory_equal(fresh.filter, hit.filter, fresh.n_insns * 8);

	cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(cachedir);
	hr_seccomp_program_clear(&fresh);
	hr_seccomp_program_clear(&first);
	hr_seccomp_program_clear(&hit);
	hr_seccomp_program_clear(&other);
}

/* exec's lean path: the program by the key compile recorded, the same
 * bytes; an elided config never compiles; a bad key or a gone entry is a
 * miss; a notify default is a miss (its listener needs the rules). */
static void test_load_by_recorded_key(void **state)
{
	char dir[] = "/tmp/hardrun-test-seccomp-XXXXXX";
	char *names[] = { "getpid", NULL };
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_ERRNO" };
	struct hr_seccomp cfg = permissive(&rule, 1), lean;
	struct hr_seccomp_program first, byk;
	struct hr_error err = { 0 };
	char *cachedir, *cmd;
	(void)state;

	assert_non_null(mkdtemp(dir));
	cachedir = xasprintf("%s/cache", dir);
	assert_int_equal(hr_seccomp_compile(&cfg, cachedir, &first, &err), 0);
	assert_true(hr_seccomp_key_valid(first.cache_key));
	lean = cfg;
	lean.syscalls = NULL;
	lean.n_syscalls = 0;
	lean.syscalls_elided = true;
	assert_int_equal(hr_seccomp_compile(&lean, cachedir, &byk, &err), -1);
	assert_non_null(strstr(err.msg, "not read"));
	assert_int_equal(hr_seccomp_load_cached(&lean, cachedir, first.cache_key, &byk, &err), 1);
	assert_int_equal(byk.n_insns, first.n_insns);
	assert_memory_equal(byk.filter, first.filter, first.n_insns * 8);
	assert_int_equal(byk.flags, first.flags);
	hr_seccomp_program_clear(&byk);
	assert_int_equal(hr_seccomp_load_cached(&lean, cachedir, "../../etc/passwd", &byk, &err), 0);
	assert_int_equal(hr_seccomp_load_cached(&lean, NULL, first.cache_key, &byk, &err), 0);
	lean.default_action = "SCMP_ACT_NOTIFY";
	assert_int_equal(hr_seccomp_load_cached(&lean, cachedir, first.cache_key, &byk, &err), 0);
	lean.default_action = cfg.default_action;
	cmd = xasprintf("rm -f %s/*.bpf", cachedir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_int_equal(hr_seccomp_load_cached(&lean, cachedir, first.cache_key, &byk, &err), 0);
	assert_null(byk.filter);

	cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(cachedir);
	hr_seccomp_program_clear(&first);
}

static void test_notify_listener_fd(void **state)
{
	char *names[] = { "getppid", NULL };
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_NOTIFY" };
	struct hr_seccomp cfg = permissive(&rule, 1);
	struct hr_seccomp_program prog;
	struct results res;
	(void)state;

	compile_ok(&cfg, &prog);
	assert_true(prog.wants_notify);
	run_child(&prog, NULL, &res);
	assert_string_equal(res.msg, "");
	assert_int_equal(res.load_rc, 0);
	assert_true(res.notify_fd >= 0);
	hr_seccomp_program_clear(&prog);
}

static void test_send_to_listener(void **state)
{
	const char *st = "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":4422,\"bundle\":\"/b\"}";
	char buf[4096] = { 0 };
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } u;
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b) };
	struct hr_error err = { 0 };
	int sv[2], devnull, got = -1;
	(void)state;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	devnull = open("/dev/null", O_RDONLY);
	assert_int_equal(hr_seccomp_send_to_listener(sv[0], devnull, st, "MKNOD=/dev/null", &err), 0);
	close(sv[0]);
	assert_true(recvmsg(sv[1], &mh, 0) > 0);
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	assert_non_null(c);
	assert_int_equal(c->cmsg_type, SCM_RIGHTS);
	memcpy(&got, CMSG_DATA(c), sizeof(int));
	assert_true(got >= 0);

	json_t *j = json_loads(buf, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "ociVersion")), "1.0.2");
	assert_int_equal(json_integer_value(json_object_get(j, "pid")), 4422);
	assert_string_equal(json_string_value(json_object_get(j, "metadata")), "MKNOD=/dev/null");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "fds"), 0)), "seccompFd");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "state"), "id")), "c1");
	json_decref(j);
	close(got);
	close(devnull);
	close(sv[1]);

	assert_int_equal(hr_seccomp_send_to_listener(-1, 0, "not json", NULL, &err), -1);
	assert_non_null(strstr(err.msg, "invalid container state JSON"));
}

static void test_load_without_nnp_is_clear(void **state)
{
	char *names[] = { "getpid", NULL };
	struct hr_seccomp_rule rule = { .names = names, .action = "SCMP_ACT_ERRNO" };
	struct hr_seccomp cfg = permissive(&rule, 1);
	struct hr_seccomp_program prog;
	int pfd[2];
	pid_t pid;
	char msg[HR_ERROR_MSG_MAX] = { 0 };
	(void)state;

	if (geteuid() != 0)
		skip();
	compile_ok(&cfg, &prog);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	if (pid == 0) {
		struct hr_error err = { 0 };
		int fd;
		/* No CAP_SYS_ADMIN and no no_new_privs. */
		if (setresuid(65534, 65534, 65534) == 0)
			hr_seccomp_load(&prog, &fd, &err);
		(void)!write(pfd[1], err.msg, strlen(err.msg));
		_exit(0);
	}
	close(pfd[1]);
	(void)!read(pfd[0], msg, sizeof(msg) - 1);
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	assert_non_null(strstr(msg, "loading seccomp filter requires no_new_privs or CAP_SYS_ADMIN"));
	hr_seccomp_program_clear(&prog);
}

#define DEFAULT_PROFILE TEST_DATA_DIR "/../../profiles/seccomp/default.json"

static void probe_default_profile(long r[MAX_RESULTS])
{
	r[0] = sc(SYS_getpid, 0, 0);
	r[1] = sc(SYS_unshare, CLONE_NEWUSER, 0);
	r[2] = syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL) < 0 ? -errno : 0;
	r[3] = sc(SYS_clone3, 0, 0);
	/* A plain fork (clone without namespace flags) works, exec works. */
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "ls / >/dev/null && cat /proc/self/status >/dev/null && echo ok >/dev/null", NULL);
		_exit(127);
	}
	int st = 0;
	r[4] = pid < 0 ? -errno : (waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1000);
	r[5] = syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0) < 0 ? -errno : 0;
	r[6] = sc(SYS_bpf, 0, 0);
	r[7] = sc(SYS_keyctl, 0, 0);
}

static void test_default_profile(void **state)
{
	struct hr_seccomp *cfg;
	struct hr_seccomp_program prog;
	struct hr_error err = { 0 };
	struct results res;
	_cleanup_free_ char *text = NULL;
	(void)state;

	if (hr_seccomp_profile_load_file(DEFAULT_PROFILE, &cfg, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(cfg->default_action, "SCMP_ACT_ERRNO");
	assert_int_equal(cfg->default_errno_ret, ENOSYS);
	compile_ok(cfg, &prog);
	int st = run_child(&prog, probe_default_profile, &res);
	assert_true(WIFEXITED(st));
	assert_int_equal(res.load_rc, 0);
	assert_true(res.r[0] > 0);
	assert_int_equal(res.r[1], -EPERM);
	assert_int_equal(res.r[2], -EPERM);
	assert_int_equal(res.r[3], -ENOSYS);
	assert_int_equal(res.r[4], 0);
	assert_int_equal(res.r[5], -EPERM);
	assert_int_equal(res.r[6], -EPERM);
	assert_int_equal(res.r[7], -EPERM);
	hr_seccomp_program_clear(&prog);
	hr_seccomp_profile_free(cfg);

	/* The copy built into the library is the file. */
	assert_int_equal(hr_read_file_at(AT_FDCWD, DEFAULT_PROFILE, &text, NULL, &err), 0);
	assert_string_equal(hr_seccomp_default_profile_json(), text);
}

static void probe_containerd(long r[MAX_RESULTS])
{
	r[0] = sc(SYS_getpid, 0, 0);
	r[1] = sc(SYS_unshare, CLONE_NEWUSER, 0);
	r[2] = syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL) < 0 ? -errno : 0;
	r[3] = sc(SYS_uname, 0, 0) == -EFAULT ? 0 : -1;
}

static void test_containerd_default_profile(void **state)
{
	struct hr_spec *spec;
	struct hr_seccomp_program fresh, cached;
	struct sock_filter *ranges = NULL;
	size_t n_ranges = 0;
	struct hr_error err = { 0 };
	struct results res;
	char dir[] = "/tmp/hardrun-test-seccomp-XXXXXX";
	(void)state;

	if (hr_spec_load_file(TEST_DATA_DIR "/containerd-1.6/seccomp-default.config.json", &spec, &err) < 0)
		fail_msg("%s", err.msg);
	assert_non_null(spec->linux_.seccomp);
	compile_ok(spec->linux_.seccomp, &fresh);
	int st = run_child(&fresh, probe_containerd, &res);
	assert_true(WIFEXITED(st));
	assert_int_equal(res.load_rc, 0);
	assert_true(res.r[0] > 0);
	assert_int_equal(res.r[1], -EPERM);
	assert_int_equal(res.r[2], -EPERM);
	assert_int_equal(res.r[3], 0);

	/* a cached compile stores (and serves) the ranges of the fresh one */
	assert_int_equal(hr_seccomp_compact(fresh.filter, fresh.n_insns, &ranges, &n_ranges), 1);
	assert_non_null(mkdtemp(dir));
	for (int i = 0; i < 2; i++) {
		assert_int_equal(hr_seccomp_compile(spec->linux_.seccomp, dir, &cached, &err), 0);
		assert_int_equal(cached.n_insns, n_ranges);
		assert_memory_equal(cached.filter, ranges, n_ranges * 8);
		hr_seccomp_program_clear(&cached);
	}
	free(ranges);
	char *cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	hr_seccomp_program_clear(&fresh);
	hr_spec_free(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_errno_by_name),
		cmocka_unit_test(test_errno_by_argument),
		cmocka_unit_test(test_masked_eq),
		cmocka_unit_test(test_same_index_args_are_alternatives),
		cmocka_unit_test(test_kill_vs_errno),
		cmocka_unit_test(test_unknown_syscall_allow_skipped),
		cmocka_unit_test(test_unknown_syscall_deny_errors),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_arches_and_flags),
		cmocka_unit_test(test_rule_equal_to_default_skipped),
		cmocka_unit_test(test_cache_hit_matches_fresh),
		cmocka_unit_test(test_load_by_recorded_key),
		cmocka_unit_test(test_notify_listener_fd),
		cmocka_unit_test(test_send_to_listener),
		cmocka_unit_test(test_load_without_nnp_is_clear),
		cmocka_unit_test(test_default_profile),
		cmocka_unit_test(test_containerd_default_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
