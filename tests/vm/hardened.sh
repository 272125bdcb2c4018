#!/bin/bash
# issue 13 in the VM (cgroup v2 with memory, cpu and pids; AppArmor): the
# config `hardrun spec` writes has every limit and the AppArmor profile and
# runs as written; `hardrun sandbox` enforces the limits it is given.
. "$(dirname "$0")/../lib.sh"

# inside: what the workload sees of its own cgroup and AppArmor label
INSIDE='echo mem $(cat /sys/fs/cgroup/memory.max); echo pids $(cat /sys/fs/cgroup/pids.max);
	echo cpu $(cat /sys/fs/cgroup/cpu.max); echo label $(cat /proc/self/attr/current 2>/dev/null)'

load_profile() {
	"$HARDRUN" apparmor status >/dev/null 2>&1 || return 0
	"$HARDRUN" apparmor load "$TOP/profiles/apparmor/hardrun-default" >/dev/null
}

test_spec_has_every_limit_and_runs() {
	local b=$TEST_TMP/$FUNCNAME out notes
	load_profile || fail "loading hardrun-default failed"
	rm -rf "$b"; mkdir -p "$b"; cp -a "$(rootfs_template)" "$b/rootfs"
	notes=$(cd "$b" && "$HARDRUN" spec 2>&1) || fail "spec failed: $notes"
	assert_not_contains "$notes" "limit: this host"
	jq -e '.linux.resources.memory.limit == 536870912 and .linux.resources.pids.limit == 512
		and .linux.resources.cpu.quota == 100000' "$b/config.json" >/dev/null ||
		fail "limits missing: $(jq -c .linux.resources "$b/config.json")"
	if "$HARDRUN" apparmor status >/dev/null 2>&1; then
		jq -e '.process.apparmorProfile == "hardrun-default"' "$b/config.json" >/dev/null ||
			fail "no AppArmor profile with AppArmor enabled"
	fi
	cfg "$b" ".process.terminal = false | .process.args = [\"sh\", \"-c\", $(jq -Rn --arg s "$INSIDE" '$s')]"
	out=$(hr run -b "$b" "$(unique_id)" 2>&1 </dev/null) || { rm -rf "$b"; fail "run failed: $out"; }
	rm -rf "$b"
	assert_contains "$out" "mem 536870912"
	assert_contains "$out" "pids 512"
	assert_contains "$out" "cpu 100000 100000"
	if "$HARDRUN" apparmor status >/dev/null 2>&1; then assert_contains "$out" "label hardrun-default"; fi
}

test_sandbox_limits_enforced() {
	local r=$TEST_TMP/$FUNCNAME out
	load_profile || fail "loading hardrun-default failed"
	rm -rf "$r"; cp -a "$(rootfs_template)" "$r"
	out=$(hr sandbox --rootfs "$r" --memory 64M --pids 32 --cpus 0.5 -- sh -c "$INSIDE" 2>&1 </dev/null) ||
		{ rm -rf "$r"; fail "sandbox failed: $out"; }
	rm -rf "$r"
	assert_contains "$out" "mem 67108864"
	assert_contains "$out" "pids 32"
	assert_contains "$out" "cpu 50000 100000"
}

# Issue 16: exec into the hardened container (a user namespace of its own,
# the AppArmor profile) ends through hardrun-exec-finish, which writes the
# profile's exec transition just before it executes the workload: the exec'd
# process runs confined by the profile, as the container's does.
test_exec_gets_the_profile_through_the_finish() {
	local b=$TEST_TMP/$FUNCNAME id out rc; id=$(unique_id)
	"$HARDRUN" apparmor status >/dev/null 2>&1 || skip "AppArmor not enabled"
	load_profile || fail "loading hardrun-default failed"
	rm -rf "$b"; mkdir -p "$b"; cp -a "$(rootfs_template)" "$b/rootfs"
	(cd "$b" && "$HARDRUN" spec >/dev/null 2>&1) || fail "spec failed"
	cfg "$b" '.process.terminal = false | .process.args = ["sleep", "300"]'
	hr run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d failed"
	out=$(hr --debug exec "$id" cat /proc/self/attr/current 2>&1 </dev/null); rc=$?
	hr delete -f "$id"
	assert_eq "$rc" 0 "exec: $out"
	assert_contains "$out" "exec: ends through hardrun-exec-finish"
	assert_contains "$out" "hardrun-default (enforce)"
}

run_tests
