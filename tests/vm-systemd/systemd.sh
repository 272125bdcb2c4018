#!/bin/bash
# --systemd-cgroup for real: run inside `scripts/run-in-vm --systemd`, where
# systemd is PID 1 with a pure cgroup v2 hierarchy and D-Bus. Containers are
# scopes in system.slice whose properties systemd shows and whose cgroup
# files hold the limits; update changes both; kill --all, pause/resume and
# delete leave no unit and no cgroup; neither does a create killed with -9
# followed by delete --force.
. "$(dirname "$0")/../lib.sh"

CG=/sys/fs/cgroup
WAIT_SCALE=${WAIT_SCALE:-3}

[ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] || {
	echo "1..1"; echo "not ok - systemd: PID 1 is not systemd (run under scripts/run-in-vm --systemd)"; exit 1; }

hs() { hr --systemd-cgroup "$@"; }
wait_for() {
	local end=$((SECONDS + $1 * WAIT_SCALE)); shift
	while ! "$@" 2>/dev/null; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}
prop() { systemctl show -P "$2" "$1"; }
unit_active() { [ "$(systemctl show -P ActiveState "$1")" = active ]; }
unit_gone() { [ "$(systemctl show -P LoadState "$1")" = not-found ]; }
cg_path() { jq -r .cgroupPath "$STATE_ROOT/$1/state.json"; }
status_is() { [ "$(hr state "$1" | jq -r .status)" = "$2" ]; }
# (the container keeps its stdio: a file, not a pipe the caller waits on)
start_detached() {
	hs run -d -b "$2" "$1" </dev/null >"$TEST_TMP/$1.log" 2>&1 || fail "run $1: $(cat "$TEST_TMP/$1.log")"
}
# assert_clean ID UNIT PATH: no state, no unit, no cgroup
assert_clean() {
	[ ! -e "$STATE_ROOT/$1" ] || fail "state of $1 left behind"
	wait_for 10 unit_gone "$2" || fail "unit $2 left: $(systemctl show -p LoadState -p ActiveState "$2")"
	[ ! -d "$CG/$3" ] || fail "cgroup $3 left behind"
}

