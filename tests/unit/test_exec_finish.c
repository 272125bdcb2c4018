/* exec's end through hardrun-exec-finish (container/exec_finish.c and the
 * program itself, src/finish/exec_finish.c): when it is chosen, that its
 * memfd is sealed and holds a program, and what the program does when it
 * runs: executes the workload and closes the sync socket, reports a failed
 * execve on it as the runtime's sync message, and does nothing at all when
 * started any other way. No root needed. */
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
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/exec_finish.h"
#include "container/sync.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* the program is built for x86_64 only; elsewhere exec copies hardrun */
#ifdef __x86_64__
#define NEEDS_PROGRAM() ((void)0)
#else
#define NEEDS_PROGRAM() skip()
#endif

static struct hr_process process = { .args = (char *[]){ "true", NULL } };

static struct hr_launch exec_in_userns(void)
{
	return (struct hr_launch){ .process = &process, .join_target = true,
				   .join_flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS, .sync_fd = 5,
				   .listener_sock = -1, .finish_fd = -1 };
}

static void assert_not_chosen(const struct hr_launch *l)
{
	assert_int_equal(hr_exec_finish_prepare(l), -1);
}

static void test_chosen_only_in_a_user_namespace_of_its_own(void **state)
{
	struct hr_launch l = exec_in_userns();
	char head[4];
	int fd;

	(void)state;
	NEEDS_PROGRAM();
	fd = hr_exec_finish_prepare(&l);
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
	l = exec_in_userns();
	l.process = &(struct hr_process){ .args = process.args, .apparmor_profile = "p" };
	assert_not_chosen(&l);
	l = exec_in_userns();
	l.has_seccomp_floor = true;
	assert_not_chosen(&l);
	l = exec_in_userns();
	l.seccomp_supervised = true;
	assert_not_chosen(&l);
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
	fd = hr_exec_finish_prepare(&l);
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

/* Runs the program as exec's process would: argv[0], the sync fd, the path
 * and the workload's argv (with shell_cmd: sh -c shell_cmd, the sync fd's
 * number in $SYNC_FD). Returns the exit status; *msg gets what came on the
 * sync socket (type 0: nothing, it was closed). */
static int run_finish(const char *argv0, const char *path, const char *shell_cmd, struct hr_sync_msg *msg)
{
	struct hr_launch l = exec_in_userns();
	int sv[2], fd, status;
	char fd_text[16];
	pid_t pid;
	ssize_t n;

	fd = hr_exec_finish_prepare(&l);
	assert_true(fd >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	snprintf(fd_text, sizeof(fd_text), "%d", sv[1]);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { (char *)argv0, fd_text, (char *)path, "workload", NULL, NULL, NULL };
		char env_fd[32], *env[] = { env_fd, NULL };
		snprintf(env_fd, sizeof(env_fd), "SYNC_FD=%s", fd_text);
		if (shell_cmd) {
			argv[4] = "-c";
			argv[5] = (char *)shell_cmd;
		}
		fcntl(sv[1], F_SETFD, 0); /* as exec's process leaves it */
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
	assert_int_equal(run_finish("hardrun-exec-finish", "/bin/true", NULL, &msg), 0);
	assert_int_equal(msg.type, 0); /* EOF: the socket closed at execve */
	assert_int_equal(run_finish("hardrun-exec-finish", "/bin/false", NULL, &msg), 1);
	/* the workload does not get the sync socket */
	assert_int_equal(run_finish("hardrun-exec-finish", "/bin/sh",
				    "test ! -e /proc/self/fd/$SYNC_FD && test $# -eq 0 && exit 3", &msg), 3);
	assert_int_equal(msg.type, 0);
}

static void test_program_reports_a_failed_execve(void **state)
{
	struct hr_sync_msg msg;

	(void)state;
	NEEDS_PROGRAM();
	assert_int_equal(run_finish("hardrun-exec-finish", "/nonexistent/prog", NULL, &msg), 127);
	assert_int_equal(msg.type, HR_SYNC_EXEC_ERROR);
	assert_int_equal(msg.value, ENOENT);
	assert_string_equal(msg.text, "exec \"/nonexistent/prog\"");
}

/* A container that executes /proc/self/exe of the program starts it with
 * its own argv: it must exit at once, without executing anything. */
static void test_program_started_otherwise_does_nothing(void **state)
{
	struct hr_sync_msg msg;

	(void)state;
	NEEDS_PROGRAM();
	assert_int_equal(run_finish("/proc/self/exe", "/bin/true", NULL, &msg), 127);
	assert_int_equal(msg.type, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chosen_only_in_a_user_namespace_of_its_own),
		cmocka_unit_test(test_filter_must_allow_the_finish),
		cmocka_unit_test(test_program_executes_the_workload),
		cmocka_unit_test(test_program_reports_a_failed_execve),
		cmocka_unit_test(test_program_started_otherwise_does_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
