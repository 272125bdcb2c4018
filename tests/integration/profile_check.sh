#!/bin/bash
# `hardrun profile check` (issue 14): complain mode for seccomp. What the
# profile would deny runs anyway and is reported (syscall, argument case,
# count, comm, pid, exe, first time); the exit status says whether anything
# would have been denied; --enforce-after N enforces from the N+1st denial.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../profile-lib.sh"

# learned PROFILE ARGS...: a profile learned from ARGS in a busybox bundle.
learned() {
	local p=$1 b=$TEST_TMP/$(unique_id)
	shift
	make_bundle "$b" "$@" || return 1
	hr profile learn -b "$b" -o "$p" </dev/null >/dev/null 2>&1 || fail "learn failed"
	rm -rf "$b"
}

test_same_workload_under_its_learned_profile_is_clean() {
	local p=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id) out rc
	learned "$p" /bin/sh -c 'profile-threads 3 && try-syscall umask 18'
	make_bundle "$b" /bin/sh -c 'profile-threads 3 && try-syscall umask 18' || return 1
	out=$(hr profile check -b "$b" --profile "$p" </dev/null 2>&1); rc=$?
	assert_eq "$rc" "0" "exit status ($out)"
	assert_contains "$out" "would have denied nothing"
	rm -rf "$b"
}

test_denied_calls_run_and_are_reported() {
	local p=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id) out rc r=$TEST_TMP/$(unique_id).report.json
	# twice: the first is forked (sh execs only the last command)
	learned "$p" /bin/sh -c 'try-syscall umask 18; try-syscall umask 18'
	make_bundle "$b" /bin/sh -c 'try-syscall umask 18; try-syscall personality 0xffffffff; try-syscall personality 0xffffffff; try-syscall unshare 0x10000000' || return 1
	out=$(hr profile check -b "$b" --profile "$p" --report "$r" </dev/null 2>"$b.err"); rc=$?
	assert_eq "$rc" "1" "exit status: something would have been denied"
	# not enforced: the calls succeeded
	assert_eq "$out" "umask: 18
personality: 0
personality: 0
unshare: 0"
	assert_eq "$(jq -c '[.denied[] | [.syscall, .count, .wouldGet, .comm, .exe]]' "$r")" \
		'[["personality",2,"errno EPERM","try-syscall","/bin/try-syscall"],["unshare",1,"errno EPERM","try-syscall","/bin/try-syscall"]]'
	assert_eq "$(jq -c '[.denied[] | .case]' "$r")" '[{"persona":4294967295},{"flags":268435456}]'
	assert_eq "$(jq -r '[.denied[] | (.pid > 0) and (.firstSeenMs >= 0)] | all' "$r")" "true"
	assert_contains "$(cat "$b.err")" "personality [persona 0xffffffff]"
	rm -rf "$b" "$b.err" "$r"
}

test_enforce_after_n() {
	local p=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id) out rc r=$TEST_TMP/$(unique_id).report.json
	learned "$p" /bin/sh -c 'try-syscall umask 18; try-syscall umask 18'
	make_bundle "$b" /bin/sh -c 'for i in 1 2 3; do try-syscall personality 0xffffffff; done' || return 1
	out=$(hr profile check -b "$b" --profile "$p" --enforce-after 1 --report "$r" </dev/null 2>/dev/null); rc=$?
	assert_eq "$rc" "1"
	assert_eq "$out" "personality: 0
personality: errno 1 (EPERM)
personality: errno 1 (EPERM)"
	assert_eq "$(jq -r '.enforced' "$r")" "true"
	rm -rf "$b" "$r"
}

test_bundle_profile_by_default() {
	local b=$TEST_TMP/$(unique_id) out rc
	make_bundle "$b" /bin/try-syscall unshare 0x10000000 || return 1
	# hardrun spec's default profile denies unshare; complain mode lets it run
	out=$(hr profile check -b "$b" --format json </dev/null 2>"$b.err"); rc=$?
	assert_eq "$rc" "1"
	assert_eq "$out" "unshare: 0"
	assert_eq "$(jq -r '.denied[0].syscall + " " + .denied[0].wouldGet' "$b.err")" "unshare errno EPERM"
	rm -rf "$b" "$b.err"
}

test_debian_python_clean_under_learned_profile() {
	local b=$TEST_TMP/$(unique_id) p out rc
	need_debian
	p=$b.json
	debian_bundle "$b" /usr/bin/python3 /mnt/workload.py || fail "bundle"
	hr profile learn -b "$b" -o "$p" </dev/null >/dev/null 2>&1 || fail "learn failed"
	# threads come from clone3, which the profile answers ENOSYS (enforced in
	# complain mode too), and glibc's clone fallback is allowed
	out=$(hr profile check -b "$b" --profile "$p" </dev/null 2>&1); rc=$?
	assert_eq "$rc" "0" "exit status ($out)"
	assert_contains "$out" "ok"
	rm -rf "$b" "$p"
}

test_bad_profiles_are_refused_with_exit_2() {
	local b=$TEST_TMP/$(unique_id) bad=$TEST_TMP/$(unique_id).json out rc
	make_bundle "$b" /bin/true || return 1
	printf '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [ oops ]\n}\n' >"$bad"
	out=$(hr profile check -b "$b" --profile "$bad" </dev/null 2>&1); rc=$?
	assert_eq "$rc" "2"
	assert_contains "$out" "$bad:3:"
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_MAYBE"}]}' >"$bad"
	out=$(hr profile check -b "$b" --profile "$bad" </dev/null 2>&1); rc=$?
	assert_eq "$rc" "2"
	assert_contains "$out" 'linux.seccomp.syscalls[0].action'
	assert_contains "$out" "unknown seccomp action"
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [], "syscalls": []}' >"$bad"
	out=$(hr profile check -b "$b" --profile "$bad" </dev/null 2>&1); rc=$?
	assert_eq "$rc" "2"
	assert_contains "$out" "Docker's seccomp profile format"
	cfg "$b" 'del(.linux.seccomp)'
	out=$(hr profile check -b "$b" </dev/null 2>&1); rc=$?
	assert_eq "$rc" "2"
	assert_contains "$out" "no linux.seccomp"
	rm -rf "$b" "$bad"
}

run_tests
