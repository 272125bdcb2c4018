/* exec's last step through hardrun-exec-finish (issue 16).
 *
 * create, run and exec must never start a workload from a process whose
 * /proc/self/exe or mappings are hardrun's host file (CVE-2019-5736): as
 * root, hardrun replaces its mappings by anonymous copies first
 * (launch/selfexe_remap.c, 0.5 ms per start on a nested VM). exec can do
 * without the copy: its process does hardrun's part of the setup (join
 * the namespaces, fork into the pid namespace, cwd, identity,
 * capabilities, no_new_privs, the seccomp filter) and then executes, from
 * a sealed memfd, a small static program (src/finish/exec_finish.c) that
 * executes the workload. The workload is thus started by a sealed image
 * that holds nothing of the runtime.
 *
 * Why the host file in the process before that is out of the container's
 * reach, and so when this is used:
 * - The process is non-dumpable from its start and its mm belongs to the
 *   runtime's user namespace, so /proc/PID/exe, /mem, /map_files and ptrace
 *   need CAP_SYS_PTRACE there. With a user namespace of its own (the only
 *   case taken here), no process of the container has any capability
 *   outside it. Without one, a container granted CAP_SYS_PTRACE would have
 *   it: those containers keep the copy.
 * - The program itself is out of the container's reach too, although it
 *   runs with the workload's credentials: its memfd is executable but not
 *   readable (mode 0111), and it belongs to our uid and gid, which the
 *   container's user namespace must not map (else the copy is used: a
 *   rootless runtime's, or a container whose root is host root). So the
 *   exec process cannot read the program, and the kernel makes it
 *   non-dumpable at execve and its mm ours (fs/exec.c would_dump): no
 *   process of the container may trace it, open its fds (the sync
 *   socket) or take them with pidfd_getfd. That needs fs.suid_dumpable 0
 *   or 2 (the kernel's and systemd's defaults): with 1 the kernel leaves
 *   it dumpable by its own uid, and exec copies. Seen: with a readable
 *   memfd, a container process attached to the program and opened its
 *   fds in every run of tests/security/ptrace.sh.
 * - The program runs under the workload's filter, loaded before it
 *   starts. The filter must allow the calls the finish adds (execveat of
 *   the memfd, fcntl F_SETFD; openat2, fstatfs and write for an AppArmor
 *   label) on every path: checked here with the seccomp evaluator's
 *   search.
 * - An AppArmor profile: hardrun verifies /proc and the exec attribute
 *   where it would write it (lsm.c), and the program opens and checks the
 *   attribute the same way and writes it just before its own execve, so the
 *   transition is the workload's, as before. Only while hardrun itself runs
 *   unconfined: its own profile would have to allow executing the memfd.
 * - Not with a host policy's seccomp floor, a seccomp notify listener or a
 *   supervised filter (profile learn/check): those keep the copy. */
#include "container/exec_finish.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "container/sync.h"
#include "apparmor/apparmor.h"
#include "finish/protocol.h"
#include "seccomp/eval.h"

_Static_assert(HR_FINISH_SYNC_EXEC_ERROR == HR_SYNC_EXEC_ERROR, "src/finish/protocol.h: sync type");
_Static_assert(offsetof(struct hr_finish_error, text) == offsetof(struct hr_sync_msg, text) &&
		       HR_FINISH_TEXT_MAX <= HR_ERROR_MSG_MAX,
	       "src/finish/protocol.h: sync message layout");

/* The program, built by make (HR_FINISH_IMAGE; empty where it is not built:
 * not x86_64, and the fuzz and analyzer builds). */
#ifdef HR_FINISH_IMAGE
#define FINISH_INCBIN ".incbin \"" HR_FINISH_IMAGE "\"\n"
#else
#define FINISH_INCBIN ""
#endif
__asm__(".pushsection .rodata\n"
	".global hr_finish_image\n"
	".type hr_finish_image, @object\n"
	"hr_finish_image:\n" FINISH_INCBIN
	".global hr_finish_image_end\n"
	"hr_finish_image_end:\n"
	".popsection\n");
extern const char hr_finish_image[], hr_finish_image_end[];

static int every_outcome_allows(const struct seccomp_data *witness, const struct hr_seccomp_verdict *v, void *ud)
{
	(void)witness;
	if (hr_seccomp_verdict_allows(v))
		return 0;
	*(bool *)ud = false;
	return 1;
}

/* The calls the finish adds before the workload's execve, with whatever
 * fd numbers, on x86_64 (its only architecture): allowed on every path the
 * filter has for them (the evaluator's search, which must be complete). */
