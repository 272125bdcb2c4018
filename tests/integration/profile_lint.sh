#!/bin/bash
# `hardrun profile lint` and `profile diff` through the CLI: findings come
# from evaluating the compiled filter, so argument-dependent rules, missing
# architectures and Docker's conditional rules are judged by what they do.
. "$(dirname "$0")/../lib.sh"

DEFAULT=$TOP/profiles/seccomp/default.json
DOCKER=$TOP/tests/data/seccomp/docker-default.json
CONTAINERD=$TOP/tests/data/containerd-1.6/seccomp-default.config.json

lint() { "$HARDRUN" profile lint "$@"; }
# lint_json FILE [flags] -> JSON report on stdout (exit status ignored)
lint_json() { "$HARDRUN" profile lint --format json "$@" || true; }
# has_finding JSON SEVERITY SYSCALL CASE
has_finding() {
	echo "$1" | jq -e --arg s "$2" --arg n "$3" --arg c "$4" \
		'any(.findings[]; .severity == $s and .syscall == $n and .case == $c)' >/dev/null
}

# a deny-by-default profile for x86_64/x86/x32 allowing read/write/exit plus $1 (rules JSON)
profile_with() {
	jq -n --argjson extra "$1" '{defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 38,
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: ([{names: ["read", "write", "exit_group"], action: "SCMP_ACT_ALLOW"}] + $extra)}'
}

test_default_profile_has_no_errors() {
	local out
	out=$(lint_json "$DEFAULT")
	assert_eq "$(echo "$out" | jq .errors)" 0 "errors in hardrun's default profile: $out"
	assert_eq "$(echo "$out" | jq -r .format)" oci
	# the socket family rules name each family (never "> 40", which the
	# upper 32 bits of the register could get past): no AF_ALG finding
	assert_eq "$(echo "$out" | jq -r '[.findings[] | select(.syscall == "socket")] | length')" 0
}

test_default_allow_is_an_error() {
	local out rc=0
	echo '{"defaultAction": "SCMP_ACT_ALLOW"}' >"$TEST_TMP/allow.json"
	out=$(lint "$TEST_TMP/allow.json") || rc=$?
	assert_eq "$rc" 1 "exit status with findings"
	assert_contains "$out" "error: default/unnamed syscalls: syscalls the profile does not name are allowed"
	assert_contains "$out" "error: mount/any: allowed"
	assert_contains "$out" "error: unshare/CLONE_NEWUSER: allowed"
}

# A rule allowing unshare only for CLONE_NEWNS: found with the argument that
# gets through, and CLONE_NEWUSER (a different argument) is not reported.
test_argument_rules_are_evaluated() {
	local out
	profile_with '[{"names": ["unshare"], "action": "SCMP_ACT_ALLOW",
		"args": [{"index": 0, "value": 131072, "op": "SCMP_CMP_EQ"}]}]' >"$TEST_TMP/newns.json"
	out=$(lint_json "$TEST_TMP/newns.json")
	has_finding "$out" error unshare "namespace flags" || fail "unshare(CLONE_NEWNS) not found: $out"
	assert_eq "$(echo "$out" | jq -r '.findings[] | select(.syscall == "unshare") | .example')" "arg0=0x20000"
	has_finding "$out" error unshare CLONE_NEWUSER && fail "CLONE_NEWUSER is denied, yet reported: $out"
	assert_eq "$(echo "$out" | jq .errors)" 1 "$out"
}

# clone for threads is fine; a mask that forgets CLONE_NEWUSER is not.
test_clone_mask_missing_newuser() {
	local out
	profile_with '[{"names": ["clone"], "action": "SCMP_ACT_ALLOW",
		"args": [{"index": 0, "value": 1845624832, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]}]' >"$TEST_TMP/clone.json"
	out=$(lint_json "$TEST_TMP/clone.json")
	has_finding "$out" error clone CLONE_NEWUSER || fail "clone(CLONE_NEWUSER) not found: $out"
	assert_eq "$(echo "$out" | jq -r '[.findings[] | select(.case == "CLONE_NEWUSER")][0].example')" "arg0=0x10000000"
}

test_missing_architectures() {
	local out
	profile_with '[]' | jq '.architectures = ["SCMP_ARCH_X86_64"]' >"$TEST_TMP/x86_64-only.json"
	out=$(lint "$TEST_TMP/x86_64-only.json" || true)
	assert_contains "$out" "warning: arch/x86: not in the filter"
	assert_contains "$out" "warning: arch/x32: not in the filter"
}

test_eperm_default_and_unknown_names() {
	local out
	profile_with '[{"names": ["no_such_syscall"], "action": "SCMP_ACT_ALLOW"}]' |
		jq '.defaultErrnoRet = 1' >"$TEST_TMP/eperm.json"
	out=$(lint "$TEST_TMP/eperm.json" || true)
	assert_contains "$out" "warning: default/unnamed syscalls: syscalls the profile does not name fail with EPERM, not ENOSYS"
	assert_contains "$out" "warning: no_such_syscall/any: unknown to libseccomp"
}