test_scope_with_properties() {
	local id b unit path pid
	id=$(unique_id); b=$TEST_TMP/$id; unit=hardrun-test-$id.scope
	make_bundle "$b" sleep 1000
	cfg "$b" ".linux.cgroupsPath = \"system.slice:hardrun-test:$id\"
		| .linux.resources.memory = {\"limit\": 67108864, \"reservation\": 16777216}
		| .linux.resources.pids = {\"limit\": 64}
		| .linux.resources.cpu = {\"shares\": 1024, \"quota\": 20000, \"period\": 100000, \"cpus\": \"0\", \"mems\": \"0\"}"
	start_detached "$id" "$b"
	path=$(cg_path "$id")
	assert_eq "$path" "system.slice/$unit"
	pid=$(hr state "$id" | jq -r .pid)
	assert_eq "$(cat "/proc/$pid/cgroup")" "0::/system.slice/$unit"
	assert_eq "$(prop "$unit" ActiveState)" active
	assert_eq "$(prop "$unit" Slice)" system.slice
	assert_eq "$(prop "$unit" Delegate)" yes
	assert_eq "$(prop "$unit" MemoryMax)" 67108864
	assert_eq "$(prop "$unit" MemoryLow)" 16777216
	assert_eq "$(prop "$unit" TasksMax)" 64
	assert_eq "$(prop "$unit" CPUWeight)" 39
	assert_eq "$(prop "$unit" CPUQuotaPerSecUSec)" 200ms
	assert_eq "$(prop "$unit" AllowedCPUs)" 0
	assert_eq "$(prop "$unit" DevicePolicy)" strict
	assert_contains "$(prop "$unit" DeviceAllow)" "char-pts rwm"
	assert_eq "$(cat "$CG/$path/memory.max")" 67108864
	assert_eq "$(cat "$CG/$path/memory.low")" 16777216
	assert_eq "$(cat "$CG/$path/pids.max")" 64
	assert_eq "$(cat "$CG/$path/cpu.max")" "20000 100000"
	assert_eq "$(cat "$CG/$path/cpu.weight")" 39
	assert_eq "$(cat "$CG/$path/cpuset.cpus")" 0
	hr events --stats "$id" | jq -e '.data.memory.usage.limit == 67108864' >/dev/null || fail "events --stats"
	hr delete --force "$id" || fail "delete"
	assert_clean "$id" "$unit" "$path"
}

test_default_path_is_hardrun_id_scope() {
	local id b
	id=$(unique_id); b=$TEST_TMP/$id
	make_bundle "$b" sleep 1000
	start_detached "$id" "$b"
	assert_eq "$(cg_path "$id")" "system.slice/hardrun-$id.scope"
	assert_eq "$(prop "hardrun-$id.scope" ActiveState)" active
	hr delete --force "$id" || fail "delete"
	assert_clean "$id" "hardrun-$id.scope" "system.slice/hardrun-$id.scope"
}

test_nested_slice() {
	local id b slice=hrtest-a-b.slice
	id=$(unique_id); b=$TEST_TMP/$id
	make_bundle "$b" sleep 1000
	cfg "$b" ".linux.cgroupsPath = \"$slice:p:$id\""
	start_detached "$id" "$b"
	assert_eq "$(cg_path "$id")" "hrtest.slice/hrtest-a.slice/hrtest-a-b.slice/p-$id.scope"
	assert_eq "$(prop "p-$id.scope" Slice)" "$slice"
	hr delete --force "$id" || fail "delete"
	assert_clean "$id" "p-$id.scope" "hrtest.slice/hrtest-a.slice/hrtest-a-b.slice/p-$id.scope"
}

test_update_changes_unit_and_files() {
	local id b unit path
	id=$(unique_id); b=$TEST_TMP/$id; unit=hardrun-$id.scope
	make_bundle "$b" sleep 1000
	cfg "$b" '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 64}'
	start_detached "$id" "$b"
	path=$(cg_path "$id")
	hr update --memory 128m --pids-limit 100 --cpu-quota 50000 --cpu-period 100000 "$id" || fail "update"
	assert_eq "$(prop "$unit" MemoryMax)" 134217728
	assert_eq "$(prop "$unit" TasksMax)" 100
	assert_eq "$(prop "$unit" CPUQuotaPerSecUSec)" 500ms
	assert_eq "$(cat "$CG/$path/memory.max")" 134217728
	assert_eq "$(cat "$CG/$path/pids.max")" 100
	assert_eq "$(cat "$CG/$path/cpu.max")" "50000 100000"
	hr delete --force "$id" || fail "delete"
	assert_clean "$id" "$unit" "$path"
}

test_exec_pause_resume_kill_all_delete() {
	local id b unit path out
	id=$(unique_id); b=$TEST_TMP/$id; unit=hardrun-$id.scope
	make_bundle "$b" sh -c 'sleep 1000 & sleep 1000'
	start_detached "$id" "$b"
	path=$(cg_path "$id")
	out=$(hr exec "$id" cat /proc/self/cgroup) || fail "exec: $out"
	assert_eq "$out" "0::/"
	hr pause "$id" || fail "pause"
	assert_eq "$(cat "$CG/$path/cgroup.freeze")" 1
	status_is "$id" paused || fail "not paused"
	hr resume "$id" || fail "resume"
	status_is "$id" running || fail "not running after resume"
	hr kill --all "$id" KILL || fail "kill --all"
	wait_for 20 status_is "$id" stopped || fail "not stopped after kill --all"
	hr delete "$id" || fail "delete"
	assert_clean "$id" "$unit" "$path"
}

# create killed with -9 while its createRuntime hook runs (the scope exists,
# the container process waits): delete --force still removes all of it.
test_killed_create_then_delete_force() {
	local id b unit cpid
	id=$(unique_id); b=$TEST_TMP/$id; unit=hardrun-$id.scope
	make_bundle "$b" true
	cfg "$b" '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "1000"]}]'
	# hardrun itself in the background (not a function's subshell): $! is its pid
	"$HARDRUN" --root "$STATE_ROOT" --systemd-cgroup create -b "$b" "$id" </dev/null >/dev/null 2>&1 &
	cpid=$!
	wait_for 30 unit_active "$unit" || fail "scope never became active"
	kill -9 "$cpid"
	wait "$cpid" 2>/dev/null
	timeout 120 "$HARDRUN" --root "$STATE_ROOT" delete --force "$id" || fail "delete --force"
	assert_clean "$id" "$unit" "system.slice/$unit"
}

run_tests
