#!/bin/bash
# Seccomp in real containers: hardrun's default profile, rule semantics and
# the refusal of filters that cannot be enforced. try-syscall (tests/helpers)
# performs the calls inside the container.
. "$(dirname "$0")/../lib.sh"

PROFILE=$TOP/profiles/seccomp/default.json

# with_seccomp BUNDLE JSON: sets linux.seccomp to JSON.
with_seccomp() {
	local f=$1/config.json
	jq --argjson s "$2" '.linux.seccomp = $s' "$f" >"$f.new" && mv "$f.new" "$f"
}

# try BUNDLE_ARGS...: runs try-syscall ARGS... under the default profile.
try_default() {
	local b=$TEST_TMP/$(unique_id)
	make_bundle "$b" /bin/try-syscall "$@" || return 1
	with_seccomp "$b" "$(cat "$PROFILE")"
	hr run -b "$b" "$(basename "$b")" </dev/null
	local rc=$?
	rm -rf "$b"
	return $rc
}

test_default_profile_allows_getpid() {
	assert_eq "$(try_default getpid)" "getpid: 1"
}

test_default_profile_denies_namespaces_and_mount() {
	assert_eq "$(try_default unshare 0x10000000)" "unshare: errno 1 (EPERM)" || return 1
	assert_eq "$(try_default mount none /tmp tmpfs 0 0)" "mount: errno 1 (EPERM)" || return 1
	assert_eq "$(try_default setns 0 0)" "setns: errno 1 (EPERM)" || return 1
	# clone with CLONE_NEWUSER|SIGCHLD
	assert_eq "$(try_default clone 0x10000011)" "clone: errno 1 (EPERM)"
}

# socket(2)'s family is an int: garbage in the upper 32 bits of the register
# must not carry AF_ALG/AF_VSOCK past a 64-bit "family > 40" rule.
test_default_profile_denies_af_alg_with_upper_bits_set() {
	assert_eq "$(try_default socket 38 5 0)" "socket: errno 38 (ENOSYS)" || return 1
	assert_eq "$(try_default socket 0xffffffff00000026 5 0)" "socket: errno 38 (ENOSYS)" || return 1
	assert_eq "$(try_default socket 0x100000028 1 0)" "socket: errno 38 (ENOSYS)" || return 1
	# a family the profile allows still works (AF_UNIX)
	case $(try_default socket 1 1 0) in "socket: errno"*) fail "AF_UNIX socket denied";; esac
}

test_default_profile_lints_clean() {
	local out
	out=$("$HARDRUN" profile lint "$PROFILE" 2>&1)
	assert_not_contains "$out" "socket/AF_ALG" || return 1
	assert_not_contains "$out" "socket/AF_VSOCK"
}

test_default_profile_clone3_is_enosys() {
	assert_eq "$(try_default clone3)" "clone3: errno 38 (ENOSYS)"
}

test_default_profile_runs_a_shell_workload() {
	local b=$TEST_TMP/$(unique_id) out
	make_bundle "$b" /bin/sh -c 'mkdir /tmp/d && echo hi >/tmp/d/f && cat /tmp/d/f && ls /tmp/d | wc -l' || return 1
	cfg "$b" '.root.readonly = false'
	with_seccomp "$b" "$(cat "$PROFILE")"
	out=$(hr run -b "$b" "$(basename "$b")" </dev/null) || fail "run failed: $out"
	rm -rf "$b"
	assert_eq "$out" "hi
1"
}

test_errno_rule_by_name() {
	local b=$TEST_TMP/$(unique_id) out
	make_bundle "$b" /bin/try-syscall getppid || return 1
	with_seccomp "$b" '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":95}]}'
	out=$(hr run -b "$b" "$(basename "$b")" </dev/null)
	rm -rf "$b"
	assert_eq "$out" "getppid: errno 95 (EOPNOTSUPP)"
}

test_unknown_syscall_cannot_be_denied() {
	local b=$TEST_TMP/$(unique_id) out
	make_bundle "$b" /bin/true || return 1
	with_seccomp "$b" '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ERRNO"},{"names":["no_such_call"],"action":"SCMP_ACT_ERRNO"}]}'
	if out=$(hr run -b "$b" "$(basename "$b")" </dev/null 2>&1); then
		rm -rf "$b"; fail "run succeeded"; return 1
	fi
	rm -rf "$b"
	assert_contains "$out" 'seccomp: unknown syscall "no_such_call" in linux.seccomp.syscalls[1] cannot be denied (the default action allows it)'
}
# The compiled-filter cache is not container state: nothing of it under
# --root, where tools listing containers would find it.
test_seccomp_cache_outside_the_state_root() {
	local b=$TEST_TMP/$FUNCNAME id root=$TEST_TMP/$FUNCNAME.root; id=$(unique_id)
	rm -rf "$root"
	make_bundle "$b" true
	"$HARDRUN" --root "$root" run --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run"
	jq -e '.linux.seccomp != null' "$b/config.json" >/dev/null || fail "the default config has no seccomp"
	assert_eq "$(ls -A "$root")" ""
}

run_tests
