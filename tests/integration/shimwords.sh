#!/bin/bash
# The words containerd's runc shim and podman look for in the runtime's
# output (not in --log): "container not running" and "no such process" mean
# the process already finished, "does not exist" means no such container.
# Every error is on stderr as well as in the --log file.
. "$(dirname "$0")/../lib.sh"

hrlog() { "$HARDRUN" --root "$STATE_ROOT" --log "$LOG" --log-format json "$@"; }

# kill racing the exit of a container that ends at once: each kill either
# delivers the signal or says "container not running" on stderr.
test_kill_racing_exit_says_container_not_running() {
	local b=$TEST_TMP/$FUNCNAME id i rc err stopped=0 LOG=$TEST_TMP/$FUNCNAME.log
	make_bundle "$b" true
	for i in $(seq 10); do
		id=$(unique_id)
		hr run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
		while :; do
			err=$(hrlog kill "$id" KILL 2>&1 >/dev/null); rc=$?
			[ "$rc" -eq 0 ] && continue
			assert_eq "$rc" 1 "kill exit status"
			assert_contains "$err" "container not running"
			stopped=$((stopped + 1))
			break
		done
		hr delete -f "$id"
	done
	assert_eq "$stopped" 10 "every container ended up reported as not running"
	assert_contains "$(tail -n 1 "$LOG")" '"level":"error","msg":"container not running'
}

test_kill_all_of_exited_container_succeeds() {
	local b=$TEST_TMP/$FUNCNAME id LOG=$TEST_TMP/$FUNCNAME.log; id=$(unique_id)
	make_bundle "$b" true
	hr run --bundle "$b" -d "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	for _ in $(seq 100); do [ "$(hr state "$id" | jq -r .status)" = stopped ] && break; sleep 0.1; done
	hrlog kill --all "$id" KILL || fail "kill --all of a stopped container"
	hr delete "$id"
}

test_missing_container_says_does_not_exist_on_stderr() {
	local verb err LOG=$TEST_TMP/$FUNCNAME.log
	for verb in state kill delete exec; do
		case $verb in
		exec) err=$(hrlog exec no-such-ctr true 2>&1 >/dev/null) ;;
		*) err=$(hrlog "$verb" no-such-ctr 2>&1 >/dev/null) ;;
		esac
		assert_contains "$err" "does not exist"
	done
	assert_contains "$(tail -n 1 "$LOG")" '"level":"error"'
	assert_contains "$(tail -n 1 "$LOG")" "does not exist"
}

test_exec_into_stopped_container_names_it() {
	local b=$TEST_TMP/$FUNCNAME id err LOG=$TEST_TMP/$FUNCNAME.log; id=$(unique_id)
	make_bundle "$b" true
	hr run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	for _ in $(seq 100); do [ "$(hr state "$id" | jq -r .status)" = stopped ] && break; sleep 0.1; done
	err=$(hrlog exec "$id" true 2>&1 >/dev/null)
	hr delete "$id"
	assert_contains "$err" "container not running"
}

run_tests
