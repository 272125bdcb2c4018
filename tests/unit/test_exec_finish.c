/* exec's end through hardrun-exec-finish (container/exec_finish.c and the
 * program itself, src/finish/exec_finish.c): when it is chosen, that its
 * memfd is sealed, executable only and holds a program, and what the
 * program does when it runs: writes the AppArmor exec transition, executes
 * the workload and closes the sync socket, reports a failure on it as the
 * runtime's sync message, does nothing at all when started any other way,
 * and is non-dumpable in a container's user namespace (that one needs
 * root, skipped without). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apparmor/apparmor.h"
#include "base/util.h"
#include "container/exec_finish.h"
#include "container/namespaces.h"
#include "container/sync.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* the program is built for x86_64 only; elsewhere exec copies hardrun */
#ifdef __x86_64__
#define NEEDS_PROGRAM() ((void)0)
#else
#define NEEDS_PROGRAM() skip()
#endif

static struct hr_process process = { .args = (char *[]){ "true", NULL } };
static const struct hr_exec_finish_target no_reason = { 0 };

static struct hr_launch exec_in_userns(void)
{
	return (struct hr_launch){ .process = &process, .join_target = true,
				   .join_flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS, .sync_fd = 5,
				   .listener_sock = -1, .finish_fd = -1 };
}

static void assert_not_chosen(const struct hr_launch *l)
{
	assert_int_equal(hr_exec_finish_prepare(l, &no_reason), -1);
}

static void test_chosen_only_in_a_user_namespace_of_its_own(void **state)
{
	struct hr_launch l = exec_in_userns();
	char head[4];
	int fd;

	(void)state;
	NEEDS_PROGRAM();
	fd = hr_exec_finish_prepare(&l, &no_reason);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GET_SEALS) & SEALS, SEALS);
	assert_int_equal(pread(fd, head, sizeof(head), 0), (ssize_t)sizeof(head));
	assert_memory_equal(head, "\177ELF", 4);
	assert_int_equal(write(fd, "x", 1), -1); /* sealed */
	close(fd);

	l.join_flags = CLONE_NEWPID | CLONE_NEWNS;
	assert_not_chosen(&l);
	l = exec_in_userns();
	l.join_target = false; /* create */
	assert_not_chosen(&l);
	/* a profile, and hardrun cannot tell it runs unconfined (no AppArmor
	 * here; in the VM, tests/vm/apparmor.sh runs exec through it) */
	if (!hr_apparmor_self_unconfined()) {
		l = exec_in_userns();
		l.process = &(struct hr_process){ .args = process.args, .apparmor_profile = "p" };
		assert_not_chosen(&l);
	}
	l = exec_in_userns();
	l.has_seccomp_floor = true;
	assert_not_chosen(&l);
	l = exec_in_userns();
	l.seccomp_supervised = true;
	assert_not_chosen(&l);
	l = exec_in_userns();
	assert_int_equal(hr_exec_finish_prepare(&l, &(struct hr_exec_finish_target){ .listener = true }), -1);
	/* a user namespace that maps our uid or gid: the program would be
	 * readable and so dumpable there */
	assert_int_equal(hr_exec_finish_prepare(&l, &(struct hr_exec_finish_target){ .maps_runtime_ids = true }),
			 -1);
	/* fs.suid_dumpable = 1 would leave it dumpable all the same */
	assert_int_equal(hr_exec_finish_prepare(&l, &(struct hr_exec_finish_target){ .suid_dumpable = true }), -1);
}

/* The memfd: executable by anyone, readable by nobody (so the kernel makes
 * the program non-dumpable at its execve). */
static void test_memfd_is_executable_only(void **state)
{
	struct hr_launch l = exec_in_userns();
	struct stat st;
	int fd;

	(void)state;
	NEEDS_PROGRAM();
	fd = hr_exec_finish_prepare(&l, &no_reason);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0111);
	close(fd);
}

static void test_id_map_text(void **state)
{
	const char *map = "         0     100000      65536\n     65536          0          1\n";

	(void)state;
	assert_false(hr_ns_map_text_has(map, 99999));
	assert_true(hr_ns_map_text_has(map, 100000));
	assert_true(hr_ns_map_text_has(map, 165535));
	assert_false(hr_ns_map_text_has(map, 165536));
	assert_true(hr_ns_map_text_has(map, 0)); /* the second line */
	assert_false(hr_ns_map_text_has(map, 1));
	assert_false(hr_ns_map_text_has("", 0));
	assert_true(hr_ns_map_text_has("0 0 4294967295\n", 1000));
	/* ours, as this test sees them: the initial namespace maps every id */
	assert_true(hr_ns_maps_own_ids(getpid()));
}