# Docker's format, resolved for Docker's default capabilities: ptrace is
# allowed (minKernel 4.8), mount is not; with CAP_SYS_ADMIN it is.
test_docker_profile_resolved_by_caps() {
	local out
	out=$(lint_json "$DOCKER")
	assert_eq "$(echo "$out" | jq -r .format)" docker
	has_finding "$out" error ptrace any || fail "ptrace not reported: $out"
	has_finding "$out" error mount any && fail "mount reported without CAP_SYS_ADMIN: $out"
	out=$(lint_json --caps CAP_SYS_ADMIN "$DOCKER")
	has_finding "$out" error mount any || fail "mount not reported with CAP_SYS_ADMIN: $out"
	has_finding "$out" error clone3 any || fail "clone3 not reported with CAP_SYS_ADMIN: $out"
	# minKernel: on a 4.4 kernel Docker leaves ptrace out
	out=$(lint_json --kernel 4.4 "$DOCKER")
	has_finding "$out" error ptrace any && fail "ptrace reported for kernel 4.4: $out"
	true
}

test_docker_profile_other_arch() {
	local out
	out=$(lint_json --arch aarch64 "$DOCKER")
	assert_eq "$(echo "$out" | jq -r .arch)" aarch64
	echo "$out" | jq -e '.findings[] | select(.syscall == "ptrace") | .arches == ["aarch64", "arm"]' >/dev/null ||
		fail "ptrace not judged on aarch64 and arm: $out"
}

test_config_json_and_containerd() {
	local out
	out=$(lint_json "$CONTAINERD")
	assert_eq "$(echo "$out" | jq -r .format)" config
	has_finding "$out" error io_uring_setup any || fail "containerd 1.6 allows io_uring: $out"
}

test_bad_input_not_json() {
	local out rc=0
	printf '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [ }\n' >"$TEST_TMP/bad.json"
	out=$(lint "$TEST_TMP/bad.json" 2>&1) || rc=$?
	assert_eq "$rc" 2
	assert_contains "$out" "$TEST_TMP/bad.json:3:"
	assert_contains "$out" "invalid JSON"
}

test_bad_input_unknown_action() {
	local out rc=0
	profile_with '[{"names": ["mount"], "action": "SCMP_ACT_MAYBE"}]' >"$TEST_TMP/action.json"
	out=$(lint "$TEST_TMP/action.json" 2>&1) || rc=$?
	assert_eq "$rc" 2
	assert_contains "$out" 'syscalls[1].action: unknown seccomp action "SCMP_ACT_MAYBE"'
}

test_bad_input_docker_unknown_capability() {
	local out rc=0
	jq '.syscalls[3].includes = {"caps": ["CAP_SYS_WIZARD"]}' "$DOCKER" >"$TEST_TMP/cap.json"
	out=$(lint "$TEST_TMP/cap.json" 2>&1) || rc=$?
	assert_eq "$rc" 2
	assert_contains "$out" 'syscalls[3].includes.caps[0]: unknown capability "CAP_SYS_WIZARD"'
	out=$(lint --caps CAP_NOPE "$DOCKER" 2>&1) || rc=$?
	assert_contains "$out" 'unknown capability "CAP_NOPE"'
}

test_bad_usage() {
	local rc=0
	lint >/dev/null 2>&1 || rc=$?
	assert_eq "$rc" 2
	rc=0
	"$HARDRUN" profile frobnicate >/dev/null 2>&1 || rc=$?
	assert_eq "$rc" 2
	rc=0
	lint --arch vax "$DEFAULT" >/dev/null 2>&1 || rc=$?
	assert_eq "$rc" 2
}

test_diff_identical_is_clean() {
	local out
	out=$("$HARDRUN" profile diff "$DEFAULT" "$DEFAULT") || fail "diff of a profile with itself: $out"
	assert_contains "$out" "0 differences"
}

# The text of a profile is not what it does: an allow rule for unshare next
# to the unconditional EPERM rule changes nothing (libseccomp keeps the
# unconditional one); without the EPERM rule, unshare(CLONE_NEWUSER) differs.
test_diff_finds_allowed_argument_case() {
	local out rc=0
	jq '.syscalls += [{"names": ["unshare"], "action": "SCMP_ACT_ALLOW",
		"args": [{"index": 0, "value": 268435456, "op": "SCMP_CMP_EQ"}]}]' "$DEFAULT" >"$TEST_TMP/userns.json"
	out=$("$HARDRUN" profile diff "$DEFAULT" "$TEST_TMP/userns.json") || fail "shadowed rule makes a difference: $out"
	jq '(.syscalls[] | select(.action == "SCMP_ACT_ERRNO" and (.names | index("unshare"))) | .names) -= ["unshare"]' "$TEST_TMP/userns.json" >"$TEST_TMP/userns2.json"
	out=$("$HARDRUN" profile diff "$DEFAULT" "$TEST_TMP/userns2.json") || rc=$?
	assert_eq "$rc" 1 "$out"
	assert_contains "$out" "! unshare (arg0=0x10000000) [x86_64 x86 x32]: A errno EPERM, B allow"
	assert_contains "$out" "~ unshare [x86_64 x86 x32]: A errno EPERM, B errno ENOSYS"
	assert_contains "$out" "2 differences, 1 of them allow/deny"
	out=$("$HARDRUN" profile diff --format json "$DOCKER" "$CONTAINERD" || true)
	echo "$out" | jq -e '.differences[] | select(.syscall == "io_uring_setup" and .b == "allow")' >/dev/null ||
		fail "docker vs containerd: io_uring difference missing: $out"
}

test_diff_bad_input() {
	local rc=0
	echo 'nope' >"$TEST_TMP/nope.json"
	"$HARDRUN" profile diff "$DEFAULT" "$TEST_TMP/nope.json" >/dev/null 2>&1 || rc=$?
	assert_eq "$rc" 2
}

run_tests
