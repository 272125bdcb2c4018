#!/bin/bash
# cgroup v2 limits enforced for real (run inside scripts/run-in-vm, where the
# root cgroup delegates cpu, memory, pids, io and cpuset).
. "$(dirname "$0")/../lib.sh"

CG=/sys/fs/cgroup

cg_dir() { echo "$CG/$(jq -r .cgroupPath "$STATE_ROOT/$1/state.json")"; }
start() { hr run -d -b "$2" "$1" </dev/null >"$TEST_TMP/$1.log" 2>&1 || fail "run $1: $(cat "$TEST_TMP/$1.log")"; }
cleanup() { hr delete --force "$1" >/dev/null 2>&1 || true; }
# wait_for SECONDS CMD...: until CMD succeeds, by the wall clock (the VM is
# emulated and may share the host with other VMs: allow plenty).
wait_for() {
	local end=$((SECONDS + $1 * WAIT_SCALE)); shift
	while ! "$@" 2>/dev/null; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}
WAIT_SCALE=${WAIT_SCALE:-3}
# pids_at_least DIR N: the cgroup has N or more processes (read each call;
# cgroup.procs, since pids.current exists only with the pids controller)
pids_at_least() { [ "$(wc -l <"$1/cgroup.procs")" -ge "$2" ]; }
# bundle DIR ARGS...: a bundle whose rootfs the container can write (results
# are passed back through files in rootfs/tmp)
bundle() {
	make_bundle "$@" || return 1
	cfg "$1" '.root.readonly = false'
}

test_oom_kill_reported() {
	local id b ev
	id=$(unique_id); b=$TEST_TMP/$id
	bundle "$b" sh -c 'memhog 200 8 > /tmp/memhog.out 2>&1; echo "memhog exit $?" >> /tmp/memhog.out; sleep 1000'
	cfg "$b" '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	start "$id" "$b"
	wait_for 60 grep -q "memhog exit" "$b/rootfs/tmp/memhog.out" || fail "memhog did not finish: $(cat "$b/rootfs/tmp/memhog.out")"
	assert_contains "$(cat "$b/rootfs/tmp/memhog.out")" "memhog exit 137"
	assert_eq "$(cat "$(cg_dir "$id")/memory.max")" 33554432
	ev=$(hr events --stats "$id") || fail "events --stats"
	echo "$ev" | jq -e '.data.memory.raw.oom_kill >= 1' >/dev/null || fail "no oom_kill in stats: $ev"
	echo "$ev" | jq -e '.data.memory.usage.limit == 33554432 and .data.memory.usage.failcnt >= 1' >/dev/null ||
		fail "bad memory stats: $ev"
	cleanup "$id"
}

test_cpu_quota_throttles() {
	local id b dir
	id=$(unique_id); b=$TEST_TMP/$id
	bundle "$b" spin
	cfg "$b" '.linux.resources.cpu = {"quota": 10000, "period": 100000}'
	start "$id" "$b"
	dir=$(cg_dir "$id")
	assert_eq "$(cat "$dir/cpu.max")" "10000 100000"
	# Judge by the kernel's own period count, not the wall clock of an
	# emulated VM: once 20 periods have passed with the spinner throttled,
	# its usage must be near the quota of 10 ms per period (twice that is
	# allowed for the tick-granular accounting; unlimited would be 100 ms).
	cpustat() { awk -v k="$1" '$1 == k {print $2}' "$dir/cpu.stat"; }
	throttled_enough() { [ "$(cpustat nr_periods)" -ge 20 ] && [ "$(cpustat nr_throttled)" -ge 5 ]; }
	wait_for 60 throttled_enough || fail "not throttled: $(tr '\n' ' ' <"$dir/cpu.stat")"
	local st periods usage
	st=$(cat "$dir/cpu.stat")
	periods=$(echo "$st" | awk '$1 == "nr_periods" {print $2}')
	usage=$(echo "$st" | awk '$1 == "usage_usec" {print $2}')
	echo "# cpu under a 10% quota: ${usage} us in ${periods} periods of 100 ms"
	[ "$usage" -le $(( (periods + 1) * 20000 )) ] || fail "used ${usage} us in ${periods} periods: over the quota"
	hr events --stats "$id" | jq -e '.data.cpu.throttling.throttledPeriods > 0' >/dev/null ||
		fail "no throttled periods reported"
	cleanup "$id"
}

