#!/bin/bash
# Seccomp rule semantics in real containers: by name, by argument, masked
# arguments, errnoRet, KILL versus ERRNO, the notify listener, a filter that
# blocks execve, and containerd's real default profile.
. "$(dirname "$0")/../lib.sh"

# run_filtered SECCOMP_JSON ARGS...: try-syscall ARGS under that filter.
run_filtered() {
	local s=$1 b=$TEST_TMP/$(unique_id); shift
	make_bundle "$b" /bin/try-syscall "$@" || return 1
	cfg "$b" ".linux.seccomp = $s"
	hr run -b "$b" "$(basename "$b")" </dev/null 2>&1
	local rc=$?
	rm -rf "$b"
	return $rc
}

ALLOW='"defaultAction": "SCMP_ACT_ALLOW"'

test_errno_ret_by_name() {
	local s="{$ALLOW, \"syscalls\": [{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 99}]}"
	assert_contains "$(run_filtered "$s" getppid)" "getppid: errno 99 "
	assert_eq "$(run_filtered "$s" getpid)" "getpid: 1"
}

test_rule_by_argument() {
	# personality(0xffffffff) only queries; deny exactly that value
	local s="{$ALLOW, \"syscalls\": [{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 22,
		\"args\": [{\"index\": 0, \"value\": 4294967295, \"op\": \"SCMP_CMP_EQ\"}]}]}"
	assert_eq "$(run_filtered "$s" personality 0xffffffff)" "personality: errno 22 (EINVAL)"
	assert_eq "$(run_filtered "$s" personality 0)" "personality: 0"
}

test_masked_eq_argument() {
	# deny when (flags & 0xff) == 0x08, whatever the upper bits
	local s="{$ALLOW, \"syscalls\": [{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1,
		\"args\": [{\"index\": 0, \"value\": 255, \"valueTwo\": 8, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}"
	assert_eq "$(run_filtered "$s" personality 0x0108)" "personality: errno 1 (EPERM)"
	assert_eq "$(run_filtered "$s" personality 0x0008)" "personality: errno 1 (EPERM)"
	assert_eq "$(run_filtered "$s" personality 0x0001)" "personality: 0"
}

test_kill_versus_errno() {
	local kill="{$ALLOW, \"syscalls\": [{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}]}"
	run_filtered "$kill" getppid >/dev/null
	assert_eq "$?" 159 "killed by SIGSYS (128+31)"
	local errno="{$ALLOW, \"syscalls\": [{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"
	assert_eq "$(run_filtered "$errno" getppid)" "getppid: errno 1 (EPERM)"
}

test_default_errno_ret() {
	local s='{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [{"names": ["execve", "brk", "mmap", "munmap", "arch_prctl", "set_tid_address", "exit_group", "write", "read", "close", "fstat", "newfstatat", "getppid", "rt_sigaction", "rt_sigprocmask", "prlimit64", "getrandom", "mprotect", "readlink", "uname", "ioctl", "writev", "set_robust_list", "rseq"], "action": "SCMP_ACT_ALLOW"}]}'
	assert_eq "$(run_filtered "$s" getppid)" "getppid: 0"
	assert_eq "$(run_filtered "$s" getpid)" "getpid: errno 38 (ENOSYS)"
}

test_filter_blocking_execve_gives_clear_error() {
	local s="{$ALLOW, \"syscalls\": [{\"names\": [\"execve\", \"execveat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"
	local out; out=$(timeout -k 1 20 bash -c "$(declare -f run_filtered make_bundle cfg hr rootfs_template unique_id); \
		TEST_TMP=$TEST_TMP HARDRUN=$HARDRUN STATE_ROOT=$STATE_ROOT HELPERS=$HELPERS run_filtered '$s' getpid"); local rc=$?
	[ $rc -ne 124 ] || fail "hung"
	[ $rc -ne 0 ] || fail "ran although execve is blocked"
	assert_contains "$out" 'exec "/bin/try-syscall": Operation not permitted'
}

test_notify_listener_gets_fd_and_state() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" /bin/try-syscall getppid
	"$HELPERS/seccomp-listener" "$b/agent.sock" "$b/state.json" 4242 &
	local lpid=$!
	for _ in $(seq 50); do [ -S "$b/agent.sock" ] && break; sleep 0.05; done
	cfg "$b" ".linux.seccomp = {$ALLOW, \"listenerPath\": \"$b/agent.sock\", \"listenerMetadata\": \"meta-1\",
		\"syscalls\": [{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	out=$(hr run -b "$b" "$id" </dev/null 2>&1)
	kill $lpid 2>/dev/null; wait $lpid 2>/dev/null
	assert_eq "$out" "getppid: 4242" "the agent answered the notified syscall"
	assert_eq "$(jq -r .metadata "$b/state.json")" meta-1
	assert_eq "$(jq -r .state.id "$b/state.json")" "$id"
	assert_eq "$(jq -r '.fds[0]' "$b/state.json")" seccompFd
	[ "$(jq -r .pid "$b/state.json")" -gt 0 ] || fail "no pid in the listener state"
}

test_unknown_syscall_allow_rule_is_skipped() {
	local s="{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"no_such_syscall_xyz\"], \"action\": \"SCMP_ACT_ALLOW\"},
		{\"names\": [\"execve\", \"brk\", \"mmap\", \"arch_prctl\", \"set_tid_address\", \"exit_group\", \"write\", \"getpid\", \"set_robust_list\", \"rseq\", \"prlimit64\", \"mprotect\", \"uname\", \"readlink\", \"getrandom\", \"ioctl\", \"writev\", \"fstat\", \"newfstatat\"], \"action\": \"SCMP_ACT_ALLOW\"}]}"
	assert_eq "$(run_filtered "$s" getpid)" "getpid: 1"
}

test_containerd_default_profile_in_a_container() {
	local s; s=$(jq -c .linux.seccomp "$TOP/tests/data/containerd-1.6/seccomp-default.config.json")
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" sh -c 'echo ok; ls / >/dev/null && echo listed; grep ^Seccomp: /proc/self/status; try-syscall unshare 0x10000000'
	cfg "$b" ".linux.seccomp = $s"
	out=$(hr run -b "$b" "$(unique_id)" </dev/null 2>&1) || fail "run: $out"
	assert_eq "$out" "$(printf 'ok\nlisted\nSeccomp:\t2\nunshare: errno 1 (EPERM)')"
}

# A syscall newer than every syscall a deny-by-default profile names gets
# ENOSYS (libc then falls back), as runc arranges; older syscalls the
# profile leaves out keep the default action.
test_syscalls_newer_than_the_profile_get_enosys() {
	local s; s=$(jq -c .linux.seccomp "$TOP/tests/data/containerd-1.6/seccomp-default.config.json")
	assert_contains "$(run_filtered "$s" nr:1000)" "nr:1000: errno 38 (ENOSYS)"
	# reboot (169 on x86_64) is older than the profile and not allowed: EPERM
	assert_contains "$(run_filtered "$s" reboot 0 0 0 0)" "reboot: errno 1 (EPERM)"
	assert_eq "$(run_filtered "$s" getpid)" "getpid: 1"
}

run_tests
