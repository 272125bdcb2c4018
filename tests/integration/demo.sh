#!/bin/bash
# The README's demo (scripts/demo.sh, `make demo`) runs on this host with
# `hardrun spec`'s config unchanged but for what it runs: no jq, no chown.
. "$(dirname "$0")/../lib.sh"

test_demo_runs_hardened_spec_unchanged() {
	local d=$TEST_TMP/$FUNCNAME out
	! grep -qE '(^|[^a-z])(jq|chown)( |$)' "$TOP/scripts/demo.sh" || fail "demo.sh edits or chowns: $(grep -nE 'jq|chown' "$TOP/scripts/demo.sh")"
	rm -rf "$d"
	out=$(DEMO_DIR=$d HARDRUN=$HARDRUN sh "$TOP/scripts/demo.sh" 2>&1 </dev/null) || { rm -rf "$d"; fail "demo failed: $out"; }
	rm -rf "$d"
	assert_contains "$(echo "$out" | tr -s ' ')" " 0 100000 65536"
	assert_contains "$out" "CapEff:	0000000000000000"
	assert_contains "$out" "NoNewPrivs:	1"
	assert_contains "$out" "Seccomp:	2"
	assert_contains "$out" "Read-only file system"
	assert_contains "$out" "Operation not permitted"
}

run_tests
