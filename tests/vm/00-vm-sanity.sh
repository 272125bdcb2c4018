#!/bin/bash
# The VM itself: these must pass (not skip), so that a broken VM setup fails
# loudly instead of silently skipping every cgroup/AppArmor test.
. "$(dirname "$0")/../lib.sh"

test_cgroup2_is_mounted() {
	assert_eq "$(stat -f -c %T /sys/fs/cgroup)" "cgroup2fs"
}

test_controllers_enabled_at_root() {
	local c ctrl sub
	ctrl=$(cat /sys/fs/cgroup/cgroup.controllers)
	sub=$(cat /sys/fs/cgroup/cgroup.subtree_control)
	for c in cpu memory pids io cpuset; do
		assert_contains " $ctrl " " $c " || return 1
		assert_contains " $sub " " $c " || return 1
	done
}

test_apparmor_enabled() {
	assert_eq "$(cat /sys/module/apparmor/parameters/enabled)" "Y"
	[ -d /sys/kernel/security/apparmor ] || fail "no AppArmor securityfs interface"
}

test_runs_as_root_in_workdir() {
	assert_eq "$(id -u)" "0"
	[ -w "$TOP" ] || fail "$TOP is not writable in the VM"
}

run_tests
