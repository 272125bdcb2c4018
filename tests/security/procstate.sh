#!/bin/bash
# What the workload inherits from the runtime: nothing but what it asks for.
# Signal dispositions and mask must be a fresh process's (hooks and the
# runtime ignore SIGPIPE; foreground run blocks signals to forward them).
. "$(dirname "$0")/../lib.sh"

SCRATCH=$TEST_TMP/procstate.$$
mkdir -p "$SCRATCH"
trap 'rm -rf "$SCRATCH"' EXIT

SIGS='^Sig(Ign|Blk):'
CLEAN=$(printf 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000')

sig_state() { grep -E "$SIGS" <<<"$1"; }

test_workload_signals_default_without_hooks() {
	local b=$SCRATCH/nohooks id out; id=$(unique_id)
	make_bundle "$b" grep -E "$SIGS" /proc/self/status
	out=$(hr run --bundle "$b" "$id" 2>&1 </dev/null)
	hr delete -f "$id" >/dev/null 2>&1
	assert_eq "$(sig_state "$out")" "$CLEAN"
}

test_workload_signals_default_with_hooks() {
	local b=$SCRATCH/hooks id out; id=$(unique_id)
	make_bundle "$b" grep -E "$SIGS" /proc/self/status
	cfg "$b" '.hooks = {prestart: [{path: "/bin/true"}], createRuntime: [{path: "/bin/true"}],
		createContainer: [{path: "/bin/true"}], startContainer: [{path: "/bin/true"}]}'
	out=$(hr run --bundle "$b" "$id" 2>&1 </dev/null)
	hr delete -f "$id" >/dev/null 2>&1
	assert_eq "$(sig_state "$out")" "$CLEAN"
}

test_detached_workload_signals_default_with_hooks() {
	local b=$SCRATCH/detached id; id=$(unique_id)
	make_bundle "$b" grep -E "$SIGS" /proc/self/status
	cfg "$b" '.hooks = {createContainer: [{path: "/bin/true"}], startContainer: [{path: "/bin/true"}]}'
	# the workload's stdout is create's: a file the test reads
	hr create --bundle "$b" "$id" </dev/null >"$SCRATCH/detached.out" 2>&1 || fail "create"
	hr start "$id" || fail "start"
	for _ in $(seq 100); do grep -q SigIgn "$SCRATCH/detached.out" && break; sleep 0.1; done
	hr delete -f "$id"
	assert_eq "$(sig_state "$(cat "$SCRATCH/detached.out")")" "$CLEAN"
}

test_exec_signals_default() {
	local b=$SCRATCH/exec id out; id=$(unique_id)
	make_bundle "$b" sleep 300
	cfg "$b" '.hooks = {createContainer: [{path: "/bin/true"}]}'
	hr run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	out=$(hr exec "$id" grep -E "$SIGS" /proc/self/status 2>&1 </dev/null)
	hr delete -f "$id"
	assert_eq "$(sig_state "$out")" "$CLEAN"
}

# A hook is a new process too: the second hook must not inherit the
# SIGPIPE the runtime ignores while feeding the first one its state.
test_hooks_start_with_default_signals() {
	local b=$SCRATCH/hooksig id out; id=$(unique_id)
	make_bundle "$b" true
	cfg "$b" ".hooks = {createContainer: [{path: \"/bin/true\"},
		{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"exec grep ^SigIgn: /proc/self/status >$SCRATCH/hook-status\"]}]}"
	hr run --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run"
	hr delete -f "$id" >/dev/null 2>&1
	assert_eq "$(cat "$SCRATCH/hook-status")" "$(printf 'SigIgn:\t0000000000000000')"
}

# Whatever the caller ignored (a shell's trap '', make, a supervisor) is
# not passed on either.
test_signals_the_caller_ignored_are_not_inherited() {
	local b=$SCRATCH/callerign id out; id=$(unique_id)
	make_bundle "$b" grep -E "$SIGS" /proc/self/status
	out=$( (trap '' HUP INT QUIT USR1 TERM; hr run --bundle "$b" "$id") 2>&1 </dev/null)
	hr delete -f "$id" >/dev/null 2>&1
	assert_eq "$(sig_state "$out")" "$CLEAN"
}

run_tests
