#!/bin/bash
# `hardrun profile probe`: the static probe run inside a container made from
# a bundle's exact config reports the confinement it really gets.
. "$(dirname "$0")/../lib.sh"

# probe BUNDLE [--format json]: the report on stdout
probe() { local b=$1; shift; TMPDIR=$TEST_TMP/probe-tmp hr profile probe --bundle "$b" "$@"; }
hardened() {
	make_bundle "$1" true
	cfg "$1" '.process.capabilities = {bounding: [], effective: [], permitted: [], inheritable: [], ambient: []}
		| .process.noNewPrivileges = true | .root.readonly = true'
}

setup_tmp() { rm -rf "$TEST_TMP/probe-tmp"; mkdir -p "$TEST_TMP/probe-tmp"; }

test_hardened_bundle() {
	local b=$TEST_TMP/$FUNCNAME out
	setup_tmp
	hardened "$b"
	out=$(probe "$b" --format json) || fail "probe failed: $out"
	assert_eq "$(echo "$out" | jq -c '[.capabilities[] | length] | add')" 0 "capabilities: $out"
	assert_eq "$(echo "$out" | jq .no_new_privs)" 1
	assert_eq "$(echo "$out" | jq .seccomp)" 2
	assert_eq "$(echo "$out" | jq -r .syscalls.mount)" EPERM
	assert_eq "$(echo "$out" | jq -r '.syscalls["unshare(CLONE_NEWUSER)"]')" EPERM
	assert_eq "$(echo "$out" | jq -r .syscalls.clone3)" ENOSYS
	assert_eq "$(echo "$out" | jq .root_readonly_mount)" true
	assert_eq "$(echo "$out" | jq -r .root_write)" EROFS
	assert_eq "$(echo "$out" | jq '[.escalations[] | select(.blocked | not)] | length')" 0 "$(echo "$out" | jq -c .escalations)"
	assert_eq "$(echo "$out" | jq '.writable.sys.count')" 0
	echo "$out" | jq -e '.namespaces_shared_with_runtime | index("mnt") == null and index("pid") == null and index("net") == null' >/dev/null ||
		fail "namespaces shared: $(echo "$out" | jq -c .namespaces_shared_with_runtime)"
	echo "$out" | jq -e '.devices | map(.path) | index("/dev/null") != null' >/dev/null || fail "/dev/null not openable"
	# nothing left behind: no container, no copy of the probe
	assert_eq "$(hr list -q 2>/dev/null | grep -c hardrun-probe)" 0
	assert_eq "$(ls -A "$TEST_TMP/probe-tmp")" ""
}

test_human_summary() {
	local b=$TEST_TMP/$FUNCNAME out
	setup_tmp
	hardened "$b"
	out=$(probe "$b") || fail "probe failed: $out"
	assert_contains "$out" "no_new_privs: 1"
	assert_contains "$out" "seccomp: mode 2, 1 filter(s)"
	assert_contains "$out" "capabilities effective: none"
	assert_contains "$out" "blocked  mount tmpfs (EPERM)"
	assert_contains "$out" "0 of 9 escalations possible"
}

# A weak config is reported as weak: the probe really sees CAP_SYS_ADMIN and
# no filter, and its mount succeeds.
test_weak_bundle_is_reported() {
	local b=$TEST_TMP/$FUNCNAME out
	setup_tmp
	make_bundle "$b" true
	cfg "$b" '.process.capabilities = {bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"], permitted: ["CAP_SYS_ADMIN"]}
		| del(.linux.seccomp) | .process.noNewPrivileges = false'
	out=$(probe "$b" --format json) || fail "probe failed: $out"
	assert_eq "$(echo "$out" | jq -c .capabilities.effective)" '["CAP_SYS_ADMIN"]'
	assert_eq "$(echo "$out" | jq .seccomp)" 0
	assert_eq "$(echo "$out" | jq .no_new_privs)" 0
	assert_eq "$(echo "$out" | jq -r '.escalations[] | select(.name == "mount tmpfs") | .result')" ok
}

test_user_namespace_is_seen() {
	local b=$TEST_TMP/$FUNCNAME out
	setup_tmp
	hardened "$b"
	cfg "$b" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 1000}]
		| .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 1000}]'
	chown -R 200000:200000 "$b/rootfs"
	out=$(probe "$b" --format json) || fail "probe failed: $out"
	assert_eq "$(echo "$out" | jq -r .uid_map | tr -s ' ' | sed 's/^ //')" "0 200000 1000"
	echo "$out" | jq -e '.namespaces_shared_with_runtime | index("user") == null' >/dev/null || fail "user ns shared"
}

test_bad_bundle() {
	local out rc=0
	setup_tmp
	mkdir -p "$TEST_TMP/empty-bundle"
	out=$(probe "$TEST_TMP/empty-bundle" 2>&1) || rc=$?
	[ "$rc" -ne 0 ] || fail "probe of a bundle without config.json succeeded"
	assert_contains "$out" "config.json"
}

# Without a tmpfs to hold it, the probe is refused rather than written into the rootfs.
test_no_tmpfs_refused() {
	local b=$TEST_TMP/$FUNCNAME out rc=0
	setup_tmp
	make_bundle "$b" true
	cfg "$b" '.mounts |= map(select(.type != "tmpfs"))'
	out=$(probe "$b" 2>&1) || rc=$?
	[ "$rc" -ne 0 ] || fail "probe succeeded: $out"
	assert_contains "$out" "mounts no tmpfs"
	[ ! -e "$b/rootfs/dev/.hardrun-probe" ] || fail "probe written into the rootfs"
}

run_tests
