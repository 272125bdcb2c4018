#!/bin/bash
# cgroup v2 on the host. The host's cgroup2 (hybrid: the "unified" hierarchy,
# mounted at /sys/fs/cgroup in the test namespace) has no memory/cpu
# controllers, so limits must fail closed here; freezing, killing, ps and
# stats work without controllers. Real limits are tested in tests/vm/cgroup.sh.
. "$(dirname "$0")/../lib.sh"

CG=/sys/fs/cgroup

cg_path() { jq -r .cgroupPath "$STATE_ROOT/$1/state.json"; }
# start ID BUNDLE: run detached, output to a log (not our pipes)
start() { hr run -d -b "$2" "$1" </dev/null >"$TEST_TMP/$1.log" 2>&1 || fail "run $1: $(cat "$TEST_TMP/$1.log")"; }
status() { hr state "$1" | jq -r .status; }

test_memory_limit_fails_closed() {
	grep -qw memory $CG/cgroup.controllers && skip "this host has the memory controller"
	local id b out
	id=$(unique_id); b=$TEST_TMP/$id
	make_bundle "$b" true
	cfg "$b" '.linux.resources.memory.limit = 67108864'
	if out=$(hr run -b "$b" "$id" 2>&1 </dev/null); then
		hr delete --force "$id" >/dev/null 2>&1
		fail "run with a memory limit succeeded without a memory controller"
	fi
	assert_contains "$out" 'cgroup: memory limit requested but the "memory" controller is not available in'
	assert_contains "$out" "(available: "
	[ ! -e "$CG/hardrun/$id" ] || fail "cgroup $CG/hardrun/$id left behind"
	hr delete --force "$id" >/dev/null 2>&1 || true
}

test_cpu_limit_fails_closed() {
	grep -qw cpu $CG/cgroup.controllers && skip "this host has the cpu controller"
	local id b out
	id=$(unique_id); b=$TEST_TMP/$id
	make_bundle "$b" true
	cfg "$b" '.linux.resources.cpu.quota = 10000 | .linux.resources.cpu.period = 100000'
	out=$(hr run -b "$b" "$id" 2>&1 </dev/null) && fail "run with a cpu limit succeeded"
	assert_contains "$out" 'cpu limit requested but the "cpu" controller is not available'
	hr delete --force "$id" >/dev/null 2>&1 || true
}

test_pause_resume_ps_events_delete() {
	local id b pids path
	id=$(unique_id); b=$TEST_TMP/$id
	make_bundle "$b" sh -c 'sleep 1000 & sleep 1000 & wait'
	start "$id" "$b"
	path=$(cg_path "$id")
	[ -d "$CG/$path" ] || fail "no cgroup $CG/$path"
	for _ in $(seq 100); do
		pids=$(hr ps --format json "$id")
		[ "$(echo "$pids" | jq length)" = 3 ] && break
		sleep 0.1
	done
	assert_eq "$(echo "$pids" | jq length)" 3 "ps --format json: $pids"
	assert_contains "$(hr ps "$id")" "sleep 1000"

	hr pause "$id" || fail "pause"
	assert_eq "$(status "$id")" paused
	assert_eq "$(cat "$CG/$path/cgroup.freeze")" 1
	hr pause "$id" 2>/dev/null && fail "pausing a paused container succeeded"
	hr resume "$id" || fail "resume"
	assert_eq "$(status "$id")" running
	hr resume "$id" 2>/dev/null && fail "resuming a running container succeeded"

	local ev
	ev=$(hr events --stats "$id") || fail "events --stats"
	assert_eq "$(echo "$ev" | jq -r .type)" stats
	assert_eq "$(echo "$ev" | jq -r .id)" "$id"
	echo "$ev" | jq -e '.data.cpu.usage.total >= 0' >/dev/null || fail "bad stats: $ev"
	# controllers this cgroup does not have are left out, not reported as 0
	local c
	for c in memory pids; do
		if [ -e "$CG/$path/$c.current" ]; then
			echo "$ev" | jq -e ".data.$c | type == \"object\"" >/dev/null || fail "no $c stats: $ev"
		else
			echo "$ev" | jq -e ".data | has(\"$c\") | not" >/dev/null || fail "$c reported without the controller: $ev"
		fi
	done

	hr delete --force "$id" || fail "delete --force"
	for p in $(echo "$pids" | jq -r '.[]'); do
		process_alive "$p" && fail "process $p survived delete --force"
	done
	[ ! -e "$CG/$path" ] || fail "cgroup $CG/$path left behind"
}

test_events_stream_stops_with_container() {
	local id b out
	id=$(unique_id); b=$TEST_TMP/$id
	make_bundle "$b" sleep 2
	start "$id" "$b"
	out=$(timeout 20 "$HARDRUN" --root "$STATE_ROOT" events --interval 300ms "$id") || fail "events failed or hung"
	[ "$(echo "$out" | grep -c '"type":"stats"')" -ge 2 ] || fail "expected several stats lines: $out"
	hr delete --force "$id" >/dev/null 2>&1 || true
}

test_update_pids_fails_closed_without_controller() {
	grep -qw pids $CG/cgroup.controllers && skip "this host has the pids controller"
	local id b out
	id=$(unique_id); b=$TEST_TMP/$id
	make_bundle "$b" sleep 1000
	start "$id" "$b"
	out=$(hr update --pids-limit 10 "$id" 2>&1) && fail "update without pids controller succeeded"
	assert_contains "$out" 'pids limit requested but the "pids" controller is not available'
	hr delete --force "$id" >/dev/null 2>&1 || true
}

