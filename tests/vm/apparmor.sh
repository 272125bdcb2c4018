#!/bin/bash
# AppArmor in the VM (AppArmor enabled): loading hardrun-default, running a
# container confined by it, and the fail-closed refusals.
. "$(dirname "$0")/../lib.sh"

need_apparmor() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || skip "AppArmor not enabled"
}

load_default() {
	"$HARDRUN" apparmor load "$TOP/profiles/apparmor/hardrun-default" >/dev/null
}

test_status_reports_enabled() {
	need_apparmor
	assert_contains "$("$HARDRUN" apparmor status)" "AppArmor is enabled"
}

test_load_default_profile() {
	need_apparmor
	load_default || fail "load failed"
	grep -q '^hardrun-default (enforce)$' /sys/kernel/security/apparmor/profiles ||
		fail "hardrun-default not in the kernel's profile list"
}

test_load_docker_profile() {
	need_apparmor
	"$HARDRUN" apparmor load "$TOP/tests/data/apparmor/apparmor-docker-default.profile" >/dev/null ||
		fail "load failed"
	grep -q '^default (enforce)$' /sys/kernel/security/apparmor/profiles || fail "default not loaded"
}

# confined_run BUNDLE CMD: runs sh -c CMD confined by hardrun-default.
confined_run() {
	make_bundle "$1" /bin/sh -c "$2" || return 1
	cfg "$1" '.process.apparmorProfile = "hardrun-default"'
	hr run -b "$1" "$(basename "$1")" </dev/null
}

test_container_runs_confined() {
	local b=$TEST_TMP/$(unique_id) out
	need_apparmor; load_default || return 1
	out=$(confined_run "$b" 'cat /proc/self/attr/current') || fail "run failed: $out"
	rm -rf "$b"
	assert_eq "$out" "hardrun-default (enforce)"
}

test_confined_container_cannot_write_proc_sys_or_sysrq() {
	local b=$TEST_TMP/$(unique_id) out
	need_apparmor; load_default || return 1
	out=$(confined_run "$b" 'echo 1 >/proc/sys/kernel/domainname 2>/dev/null && echo sys-writable; echo h >/proc/sysrq-trigger 2>/dev/null && echo sysrq-writable; cat /proc/kcore >/dev/null 2>&1 && echo kcore-readable; echo done') ||
		fail "run failed: $out"
	rm -rf "$b"
	assert_eq "$out" "done"
}

test_unloaded_profile_is_refused() {
	local b=$TEST_TMP/$(unique_id) out
	need_apparmor
	make_bundle "$b" /bin/true || return 1
	cfg "$b" '.process.apparmorProfile = "hardrun-no-such-profile"'
	if out=$(hr run -b "$b" "$(basename "$b")" </dev/null 2>&1); then
		rm -rf "$b"; fail "run succeeded"; return 1
	fi
	rm -rf "$b"
	assert_contains "$out" 'AppArmor profile "hardrun-no-such-profile" is not loaded (load it with: hardrun apparmor load, or apparmor_parser -r FILE)'
}
run_tests
