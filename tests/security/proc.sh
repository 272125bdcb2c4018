#!/bin/bash
# /proc must be the container's own procfs, reached without a symlink, with
# nothing mounted over or under it: the runtime's checks and writes go
# through it (AppArmor attr, masking, sysctl).
. "$(dirname "$0")/escape-lib.bash"

PROC_REFUSED='is inside /proc: only a proc filesystem may be mounted there'

# CVE-2019-16884: a volume over /proc (after the runtime's procfs) with a
# fake attr tree would make the AppArmor write a no-op.
test_volume_over_procfs_refused() {
	local fake sum b out
	fake=$(scratch_dir fakeproc) && mkdir -p "$fake/self/attr" && echo unconfined >"$fake/self/attr/exec"
	sum=$(victim_sum "$fake")
	b=$(sec_bundle volproc true) || return 1
	cfg "$b" ".mounts += [{\"destination\": \"/proc\", \"type\": \"bind\", \"source\": \"$fake\", \"options\": [\"rbind\"]}]"
	out=$(expect_create_refused "$b") || return 1
	assert_contains "$out" "destination \"/proc\" $PROC_REFUSED"
	assert_eq "$(victim_sum "$fake")" "$sum" "fake proc changed"
}

# The same volume as the container's only /proc (no procfs mount at all).
test_volume_as_proc_without_procfs_refused() {
	local fake sum b out
	fake=$(scratch_dir fakeproc) && mkdir -p "$fake/sys/kernel"
	sum=$(victim_sum "$fake")
	b=$(sec_bundle volproc2 true) || return 1
	cfg "$b" ".mounts |= map(select(.type != \"proc\"))
		| .mounts += [{\"destination\": \"/proc\", \"type\": \"bind\", \"source\": \"$fake\", \"options\": [\"rbind\"]}]"
	out=$(expect_create_refused "$b") || return 1
	assert_contains "$out" "destination \"/proc\" $PROC_REFUSED"
	assert_eq "$(victim_sum "$fake")" "$sum" "fake proc changed"
}

# CVE-2023-27561: the same volume through a symlink in the rootfs
# (/evil -> /proc), placed after the procfs mount and before it.
test_volume_through_symlink_to_proc_refused() {
	local fake sum b out order
	fake=$(scratch_dir fakeproc) && mkdir -p "$fake/self/attr"
	sum=$(victim_sum "$fake")
	for order in after before; do
		b=$(sec_bundle volproclink true) || return 1
		ln -s /proc "$b/rootfs/evil"
		local vol="{\"destination\": \"/evil\", \"type\": \"bind\", \"source\": \"$fake\", \"options\": [\"rbind\"]}"
		if [ $order = after ]; then cfg "$b" ".mounts += [$vol]"; else cfg "$b" ".mounts = [$vol] + .mounts"; fi
		out=$(expect_create_refused "$b") || return 1
		assert_contains "$out" "destination \"/proc\" $PROC_REFUSED"
		assert_eq "$(victim_sum "$fake")" "$sum" "fake proc changed ($order)"
	done
}

# CVE-2023-28642: /proc in the rootfs is a symlink (to /): the procfs
# would land on the rootfs' root. A named refusal, not a confusing
# "executable file not found".
test_proc_symlink_in_rootfs_refused() {
	local b out
	b=$(sec_bundle procsym true) || return 1
	rmdir "$b/rootfs/proc" && ln -s / "$b/rootfs/proc"
	out=$(expect_create_refused "$b") || return 1
	assert_contains "$out" '"/proc" in the rootfs is a symlink'
	assert_not_contains "$out" "executable file not found"
}

# CVE-2025-52881, config variant: a bind of a scratch file over the sysctl
# the config sets. Refused before anything is created; the file is untouched.
test_sysctl_config_mount_over_proc_sys_refused() {
	local victim sum b out
	victim=$(scratch_file shmmni); sum=$(victim_sum "$victim")
	b=$(sec_bundle sysctlmnt true) || return 1
	cfg "$b" ".linux.sysctl = {\"kernel.shmmni\": \"1234\"}
		| .mounts += [{\"destination\": \"/proc/sys/kernel/shmmni\", \"type\": \"bind\", \"source\": \"$victim\", \"options\": [\"bind\"]}]"
	out=$(expect_create_refused "$b") || return 1
	assert_contains "$out" "destination \"/proc/sys/kernel/shmmni\" $PROC_REFUSED"
	assert_eq "$(victim_sum "$victim")" "$sum" "victim changed"
}

# ... through a symlink in the rootfs (/evil -> /proc/sys/kernel).
test_sysctl_config_mount_through_symlink_refused() {
	local victim sum b out
	victim=$(scratch_file shmmni); sum=$(victim_sum "$victim")
	b=$(sec_bundle sysctlmnt2 true) || return 1
	ln -s /proc/sys/kernel "$b/rootfs/evil"
	cfg "$b" ".linux.sysctl = {\"kernel.shmmni\": \"1234\"}
		| .mounts += [{\"destination\": \"/evil/shmmni\", \"type\": \"bind\", \"source\": \"$victim\", \"options\": [\"bind\"]}]"
	out=$(expect_create_refused "$b") || return 1
	assert_contains "$out" "destination \"/proc/sys/kernel/shmmni\" $PROC_REFUSED"
	assert_eq "$(victim_sum "$victim")" "$sum" "victim changed"
}

# CVE-2025-52881, race variant: a mount over the sysctl file appears after
# the runtime's own mounts (a hook stands in for the racing process). The
# write must not follow it into the scratch file.
test_sysctl_write_through_overlaid_mount_refused() {
	local victim sum b out
	victim=$(scratch_file shmmni); sum=$(victim_sum "$victim")
	b=$(sec_bundle sysctlrace true) || return 1
	cfg "$b" '.linux.sysctl = {"kernel.shmmni": "1234"}'
	add_hook "$b" "mount --bind $victim $b/rootfs/proc/sys/kernel/shmmni"
	out=$(expect_create_refused "$b") || return 1
	assert_contains "$out" "/proc/sys/kernel/shmmni is not on the container's procfs"
	assert_eq "$(victim_sum "$victim")" "$sum" "the sysctl write landed in the scratch file: $(cat "$victim")"
}

run_tests
