#!/bin/bash
# `profile learn --apparmor` / `profile check --apparmor` (issue 14) on a
# host: where AppArmor is not enabled both refuse at once, naming why, with
# exit status 2 and nothing written; option mistakes are named. The runs
# themselves are tested in the VM (tests/vm/apparmor_learn.sh).
. "$(dirname "$0")/../lib.sh"

no_apparmor() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is enabled here"
}

test_learn_refused_without_apparmor() {
	local b=$TEST_TMP/$(unique_id) out rc
	no_apparmor
	make_bundle "$b" /bin/true || return 1
	out=$(hr profile learn --apparmor -b "$b" -o "$b.aa" </dev/null 2>&1); rc=$?
	assert_eq "$rc" 2 "exit status ($out)"
	assert_eq "$out" "hardrun: profile learn --apparmor: AppArmor is not enabled on this host (/sys/module/apparmor/parameters/enabled)"
	[ ! -e "$b.aa" ] || fail "an output was written"
	rm -rf "$b"
}

test_check_refused_without_apparmor() {
	local b=$TEST_TMP/$(unique_id) out rc
	no_apparmor
	make_bundle "$b" /bin/true || return 1
	printf 'profile x {\n}\n' >"$b.aa"
	out=$(hr profile check --apparmor -b "$b" --profile "$b.aa" </dev/null 2>&1); rc=$?
	assert_eq "$rc" 2 "exit status ($out)"
	assert_eq "$out" "hardrun: profile check --apparmor: AppArmor is not enabled on this host (/sys/module/apparmor/parameters/enabled)"
	rm -rf "$b" "$b.aa"
}

test_option_mistakes_are_named() {
	local out rc
	out=$(hr profile learn -o /tmp/x.json --name web 2>&1); rc=$?
	assert_eq "$rc" 1 "learn --name without --apparmor ($out)"
	assert_contains "$out" "profile learn: --name is for --apparmor"
	out=$(hr profile check --apparmor --enforce-after 3 2>&1); rc=$?
	assert_eq "$rc" 2 "check --apparmor --enforce-after ($out)"
	assert_contains "$out" "--enforce-after is for seccomp profiles"
}
run_tests