# A container without limits still gets every controller its parent
# offers (here: hugetlb, the only one this hybrid host's cgroup2 has), so
# stats and a later `update` work, as under runc.
test_controllers_enabled_without_limits() {
	local id b parent out
	id=$(unique_id); b=$TEST_TMP/$id parent=hrtest-$id
	grep -qw hugetlb "$CG/cgroup.subtree_control" || skip "the cgroup2 root does not pass hugetlb down"
	make_bundle "$b" sleep 300
	cfg "$b" ".linux.cgroupsPath = \"/$parent/ctr\""
	start "$id" "$b"
	out=$(cat "$CG/$parent/ctr/cgroup.controllers")
	hr delete --force "$id"
	rmdir "$CG/$parent"
	assert_contains "$out" hugetlb
}

# A pre-existing frozen cgroup: a named error, never a create that waits
# forever for a container process that cannot run.
test_frozen_cgroup_refused() {
	local id b parent out
	id=$(unique_id); b=$TEST_TMP/$id parent=hrfrozen-$id
	mkdir -p "$CG/$parent/ctr" && echo 1 >"$CG/$parent/ctr/cgroup.freeze" || fail "make frozen cgroup"
	make_bundle "$b" true
	cfg "$b" ".linux.cgroupsPath = \"/$parent/ctr\""
	out=$(timeout 20 "$HARDRUN" --root "$STATE_ROOT" run -b "$b" "$id" 2>&1 </dev/null); local rc=$?
	# thawed first, so that even a runtime that hung here can clean up
	echo 0 >"$CG/$parent/ctr/cgroup.freeze"
	hr delete --force "$id" >/dev/null 2>&1
	rmdir "$CG/$parent/ctr" "$CG/$parent"
	[ "$rc" -ne 124 ] || fail "run into a frozen cgroup hung"
	[ "$rc" -ne 0 ] || fail "run into a frozen cgroup succeeded"
	assert_contains "$out" "is frozen"
}

# Fail closed where the host has the controller but the container's parent
# cannot pass it down: a parent cgroup with a process of its own cannot
# enable controllers for children (cgroup v2's no-internal-process rule).
# Runs on any host whose cgroup2 has hugetlb (this one, the VM).
test_limit_fails_closed_under_parent_without_controller() {
	local id b parent out spid
	id=$(unique_id); b=$TEST_TMP/$id parent=hrfc-$id
	grep -qw hugetlb "$CG/cgroup.subtree_control" || skip "the cgroup2 root does not pass hugetlb down"
	mkdir "$CG/$parent" || fail "mkdir parent"
	sleep 300 & spid=$!
	echo "$spid" >"$CG/$parent/cgroup.procs" || { kill "$spid"; fail "move sleeper"; }
	make_bundle "$b" true
	cfg "$b" ".linux.cgroupsPath = \"/$parent/ctr\" | .linux.resources.hugepageLimits = [{pageSize: \"2MB\", limit: 2097152}]"
	out=$(hr run -b "$b" "$id" 2>&1 </dev/null); local rc=$?
	hr delete --force "$id" >/dev/null 2>&1
	kill "$spid"; wait "$spid" 2>/dev/null
	local left=no; [ -d "$CG/$parent/ctr" ] && left=yes
	rmdir "$CG/$parent/ctr" 2>/dev/null; rmdir "$CG/$parent"
	[ "$rc" -ne 0 ] || fail "run with a hugetlb limit the parent cannot pass down succeeded"
	assert_contains "$out" '"hugetlb"'
	assert_eq "$left" no "container cgroup left behind"
}

# A cgroup that already has someone else's process: the container runs there
# with a warning (runc 1.1), but kill --all, pause and delete --force leave
# that process and the cgroup alone (they are not the container's).
test_shared_cgroup_warns_and_leaves_others_alone() {
	local id b cgdir out spid rc
	id=$(unique_id); b=$TEST_TMP/$id cgdir=hrshared-$id
	mkdir "$CG/$cgdir" || fail "mkdir cgroup"
	sleep 300 & spid=$!
	echo "$spid" >"$CG/$cgdir/cgroup.procs" || { kill "$spid"; fail "move sleeper"; }
	make_bundle "$b" sleep 300
	cfg "$b" ".linux.cgroupsPath = \"/$cgdir\""
	hr run -d -b "$b" "$id" </dev/null >"$TEST_TMP/$id.log" 2>&1; rc=$?
	out=$(cat "$TEST_TMP/$id.log")
	local st; st=$(status "$id" 2>/dev/null)
	local pause_out; pause_out=$(hr pause "$id" 2>&1); local prc=$?
	hr kill --all "$id" KILL >/dev/null 2>&1
	hr delete --force "$id" >/dev/null 2>&1
	local alive=no; kill -0 "$spid" 2>/dev/null && alive=yes
	local cg_left=no; [ -d "$CG/$cgdir" ] && cg_left=yes
	kill "$spid"; wait "$spid" 2>/dev/null
	rmdir "$CG/$cgdir" 2>/dev/null
	[ "$rc" -eq 0 ] || fail "run in a shared cgroup: $out"
	assert_contains "$out" "already has processes" || return 1
	assert_eq "$st" running "container status" || return 1
	[ "$prc" -ne 0 ] || fail "pause froze a cgroup with others' processes"
	assert_contains "$pause_out" "not the container's" || return 1
	assert_eq "$alive" yes "the other process survived kill --all and delete --force" || return 1
	assert_eq "$cg_left" yes "the shared cgroup was not removed"
}

run_tests