/* RET ALLOW, except ERRNO for syscall nr */
static void deny_one(struct sock_filter prog[4], uint32_t nr)
{
	prog[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	prog[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1);
	prog[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	prog[3] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
}

static void test_filter_must_allow_the_finish(void **state)
{
	struct sock_filter prog[4];
	struct hr_launch l = exec_in_userns();
	int fd;

	(void)state;
	NEEDS_PROGRAM();
	l.has_seccomp = true;
	l.seccomp = (struct hr_seccomp_program){ .filter = prog, .n_insns = 4 };
	deny_one(prog, __NR_getpid);
	fd = hr_exec_finish_prepare(&l, &no_reason);
	assert_true(fd >= 0);
	close(fd);
	deny_one(prog, __NR_execveat);
	assert_not_chosen(&l);
	deny_one(prog, __NR_fcntl);
	assert_not_chosen(&l);
	deny_one(prog, __NR_getpid);
	l.seccomp.wants_notify = true;
	assert_not_chosen(&l);
}

/* One start of the program as exec's process makes it. */
struct finish_run {
	const char *argv0;     /* "hardrun-exec-finish", or what a container would pass */
	const char *path;      /* the workload */
	const char *shell_cmd; /* with path /bin/sh: sh -c shell_cmd ($SYNC_FD, $PROC_FD set) */
	int proc_fd;           /* the AppArmor label: the "verified /proc", or -1 */
	const char *attr_path, *attr_cmd;
};

/* Returns the exit status; *msg gets what came on the sync socket (type 0:
 * nothing, it was closed). */
static int run_finish(const struct finish_run *r, struct hr_sync_msg *msg)
{
	struct hr_launch l = exec_in_userns();
	int sv[2], fd, status;
	char sync_text[16], proc_text[16] = "-";
	pid_t pid;
	ssize_t n;

	fd = hr_exec_finish_prepare(&l, &no_reason);
	assert_true(fd >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	snprintf(sync_text, sizeof(sync_text), "%d", sv[1]);
	if (r->proc_fd >= 0)
		snprintf(proc_text, sizeof(proc_text), "%d", r->proc_fd);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { (char *)r->argv0, sync_text, proc_text, (char *)(r->attr_path ? r->attr_path : ""),
				 (char *)(r->attr_cmd ? r->attr_cmd : ""), (char *)r->path, "workload", NULL, NULL, NULL };
		char env_sync[32], env_proc[32], *env[] = { env_sync, env_proc, NULL };
		snprintf(env_sync, sizeof(env_sync), "SYNC_FD=%s", sync_text);
		snprintf(env_proc, sizeof(env_proc), "PROC_FD=%s", proc_text);
		if (r->shell_cmd) {
			argv[7] = "-c";
			argv[8] = (char *)r->shell_cmd;
		}
		fcntl(sv[1], F_SETFD, 0); /* as exec's process leaves them */
		if (r->proc_fd >= 0)
			fcntl(r->proc_fd, F_SETFD, 0);
		syscall(SYS_execveat, fd, "", argv, env, AT_EMPTY_PATH);
		_exit(99);
	}
	close(sv[1]);
	close(fd);
	memset(msg, 0, sizeof(*msg));
	n = recv(sv[0], msg, sizeof(*msg), 0);
	assert_true(n >= 0);
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_program_executes_the_workload(void **state)
{
	struct hr_sync_msg msg;

	(void)state;
	NEEDS_PROGRAM();
	assert_int_equal(run_finish(&(struct finish_run){ "hardrun-exec-finish", "/bin/true", NULL, -1, NULL, NULL }, &msg),
			 0);
	assert_int_equal(msg.type, 0); /* EOF: the socket closed at execve */
	assert_int_equal(run_finish(&(struct finish_run){ "hardrun-exec-finish", "/bin/false", NULL, -1, NULL, NULL }, &msg),
			 1);
	/* the workload does not get the sync socket, and only its own argv */
	assert_int_equal(run_finish(&(struct finish_run){ "hardrun-exec-finish", "/bin/sh",
							  "test ! -e /proc/self/fd/$SYNC_FD && test $# -eq 0 && exit 3",
							  -1, NULL, NULL },
				    &msg),
			 3);
	assert_int_equal(msg.type, 0);
}

/* The AppArmor exec transition: opened under the /proc hardrun verified
 * with hardrun's checks, written, and /proc does not reach the workload.
 * Without AppArmor here, a procfs file the process may write stands in for
 * the attribute (its own comm); tests/vm/hardened.sh has the real one. */
static void test_program_writes_the_exec_label(void **state)
{
	struct hr_sync_msg msg;
	char dir[] = "/tmp/hr-finish-XXXXXX", file[64];
	int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC), notproc;

	(void)state;
	NEEDS_PROGRAM();
	assert_true(proc >= 0);
	assert_int_equal(run_finish(&(struct finish_run){ "hardrun-exec-finish", "/bin/sh",
							  "test ! -e /proc/self/fd/$PROC_FD && exit 4", proc,
							  "thread-self/comm", "exec-label" },
				    &msg),
			 4);
	assert_int_equal(msg.type, 0);
	/* a path out of /proc, or a /proc that is not procfs: refused, reported */
	assert_int_equal(run_finish(&(struct finish_run){ "hardrun-exec-finish", "/bin/true", NULL, proc,
							  "../etc/hostname", "exec x" },
				    &msg),
			 127);
	assert_int_equal(msg.type, HR_SYNC_EXEC_ERROR);
	assert_int_equal(msg.value, EXDEV);
	assert_string_equal(msg.text, "setting the AppArmor exec label \"exec x\"");
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/exec", dir);
	close(open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	notproc = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(run_finish(&(struct finish_run){ "hardrun-exec-finish", "/bin/true", NULL, notproc, "exec",
							  "exec x" },
				    &msg),
			 127);
	assert_int_equal(msg.value, EXDEV);
	unlink(file);
	rmdir(dir);
	close(notproc);
	close(proc);
}

static void test_program_reports_a_failed_execve(void **state)
{
	struct hr_sync_msg msg;

	(void)state;
	NEEDS_PROGRAM();
	assert_int_equal(
		run_finish(&(struct finish_run){ "hardrun-exec-finish", "/nonexistent/prog", NULL, -1, NULL, NULL }, &msg),
		127);
	assert_int_equal(msg.type, HR_SYNC_EXEC_ERROR);
	assert_int_equal(msg.value, ENOENT);
	assert_string_equal(msg.text, "exec \"/nonexistent/prog\"");
}

/* In a user namespace that maps neither our uid nor our gid (the
 * container's, 0 -> 100000), the program is non-dumpable from its execve:
 * traced from here, at its exec stop /proc/PID/fd belongs to host root.
 * It would belong to 100000, the container's root, if the program were
 * dumpable or its mm were the container's: then the container's root
 * could trace it and open its fds. A readable memfd failed this. Needs
 * root for the map. */
static void test_program_is_not_dumpable_in_the_container(void **state)
{
	struct hr_launch l = exec_in_userns();
	int fd, sv[2], go[2], ready[2], status;
	char sync_text[16], path[64], c = 0;
	struct stat st;
	pid_t pid;

	(void)state;
	NEEDS_PROGRAM();
	if (geteuid() != 0)
		skip();
	fd = hr_exec_finish_prepare(&l, &no_reason);
	assert_true(fd >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	snprintf(sync_text, sizeof(sync_text), "%d", sv[1]);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "hardrun-exec-finish", sync_text, "-", "", "", "/nonexistent", "w", NULL };
		close(go[1]);
		close(ready[0]);
		if (unshare(CLONE_NEWUSER) < 0 || write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1 ||
		    setresgid(0, 0, 0) < 0 ||
		    setresuid(0, 0, 0) < 0 || ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(90);
		syscall(SYS_execveat, fd, "", argv, (char *[]){ NULL }, AT_EMPTY_PATH);
		_exit(91);
	}
	close(ready[1]);
	close(go[0]);
	assert_int_equal(read(ready[0], &c, 1), 1); /* it has its user namespace */
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	assert_int_equal(hr_write_existing_at(AT_FDCWD, path, "0 100000 65536", &(struct hr_error){ 0 }), 0);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	assert_int_equal(hr_write_existing_at(AT_FDCWD, path, "0 100000 65536", &(struct hr_error){ 0 }), 0);
	assert_int_equal(write(go[1], &c, 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP); /* its execve */
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(ptrace(PTRACE_DETACH, pid, 0, 0), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 127); /* no /nonexistent */
	assert_int_equal(st.st_uid, 0);
	close(sv[0]);
	close(sv[1]);
	close(go[1]);
	close(ready[0]);
	close(fd);
}

/* A container that executes /proc/self/exe of the program starts it with
 * its own argv: it must exit at once, without executing anything. */
static void test_program_started_otherwise_does_nothing(void **state)
{
	struct hr_sync_msg msg;

	(void)state;
	NEEDS_PROGRAM();
	assert_int_equal(run_finish(&(struct finish_run){ "/proc/self/exe", "/bin/true", NULL, -1, NULL, NULL }, &msg), 127);
	assert_int_equal(msg.type, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chosen_only_in_a_user_namespace_of_its_own),
		cmocka_unit_test(test_memfd_is_executable_only),
		cmocka_unit_test(test_id_map_text),
		cmocka_unit_test(test_program_is_not_dumpable_in_the_container),
		cmocka_unit_test(test_filter_must_allow_the_finish),
		cmocka_unit_test(test_program_executes_the_workload),
		cmocka_unit_test(test_program_writes_the_exec_label),
		cmocka_unit_test(test_program_reports_a_failed_execve),
		cmocka_unit_test(test_program_started_otherwise_does_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
