/* What a hardened seccomp profile must not let through: each case is a
 * syscall and, where only some arguments are dangerous, a condition on them.
 * lint reports a case when some argument values meeting the condition are
 * allowed by the compiled filter; diff evaluates the same cases too. */
#include "profile/lint.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define CLONE_NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
			CLONE_NEWPID | CLONE_NEWNET)
/* clone() cannot ask for CLONE_NEWTIME: 0x80 is in its exit-signal byte */
#define UNSHARE_NS_FLAGS (CLONE_NS_FLAGS | CLONE_NEWTIME)
/* READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE | MMAP_PAGE_ZERO | ADDR_COMPAT_LAYOUT */
#define UNSAFE_PERSONA (0x0400000 | 0x0040000 | 0x0100000 | 0x0200000)

#define ANY(name, sev, why) { name, NULL, { { 0 } }, 0, sev, why }
#define ARG(name, label, op, val, sev, why) { name, label, { { 0, op, val } }, 1, sev, why }

static const char mount_why[] = "mounting can reveal host paths or cover the runtime's read-only and masked paths";
static const char ns_why[] = "new namespaces give the caller capabilities over them: the first step of most container escapes through kernel bugs";
static const char userns_why[] = "a new user namespace gives full capabilities inside it to an unprivileged caller, opening kernel attack surface (netfilter, mounts of FUSE/overlay...)";
static const char module_why[] = "loads or removes kernel code";
static const char kexec_why[] = "replaces the running kernel";
static const char trace_why[] = "reads and writes another process's memory, bypassing its own confinement";
static const char keys_why[] = "the kernel keyring is not namespaced: keys of other containers and the host can be reached";
static const char uring_why[] = "io_uring performs syscalls seccomp never sees and has been a steady source of kernel exploits";