static bool filter_allows_finish(const struct hr_seccomp_program *p, bool writes_label)
{
	static const struct hr_seccomp_cond at_empty_path[] = { { 4, HR_COND_EQ, AT_EMPTY_PATH } };
	static const struct hr_seccomp_cond cloexec[] = { { 1, HR_COND_EQ, F_SETFD }, { 2, HR_COND_EQ, FD_CLOEXEC } };
	const struct {
		int nr;
		const struct hr_seccomp_cond *conds;
		size_t n;
	} calls[] = { { __NR_execveat, at_empty_path, 1 }, { __NR_fcntl, cloexec, 2 },
		      /* the AppArmor label: */
		      { __NR_openat2, NULL, 0 }, { __NR_fstatfs, NULL, 0 }, { __NR_write, NULL, 0 } };
	struct hr_error err = { 0 };

	for (size_t i = 0; i < (writes_label ? HR_ARRAY_SIZE(calls) : 2); i++) {
		bool allowed = true, complete = false;
		if (hr_seccomp_explore(p->filter, p->n_insns, AUDIT_ARCH_X86_64, calls[i].nr, calls[i].conds,
				       calls[i].n, every_outcome_allows, &allowed, &complete, &err) < 0 ||
		    !allowed || !complete)
			return false;
	}
	return true;
}

static const char *why_not(const struct hr_launch *l, const struct hr_exec_finish_target *t)
{
	if (hr_finish_image_end - hr_finish_image == 0)
		return "not built for this architecture";
	if (!l->join_target || !(l->join_flags & CLONE_NEWUSER))
		return "the container has no user namespace of its own";
	/* its own profile would have to allow executing a memfd */
	if (l->process->apparmor_profile && !hr_apparmor_self_unconfined())
		return "hardrun itself runs confined by AppArmor";
	if (l->has_seccomp_floor || l->seccomp_supervised || t->listener ||
	    (l->has_seccomp && l->seccomp.wants_notify))
		return "a seccomp floor, listener or supervisor";
	if (t->maps_runtime_ids)
		return "the container's user namespace maps hardrun's uid or gid (the program would be traceable there)";
	if (t->suid_dumpable)
		return "fs.suid_dumpable is 1 (the program would be traceable by the workload's uid)";
	return NULL;
}

static int sealed_image(struct hr_error *err)
{
	_cleanup_close_ int fd = hr_memfd_for_exec(HR_FINISH_MAGIC, err);
	size_t len = (size_t)(hr_finish_image_end - hr_finish_image), off = 0;

	while (fd >= 0 && off < len) {
		ssize_t n = write(fd, hr_finish_image + off, len - off);
		if (n <= 0)
			return hr_error_set(err, n < 0 ? errno : EIO, "write %s into its memfd", HR_FINISH_MAGIC);
		off += (size_t)n;
	}
	if (fd < 0 || hr_memfd_seal(fd, HR_FINISH_MAGIC, err) < 0)
		return -1;
	/* executable, never readable: non-dumpable at execve (see the top) */
	if (fchmod(fd, 0111) < 0)
		return hr_error_set(err, errno, "chmod the memfd of %s", HR_FINISH_MAGIC);
	return hr_steal_fd(fd);
}

bool hr_exec_finish_suid_dumpable(void)
{
	_cleanup_free_ char *text = NULL;
	struct hr_error ignored = { 0 };

	if (hr_read_file_at(AT_FDCWD, "/proc/sys/fs/suid_dumpable", &text, NULL, &ignored) < 0)
		return true;
	return text[0] == '1';
}

int hr_exec_finish_prepare(const struct hr_launch *l, const struct hr_exec_finish_target *t)
{
	const char *why = why_not(l, t);
	struct hr_error ignored = { 0 };
	int fd;

	if (why) {
		hr_log_debugf("exec: not through hardrun-exec-finish: %s", why);
		return -1;
	}
	fd = sealed_image(&ignored);
	if (fd < 0) {
		hr_log_debugf("exec: not through hardrun-exec-finish: %s", ignored.msg);
		return -1;
	}
	if (l->has_seccomp && !filter_allows_finish(&l->seccomp, l->process->apparmor_profile != NULL)) {
		hr_log_debugf("exec: not through hardrun-exec-finish: the seccomp filter refuses execveat, fcntl or write");
		close(fd);
		return -1;
	}
	return fd;
}

int hr_exec_finish(const struct hr_launch *l, const char *exe, char *const args[], char *const env[],
		   const struct hr_exec_label *label, struct hr_error *err)
{
	size_t n = 0;
	char sync_text[16], proc_text[16] = "-";
	bool aa = label->aa.proc_fd >= 0;
	_cleanup_free_ char **argv = NULL;

	while (args[n])
		n++;
	argv = xcalloc(n + 7, sizeof(*argv));
	snprintf(sync_text, sizeof(sync_text), "%d", l->sync_fd);
	if (aa)
		snprintf(proc_text, sizeof(proc_text), "%d", label->aa.proc_fd);
	argv[0] = (char *)HR_FINISH_MAGIC;
	argv[1] = sync_text;
	argv[2] = proc_text;
	argv[3] = aa ? (char *)label->aa.attr_path : "";
	argv[4] = aa ? label->aa.cmd : "";
	argv[5] = (char *)exe;
	for (size_t i = 0; i < n; i++)
		argv[6 + i] = args[i];
	syscall(SYS_execveat, l->finish_fd, "", argv, env, AT_EMPTY_PATH);
	return hr_error_set(err, errno, "exec \"%s\" through hardrun-exec-finish", exe);
}