test_pids_limit_stops_fork_loop() {
	local id b dir n
	id=$(unique_id); b=$TEST_TMP/$id
	# a failed fork ends a non-interactive shell: loop in a subshell
	bundle "$b" sh -c '(i=0; while [ $i -lt 60 ]; do sleep 1000 & i=$((i+1)); done) 2>/tmp/fork.err; echo forked > /tmp/fork.done; sleep 1000'
	cfg "$b" '.linux.resources.pids = {"limit": 16}'
	start "$id" "$b"
	dir=$(cg_dir "$id")
	assert_eq "$(cat "$dir/pids.max")" 16
	wait_for 60 test -e "$b/rootfs/tmp/fork.done" || fail "fork loop did not finish"
	n=$(cat "$dir/pids.current")
	[ "$n" -le 16 ] || fail "pids.current $n above the limit"
	[ "$(hr ps --format json "$id" | jq length)" -le 16 ] || fail "more than 16 processes"
	[ -s "$b/rootfs/tmp/fork.err" ] || fail "fork loop saw no fork failure"
	grep -q "^max [1-9]" "$dir/pids.events" || fail "pids.events max not counted: $(cat "$dir/pids.events")"
	cleanup "$id"
}

# /dev/kmsg (c 1:11) can be written without capabilities, so only the device
# program can refuse it.
kmsg_bundle() {
	bundle "$1" sh -c 'echo ok > /dev/null && echo null-ok; echo "hardrun device test" > /dev/kmsg && echo kmsg-ok; true'
	cfg "$1" '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438}]'
}

test_device_allowlist() {
	local id b out
	id=$(unique_id); b=$TEST_TMP/$id
	kmsg_bundle "$b"
	out=$(hr run -b "$b" "$id" 2>&1 </dev/null)
	assert_contains "$out" "null-ok"
	assert_contains "$out" "Operation not permitted"
	assert_not_contains "$out" "kmsg-ok"
	cleanup "$id"

	# allowed by a rule: last match wins over the deny-all
	id=$(unique_id); b=$TEST_TMP/$id
	kmsg_bundle "$b"
	cfg "$b" '.linux.resources.devices = [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	out=$(hr run -b "$b" "$id" 2>&1 </dev/null)
	assert_contains "$out" "kmsg-ok"
	cleanup "$id"
}

test_update_lowers_memory_limit() {
	local id b dir
	id=$(unique_id); b=$TEST_TMP/$id
	# each allocation runs when the test creates /tmp/go, so the limit is
	# lowered between allocations ("the next allocation is killed"); lowering
	# it under a running hog makes the kernel's write path kill repeatedly,
	# pid 1 included, before the emulated VM has freed the first victim
	bundle "$b" sh -c 'while :; do if [ -e /tmp/go ]; then rm /tmp/go; memhog 48 8 >/dev/null 2>&1; echo $? >> /tmp/rc; fi; sleep 0.1; done'
	cfg "$b" '.linux.resources.memory = {"limit": 134217728}'
	start "$id" "$b"
	dir=$(cg_dir "$id")
	touch "$b/rootfs/tmp/go"
	wait_for 60 grep -q "^0$" "$b/rootfs/tmp/rc" || fail "memhog never succeeded under 128M: $(cat "$b/rootfs/tmp/rc")"
	hr update --memory 32m --memory-swap 32m "$id" || fail "update"
	assert_eq "$(cat "$dir/memory.max")" 33554432
	touch "$b/rootfs/tmp/go"
	wait_for 60 grep -q "^137$" "$b/rootfs/tmp/rc" ||
		fail "memhog not killed after update: rc [$(tr '\n' ' ' <"$b/rootfs/tmp/rc")]; $(hr ps "$id"); memory.events: $(cat "$dir/memory.events"); current $(cat "$dir/memory.current")"
	assert_eq "$(tr '\n' ' ' <"$b/rootfs/tmp/rc")" "0 137 " "one allocation before and one after the update"
	assert_eq "$(hr state "$id" | jq -r .status)" running "only the allocation was killed"
	# checkBeforeUpdate refuses a limit below the current usage
	printf '{"memory":{"limit":4096,"checkBeforeUpdate":true}}' >"$TEST_TMP/$id.res"
	hr update --resources "$TEST_TMP/$id.res" "$id" 2>/dev/null && fail "update below usage accepted"
	assert_eq "$(cat "$dir/memory.max")" 33554432
	cleanup "$id"
}

