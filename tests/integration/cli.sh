#!/bin/bash
# runc's command line, where it differs from a plain getopt reading.
. "$(dirname "$0")/../lib.sh"

test_update_options_after_the_id() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" sleep 300
	hr run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	# an unlimited pids limit needs no controller, so it works on any host
	out=$(hr update "$id" --pids-limit 0 2>&1); local rc=$?
	hr delete -f "$id"
	assert_eq "$rc" 0 "update ID --pids-limit 0: $out"
}

test_kill_signal_zero_probes() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	make_bundle "$b" sleep 300
	hr run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	hr kill "$id" 0 || { hr delete -f "$id"; fail "kill ID 0 of a running container"; }
	assert_eq "$(hr state "$id" | jq -r .status)" running
	hr delete -f "$id"
	hr kill "$id" 0 2>/dev/null && fail "kill ID 0 of a deleted container succeeded"
	return 0
}

test_run_keep_keeps_the_stopped_container() {
	local b=$TEST_TMP/$FUNCNAME id st; id=$(unique_id)
	make_bundle "$b" true
	hr run --keep --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run --keep"
	st=$(hr state "$id" 2>&1 | jq -r .status 2>/dev/null)
	hr delete "$id" >/dev/null 2>&1
	assert_eq "$st" stopped
	hr create --keep --bundle "$b" "$id" </dev/null >/dev/null 2>&1 && { hr delete -f "$id"; fail "create --keep accepted"; }
	return 0
}

run_tests
