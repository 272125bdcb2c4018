#!/bin/bash
# Capabilities in real containers: the five sets exactly as configured, for
# root and for a non-root user, and clear refusals of impossible configs.
. "$(dirname "$0")/../lib.sh"

# caps_run BUNDLE UID CAPS_JSON: prints the Cap* lines of the container process.
caps_run() {
	local b=$1 out
	make_bundle "$b" /bin/sh -c 'grep ^Cap /proc/self/status' || return 1
	cfg "$b" ".process.user.uid = $2 | .process.user.gid = $2 | .process.capabilities = $3"
	hr run -b "$b" "$(basename "$b")" </dev/null
}

test_nonroot_keeps_explicit_capability() {
	local b=$TEST_TMP/$(unique_id) out c='["CAP_NET_BIND_SERVICE"]'
	out=$(caps_run "$b" 1000 "{\"bounding\":$c,\"effective\":$c,\"permitted\":$c,\"inheritable\":$c,\"ambient\":$c}") || fail "run failed: $out"
	rm -rf "$b"
	# after exec as non-root: P' = E' = ambient
	assert_eq "$out" "CapInh:	0000000000000400
CapPrm:	0000000000000400
CapEff:	0000000000000400
CapBnd:	0000000000000400
CapAmb:	0000000000000400"
}

test_root_bounding_set_is_exact() {
	local b=$TEST_TMP/$(unique_id) out c='["CAP_CHOWN","CAP_KILL"]'
	out=$(caps_run "$b" 0 "{\"bounding\":$c,\"effective\":$c,\"permitted\":$c}") || fail "run failed: $out"
	rm -rf "$b"
	assert_contains "$out" "CapBnd:	0000000000000021" || return 1
	assert_contains "$out" "CapEff:	0000000000000021" || return 1
	assert_contains "$out" "CapAmb:	0000000000000000"
}

test_unknown_capability_is_refused() {
	local b=$TEST_TMP/$(unique_id) out
	if out=$(caps_run "$b" 0 '{"bounding":["CAP_CHOWN","CAP_TEST"]}' 2>&1); then
		rm -rf "$b"; fail "run succeeded: $out"; return 1
	fi
	rm -rf "$b"
	assert_contains "$out" 'unknown capability "CAP_TEST" in process.capabilities.bounding'
}

test_capability_missing_from_host_bounding_set_is_refused() {
	local b=$TEST_TMP/$(unique_id) out missing
	missing=$(python3 -c '
import ctypes
libc = ctypes.CDLL(None)
names = ["CHOWN","DAC_OVERRIDE","DAC_READ_SEARCH","FOWNER","FSETID","KILL","SETGID","SETUID","SETPCAP","LINUX_IMMUTABLE","NET_BIND_SERVICE","NET_BROADCAST","NET_ADMIN","NET_RAW","IPC_LOCK","IPC_OWNER","SYS_MODULE","SYS_RAWIO","SYS_CHROOT","SYS_PTRACE","SYS_PACCT","SYS_ADMIN","SYS_BOOT","SYS_NICE","SYS_RESOURCE","SYS_TIME","SYS_TTY_CONFIG","MKNOD","LEASE","AUDIT_WRITE","AUDIT_CONTROL","SETFCAP"]
for i, n in enumerate(names):
    if libc.prctl(23, i, 0, 0, 0) == 0:
        print("CAP_" + n); break
')
	[ -n "$missing" ] || skip "this host's bounding set is full"
	if out=$(caps_run "$b" 0 "{\"effective\":[\"$missing\"],\"permitted\":[\"$missing\"]}" 2>&1); then
		rm -rf "$b"; fail "run succeeded: $out"; return 1
	fi
	rm -rf "$b"
	assert_contains "$out" "capability \"$missing\" (process.capabilities.effective) is not in this host's bounding set"
}
test_no_capabilities_object_means_none_and_nnp_follows_config() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" /bin/sh -c 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status'
	cfg "$b" 'del(.process.capabilities) | .process.noNewPrivileges = true'
	out=$(hr run -b "$b" "$(unique_id)" </dev/null 2>&1) || fail "run: $out"
	assert_eq "$out" "CapInh:	0000000000000000
CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	0000000000000000
CapAmb:	0000000000000000
NoNewPrivs:	1"
	cfg "$b" '.process.noNewPrivileges = false'
	out=$(hr run -b "$b" "$(unique_id)" </dev/null 2>&1) || fail "run: $out"
	assert_contains "$out" "NoNewPrivs:	0"
}

# What `runc spec` writes: ambient capabilities that are not inheritable.
# The kernel cannot raise them; granting fewer privileges than asked runs,
# with a warning, as runc and crun do.
test_ambient_not_inheritable_is_left_out_with_warning() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" grep -E '^Cap(Prm|Amb):' /proc/self/status
	cfg "$b" '.process.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"], ambient: ["CAP_KILL"]}'
	out=$(hr run --bundle "$b" "$id" 2>&1 </dev/null) || fail "run refused: $out"
	hr delete -f "$id" >/dev/null 2>&1
	assert_contains "$out" 'capability "CAP_KILL" is in process.capabilities.ambient but not in both permitted and inheritable'
	assert_contains "$out" "$(printf 'CapPrm:\t0000000000000020')"
	assert_contains "$out" "$(printf 'CapAmb:\t0000000000000000')"
}

run_tests