counter_above() { local c; c=$(cat "$1") && [ -n "$c" ] && [ "$c" -gt "$2" ]; }

test_pause_stops_progress() {
	local id b c1 c2
	id=$(unique_id); b=$TEST_TMP/$id
	bundle "$b" spin
	cfg "$b" '.process.env += ["SPIN_COUNTER=/tmp/counter"]'
	start "$id" "$b"
	wait_for 30 test -s "$b/rootfs/tmp/counter" || fail "spin not running"
	hr pause "$id" || fail "pause"
	assert_eq "$(hr state "$id" | jq -r .status)" paused
	# absence of progress has no event to wait for: watch a fixed second
	c1=$(cat "$b/rootfs/tmp/counter"); sleep 1; c2=$(cat "$b/rootfs/tmp/counter")
	[ -n "$c1" ] || fail "empty counter"
	assert_eq "$c2" "$c1" "progress while paused"
	hr resume "$id" || fail "resume"
	wait_for 30 counter_above "$b/rootfs/tmp/counter" "$c1" ||
		fail "no progress after resume ($c1 -> $(cat "$b/rootfs/tmp/counter"))"
	cleanup "$id"
}

test_kill_all_and_delete_force_leave_nothing() {
	local id b dir pids p
	id=$(unique_id); b=$TEST_TMP/$id
	bundle "$b" sh -c 'sleep 1000 & sleep 1000 & spin & wait'
	start "$id" "$b"
	dir=$(cg_dir "$id")
	wait_for 30 pids_at_least "$dir" 4 || fail "children not started"
	pids=$(hr ps --format json "$id" | jq -r '.[]')
	hr kill --all "$id" KILL || fail "kill --all"
	wait_for 10 grep -q "populated 0" "$dir/cgroup.events" || fail "cgroup still populated"
	for p in $pids; do process_alive "$p" && fail "process $p survived kill --all"; done
	hr delete --force "$id" || fail "delete --force"
	[ ! -e "$dir" ] || fail "cgroup $dir left behind"

	# delete --force of a running container
	id=$(unique_id); b=$TEST_TMP/$id
	bundle "$b" sh -c 'sleep 1000 & spin & wait'
	start "$id" "$b"
	dir=$(cg_dir "$id")
	wait_for 30 pids_at_least "$dir" 3 || fail "children not started"
	pids=$(hr ps --format json "$id" | jq -r '.[]')
	hr delete --force "$id" || fail "delete --force (running)"
	for p in $pids; do process_alive "$p" && fail "process $p survived delete --force"; done
	[ ! -e "$dir" ] || fail "cgroup $dir left behind"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state left behind"
}

# Without any limit the container's cgroup still has memory, cpu and pids
# (kubelet/cAdvisor read memory.current), and a limit can be added later
# with `update` (docker update, in-place resize).
test_controllers_enabled_without_limits_and_update_later() {
	local id b dir
	id=$(unique_id); b=$TEST_TMP/$id
	bundle "$b" sleep 1000
	start "$id" "$b"
	dir=$(cg_dir "$id")
	[ -e "$dir/memory.current" ] || fail "no memory.current: $(cat "$dir/cgroup.controllers")"
	[ -e "$dir/cpu.max" ] && [ -e "$dir/pids.current" ] || fail "controllers: $(cat "$dir/cgroup.controllers")"
	hr update --memory 67108864 --cpu-quota 50000 --cpu-period 100000 "$id" || fail "update adding limits"
	assert_eq "$(cat "$dir/memory.max")" 67108864
	assert_eq "$(cat "$dir/cpu.max")" "50000 100000"
	cleanup "$id"
}

