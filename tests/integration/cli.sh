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

# list as runc prints it: sorted by id, OWNER filled; a bad format is an error
test_list_sorted_with_owner() {
	local b=$TEST_TMP/$FUNCNAME base root=$TEST_TMP/$FUNCNAME.root out ids; base=$(unique_id)
	make_bundle "$b" sleep 300
	for s in z a m; do
		"$HARDRUN" --root "$root" create --bundle "$b" "$base-$s" </dev/null >/dev/null 2>&1 || fail "create $s"
	done
	ids=$("$HARDRUN" --root "$root" list -q | tr '\n' ' ')
	out=$("$HARDRUN" --root "$root" list)
	"$HARDRUN" --root "$root" list -f xml >/dev/null 2>&1; local rc=$?
	for s in z a m; do "$HARDRUN" --root "$root" delete -f "$base-$s"; done
	assert_eq "$ids" "$base-a $base-m $base-z "
	assert_eq "$(echo "$out" | awk 'NR == 2 { print $NF }')" root
	assert_eq "$rc" 1 "list -f xml"
}

run_tests
