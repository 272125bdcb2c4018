#!/bin/bash
# CVE-2025-52881, AppArmor variant: a mount over the exec attribute the
# runtime writes the profile to, made after the runtime's own mounts (a hook
# stands in for the racing process). The source is another file of the same
# procfs (the container's own comm, harmless), so a procfs type check alone
# passes: the write would rename the process and leave it unconfined. Needs
# AppArmor (skipped on the host; run it in scripts/run-in-vm).
. "$(dirname "$0")/escape-lib.bash"

test_apparmor_attr_write_not_redirected_by_mount() {
	local b out
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || skip "AppArmor not enabled"
	"$HARDRUN" apparmor load "$TOP/profiles/apparmor/hardrun-default" >/dev/null || fail "load profile"
	b=$(sec_bundle aaattr sh -c 'cat /proc/self/attr/current; cat /proc/1/comm') || return 1
	cfg "$b" '.process.apparmorProfile = "hardrun-default"'
	# pid 1 of the container's procfs is the container process
	add_hook "$b" "t=$b/rootfs/proc/1/task/1/attr; mount --bind $b/rootfs/proc/1/task/1/comm \$t/apparmor/exec ||
		mount --bind $b/rootfs/proc/1/task/1/comm \$t/exec"
	out=$(run_bundle "$b")
	assert_not_contains "$out" "unconfined"
	assert_not_contains "$out" "exec hardrun"
	assert_contains "$out" "is not on the container's procfs"
}

run_tests