# Fail closed on a host that has every controller: the container's parent
# has a process of its own, so it cannot enable memory for children.
# The container process runs its setup on one CPU (src/container/cpu_pin.c);
# the workload gets its cgroup's cpuset back, whether the config narrows it
# or not, and still follows the cpuset when `update` widens it later (since
# Linux 6.2 a mask the process set itself would narrow that).
test_workload_affinity_is_its_cpuset() {
	local b=$TEST_TMP/$FUNCNAME out id
	[ "$(nproc)" -ge 2 ] || skip "one CPU: nothing to narrow"
	make_bundle "$b" sh -c 'grep Cpus_allowed_list /proc/self/status; echo "effective $(cat /sys/fs/cgroup/cpuset.cpus.effective)"'
	out=$(hr run -b "$b" "$(unique_id)" 2>&1 </dev/null) || fail "run: $out"
	assert_eq "$out" "$(printf 'Cpus_allowed_list:\t0-%d\neffective 0-%d' $(($(nproc) - 1)) $(($(nproc) - 1)))"
	cfg "$b" '.linux.resources.cpu = {"cpus": "1"}'
	out=$(hr run -b "$b" "$(unique_id)" 2>&1 </dev/null) || fail "run with cpus 1: $out"
	assert_eq "$out" "$(printf 'Cpus_allowed_list:\t1\neffective 1')"
	# a runtime narrowed to CPU 0 (taskset) starting a container on CPU 1:
	# the cpuset wins, as the kernel has it
	out=$(taskset -c 0 "$HARDRUN" --root "$STATE_ROOT" run -b "$b" "$(unique_id)" 2>&1 </dev/null) ||
		fail "run with cpus 1 under taskset -c 0: $out"
	assert_eq "$out" "$(printf 'Cpus_allowed_list:\t1\neffective 1')"
	id=$(unique_id)
	make_bundle "$b" sh -c 'while :; do grep Cpus_allowed_list /proc/self/status >/tmp/cpus; sleep 0.2; done'
	cfg "$b" '.root.readonly = false | .linux.resources.cpu = {"cpus": "1"}'
	start "$id" "$b"
	wait_for 30 grep -q "list:.1$" "$b/rootfs/tmp/cpus" || { cleanup "$id"; fail "not on CPU 1: $(cat "$b/rootfs/tmp/cpus")"; }
	hr update --cpuset-cpus "0-$(($(nproc) - 1))" "$id" || { cleanup "$id"; fail "update --cpuset-cpus"; }
	wait_for 30 grep -q "list:.0-$(($(nproc) - 1))$" "$b/rootfs/tmp/cpus" ||
		{ cleanup "$id"; fail "update did not widen the affinity: $(cat "$b/rootfs/tmp/cpus")"; }
	cleanup "$id"
}

test_memory_limit_fails_closed_under_parent_without_controller() {
	local id b parent out spid
	id=$(unique_id); b=$TEST_TMP/$id parent=hrfc-$id
	mkdir "$CG/$parent" || fail "mkdir parent"
	sleep 300 & spid=$!
	echo "$spid" >"$CG/$parent/cgroup.procs" || { kill "$spid"; fail "move sleeper"; }
	bundle "$b" true
	cfg "$b" ".linux.cgroupsPath = \"/$parent/ctr\" | .linux.resources.memory.limit = 67108864"
	out=$(hr run -b "$b" "$id" 2>&1 </dev/null); local rc=$?
	cleanup "$id"
	kill "$spid"; wait "$spid" 2>/dev/null
	local left=no; [ -d "$CG/$parent/ctr" ] && left=yes
	rmdir "$CG/$parent/ctr" 2>/dev/null; rmdir "$CG/$parent"
	[ "$rc" -ne 0 ] || fail "run with a memory limit the parent cannot pass down succeeded"
	assert_contains "$out" '"memory"'
	assert_eq "$left" no "container cgroup left behind"
}

run_tests