static const struct hr_lint_case cases[] = {
	ANY("mount", HR_LINT_ERROR, mount_why),
	ANY("umount2", HR_LINT_ERROR, "unmounting can uncover what the runtime masked"),
	ANY("umount", HR_LINT_ERROR, "unmounting can uncover what the runtime masked"),
	ANY("pivot_root", HR_LINT_ERROR, "changes the root of the mount namespace"),
	ANY("fsopen", HR_LINT_ERROR, "the new mount API: " "mounting by other means"),
	ANY("fsmount", HR_LINT_ERROR, "the new mount API: mounting by other means"),
	ANY("move_mount", HR_LINT_ERROR, "the new mount API: mounting by other means"),
	ANY("open_tree", HR_LINT_ERROR, "the new mount API: can clone mounts"),
	ARG("unshare", "CLONE_NEWUSER", HR_COND_ANY_SET, CLONE_NEWUSER, HR_LINT_ERROR, userns_why),
	ARG("unshare", "namespace flags", HR_COND_ANY_SET, UNSHARE_NS_FLAGS, HR_LINT_ERROR, ns_why),
	ARG("clone", "CLONE_NEWUSER", HR_COND_ANY_SET, CLONE_NEWUSER, HR_LINT_ERROR, userns_why),
	ARG("clone", "namespace flags", HR_COND_ANY_SET, CLONE_NS_FLAGS, HR_LINT_ERROR, ns_why),
	ANY("clone3", HR_LINT_ERROR, "its flags are in memory seccomp cannot read, so namespace flags cannot be refused (ENOSYS makes libc fall back to clone)"),
	ANY("setns", HR_LINT_ERROR, "joins other namespaces"),
	ANY("bpf", HR_LINT_ERROR, "eBPF programs and maps: a large kernel attack surface"),
	ANY("keyctl", HR_LINT_ERROR, keys_why),
	ANY("add_key", HR_LINT_ERROR, keys_why),
	ANY("request_key", HR_LINT_ERROR, keys_why),
	ANY("ptrace", HR_LINT_ERROR, trace_why),
	ANY("process_vm_readv", HR_LINT_ERROR, trace_why),
	ANY("process_vm_writev", HR_LINT_ERROR, trace_why),
	ANY("kexec_load", HR_LINT_ERROR, kexec_why),
	ANY("kexec_file_load", HR_LINT_ERROR, kexec_why),
	ANY("init_module", HR_LINT_ERROR, module_why),
	ANY("finit_module", HR_LINT_ERROR, module_why),
	ANY("delete_module", HR_LINT_ERROR, module_why),
	ANY("open_by_handle_at", HR_LINT_ERROR, "opens files by handle, outside the container's root (the 'shocker' escape)"),
	ANY("perf_event_open", HR_LINT_ERROR, "kernel profiling: information leaks and a history of exploits"),
	ANY("userfaultfd", HR_LINT_ERROR, "lets an exploit stall the kernel at a chosen page fault"),
	ANY("io_uring_setup", HR_LINT_ERROR, uring_why),
	ANY("io_uring_enter", HR_LINT_ERROR, uring_why),
	ANY("io_uring_register", HR_LINT_ERROR, uring_why),
	{ "personality", "unsafe flags", { { 0, HR_COND_ANY_SET, UNSAFE_PERSONA }, { 0, HR_COND_NE, 0xffffffffU } },
	  2, HR_LINT_ERROR, "READ_IMPLIES_EXEC or ADDR_NO_RANDOMIZE weaken exploit mitigations" },
	ARG("socket", "AF_ALG", HR_COND_EQ, 38, HR_LINT_WARNING, "the kernel crypto API socket: a history of kernel exploits"),
	ARG("socket", "AF_VSOCK", HR_COND_EQ, 40, HR_LINT_WARNING, "talks to the hypervisor and other VMs"),
	ANY("socketcall", HR_LINT_WARNING, "32-bit callers reach every socket family through it: its arguments are in memory seccomp cannot read"),
	ANY("swapon", HR_LINT_ERROR, "changes the host's swap"),
	ANY("swapoff", HR_LINT_ERROR, "changes the host's swap"),
	ANY("reboot", HR_LINT_ERROR, "reboots the host when the caller holds CAP_SYS_BOOT in the initial namespace"),
	ANY("iopl", HR_LINT_WARNING, "raw I/O port access"),
	ANY("ioperm", HR_LINT_WARNING, "raw I/O port access"),
	ANY("acct", HR_LINT_WARNING, "process accounting is not namespaced"),
	ANY("syslog", HR_LINT_WARNING, "the kernel log is not namespaced and leaks addresses"),
	ANY("quotactl", HR_LINT_WARNING, "quotas are not namespaced"),
	ANY("settimeofday", HR_LINT_WARNING, "the clock is not namespaced"),
	ANY("clock_settime", HR_LINT_WARNING, "the clock is not namespaced"),
	ANY("kcmp", HR_LINT_WARNING, "compares kernel objects of other processes"),
	ANY("pidfd_getfd", HR_LINT_WARNING, "takes file descriptors from other processes"),
	ANY("uselib", HR_LINT_WARNING, "obsolete, only attack surface"),
	ANY("lookup_dcookie", HR_LINT_WARNING, "obsolete, only attack surface"),
};

const struct hr_lint_case *hr_lint_cases(size_t *n)
{
	*n = HR_ARRAY_SIZE(cases);
	return cases;
}

void hr_lint_format_args(const struct seccomp_data *d, uint32_t arch, char *buf, size_t n)
{
	bool big_endian = !(hr_seccomp_audit_arch(arch) & 0x40000000U);
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < 6 && used < n; i++) {
		uint64_t v = d->args[i];
		if (big_endian)
			v = v << 32 | v >> 32;
		if (v)
			used += (size_t)snprintf(buf + used, n - used, "%sarg%d=0x%llx", used ? " " : "", i,
						 (unsigned long long)v);
	}
}
