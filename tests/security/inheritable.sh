#!/bin/bash
# CVE-2022-29162 (runc), CVE-2022-27650 (crun), GHSA-c827-hfw6-qwvm (youki):
# the runtimes gave the container process (runc: `exec --cap`) a non-empty
# inheritable capability set the config never asked for. A non-root
# workload then gains those capabilities by executing a file that carries
# them as file inheritable capabilities (setcap cap_net_raw+ei), without
# no_new_privs. The hostile rootfs below has such a file; the workload runs
# as uid 1000 with CAP_NET_RAW in its bounding set but not in inheritable.
# A positive control gives CAP_NET_RAW in inheritable, which is what the
# vulnerable runtimes did implicitly: the file must then grant it, or the
# test would prove nothing (file capabilities not honoured here).
. "$(dirname "$0")/../lib.sh"

SCRATCH=$TEST_TMP/inheritable.$$
mkdir -p "$SCRATCH"
trap 'rm -rf "$SCRATCH"' EXIT

NET_RAW_BIT=$((1 << 13))

# capfile_bundle DIR: busybox as /capbin/grep carrying cap_net_raw+ei (a
# version 2 security.capability xattr, written directly: no setcap needed);
# uid 1000, CAP_NET_RAW bounding only, no no_new_privs.
capfile_bundle() {
	make_bundle "$1" /capbin/grep '^Cap' /proc/self/status || fail "bundle"
	mkdir -p "$1/rootfs/capbin"
	cp -L "$1/rootfs/bin/busybox" "$1/rootfs/capbin/grep" || fail "copy busybox"
	python3 -c 'import os, struct, sys
os.setxattr(sys.argv[1], "security.capability", struct.pack("<IIIII", 0x02000001, 0, 1 << 13, 0, 0))' \
		"$1/rootfs/capbin/grep" || fail "set the file capabilities (xattrs not supported on $TEST_TMP?)"
	cfg "$1" '.process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = false
		| .process.capabilities = {bounding: ["CAP_NET_RAW"]}'
}

# cap_field OUTPUT NAME: the hex mask of CapXxx in /proc/self/status output
cap_field() { echo "$1" | awk -v f="$2:" '$1 == f {print $2}'; }

has_net_raw() { (( (16#$1 & NET_RAW_BIT) != 0 )); }

test_run_without_inheritable_gains_nothing_from_file_caps() {
	local b=$SCRATCH/run out
	capfile_bundle "$b"
	out=$(hr run -b "$b" "$(unique_id)" </dev/null 2>&1) || fail "run: $out"
	assert_eq "$(cap_field "$out" CapInh)" 0000000000000000 "inheritable set of the workload"
	has_net_raw "$(cap_field "$out" CapEff)" && fail "CAP_NET_RAW gained through the file's inheritable caps: $out"
	# control: with it inheritable, as the vulnerable runtimes made it
	cfg "$b" '.process.capabilities.inheritable = ["CAP_NET_RAW"]'
	out=$(hr run -b "$b" "$(unique_id)" </dev/null 2>&1) || fail "run (control): $out"
	has_net_raw "$(cap_field "$out" CapEff)" || fail "control: file capabilities not honoured, the test proves nothing: $out"
}

test_exec_cap_gains_nothing_from_file_caps() {
	local b=$SCRATCH/exec id out; id=$(unique_id)
	capfile_bundle "$b"
	cfg "$b" '.process.args = ["sleep", "300"]'
	hr run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	out=$(hr exec --cap CAP_NET_RAW "$id" /capbin/grep '^Cap' /proc/self/status 2>&1)
	hr delete -f "$id"
	assert_eq "$(cap_field "$out" CapInh)" 0000000000000000 "inheritable set of the exec'd process ($out)"
	has_net_raw "$(cap_field "$out" CapEff)" && fail "exec --cap: CAP_NET_RAW gained through the file: $out"
	has_net_raw "$(cap_field "$out" CapBnd)" || fail "CAP_NET_RAW not even in the bounding set: $out"
}

run_tests
