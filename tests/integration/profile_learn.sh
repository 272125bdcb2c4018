#!/bin/bash
# `hardrun profile learn` (issue 14): a profile learned from a workload lets
# that workload run enforced, is deny-by-default and keeps namespace
# escalation denied; the supervisor follows forks, execs and threads, and a
# run killed mid-recording still leaves a profile, flagged partial. Real
# programs (python3, gcc, a shell pipeline) run in a Debian rootfs that
# tests/setup/debian-rootfs.sh builds once per machine (skipped with the
# reason when it cannot).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../profile-lib.sh"

# learn_busybox PROFILE ARGS...: learns ARGS in a busybox bundle; prints its output.
learn_busybox() {
	local p=$1 b=$TEST_TMP/$(unique_id); shift
	make_bundle "$b" "$@" || return 1
	hr profile learn -b "$b" -o "$p" </dev/null
	local rc=$?
	rm -rf "$b"
	return $rc
}

test_learned_profile_is_deny_by_default_and_tight() {
	local p=$TEST_TMP/$(unique_id).json
	learn_busybox "$p" /bin/sh -c 'echo hi | cat' >/dev/null || fail "learn failed"
	assert_eq "$(jq -r '.defaultAction + " " + (.defaultErrnoRet|tostring)' "$p")" "SCMP_ACT_ERRNO 1"
	assert_eq "$(jq -r '.architectures | join(",")' "$p")" "SCMP_ARCH_X86_64"
	assert_eq "$(jq -r '[.syscalls[] | select(.names == ["clone3"])][0] | .action + " " + (.errnoRet|tostring)' "$p")" \
		"SCMP_ACT_ERRNO 38"
	local allowed
	allowed=$(allowed_names "$p")
	assert_contains "$allowed" " execve "
	assert_contains "$allowed" " write "
	for s in unshare mount setns bpf ptrace keyctl add_key kexec_load init_module finit_module \
		open_by_handle_at perf_event_open userfaultfd io_uring_setup personality; do
		assert_not_contains "$allowed" " $s "
	done
	# runtime steps before execve are hardrun's, not the workload's
	assert_not_contains "$allowed" " seccomp "
	assert_eq "$(jq -r '."x-hardrun".learn.partial' "$p")" "false"
}

# profile lint judges the compiled filter: a learned profile lets no
# dangerous syscall through (its warnings are decisions: docs/profiles.md)
test_learned_profile_has_no_lint_errors() {
	local b=$TEST_TMP/$(unique_id) p out
	need_debian
	p=$b.json
	debian_bundle "$b" /usr/bin/python3 /mnt/workload.py || fail "bundle"
	hr profile learn -b "$b" -o "$p" </dev/null >/dev/null 2>&1 || fail "learn failed"
	out=$(hr profile lint "$p" --format json)
	assert_eq "$(jq -r '.errors' <<<"$out")" "0" "lint errors: $out"
	assert_eq "$(jq -r '[.findings[] | select(.severity != "warning")] | length' <<<"$out")" "0"
	rm -rf "$b" "$p"
}

test_threads_cannot_unshare_under_learned_profile() {
	local p=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id) out
	learn_busybox "$p" /bin/sh -c 'profile-threads 4 && try-syscall umask 18' >/dev/null || fail "learn failed"
	# threads came through clone3 or clone; clone is allowed without namespace flags only
	assert_eq "$(jq -c '[.syscalls[] | select(.names == ["clone"]) | .args[0] | [.value, .valueTwo]]' "$p")" \
		"[[2114060288,0]]"
	# (make_bundle takes one argument per line)
	make_bundle "$b" /bin/sh -c 'profile-threads 4 && try-syscall umask 18 && try-syscall unshare 0x10000000 && try-syscall clone 0x10000011 && try-syscall clone3' ||
		return 1
	with_profile "$b" "$p"
	out=$(hr run -b "$b" "$(basename "$b")" </dev/null) || fail "enforced run failed: $out"
	assert_eq "$out" "threads: 4
umask: 18
unshare: errno 1 (EPERM)
clone: errno 1 (EPERM)
clone3: errno 38 (ENOSYS)"
}

test_without_no_new_privs_hardrun_steps_are_in_the_profile() {
	local p=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id) out
	make_bundle "$b" /bin/try-syscall umask 18 || return 1
	# the filter is then loaded before hardrun drops privileges, which runs under it
	cfg "$b" '.process.noNewPrivileges = false'
	hr profile learn -b "$b" -o "$p" </dev/null >/dev/null 2>&1 || fail "learn failed"
	assert_eq "$(jq -r '."x-hardrun".learn.runtimeSyscallsIncluded' "$p")" "true"
	assert_contains "$(allowed_names "$p")" " capset "
	with_profile "$b" "$p"
	out=$(hr run -b "$b" "$(basename "$b")" </dev/null 2>&1) || fail "enforced run failed: $out"
	assert_eq "$out" "umask: 18"
	rm -rf "$b"
}

test_supervisor_follows_forks_execs_and_threads() {
	local p=$TEST_TMP/$(unique_id).json allowed
	learn_busybox "$p" /bin/sh -c '(try-syscall personality 0xffffffff) && sh -c "try-syscall umask 18" && profile-threads 3' \
		>/dev/null || fail "learn failed"
	allowed=$(allowed_names "$p")
	assert_contains "$allowed" " umask "   # a grandchild, after two execs
	assert_contains "$allowed" " getcpu "  # only the threads call it
	assert_eq "$(jq -c '[.syscalls[] | select(.names == ["personality"]) | .args[0].valueTwo]' "$p")" "[4294967295]"
}

test_killed_mid_recording_leaves_partial_profile() {
	local p=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id) id=$(unique_id) pid rc
	make_bundle "$b" /bin/sh -c 'try-syscall umask 18; exec sleep 1000' || return 1
	hr profile learn -b "$b" -o "$p" --id "$id" </dev/null 2>"$b.err" &
	pid=$!
	# the checkpoint appears once the workload ran something new
	wait_for "checkpoint" 20 test -s "$p"
	wait_for "sleep running" 20 sh -c "jq -e '[.syscalls[].names[]] | index(\"umask\")' '$p' >/dev/null"
	assert_eq "$(jq -r '."x-hardrun".learn.partial' "$p")" "true"
	hr kill "$id" KILL
	wait "$pid"; rc=$?
	assert_eq "$rc" "137" "learn's status is the workload's"
	assert_eq "$(jq -r '."x-hardrun".learn.partial' "$p")" "true"
	assert_contains "$(jq -r '."x-hardrun".learn.reason' "$p")" "signal 9"
	assert_contains "$(cat "$b.err")" "partial"
	assert_contains "$(allowed_names "$p")" " umask "
	rm -rf "$b" "$b.err"
}

# CVE-2019-5736: the container process is hardrun until execve, so learn
# (like run) runs from a sealed copy of itself, not the binary on disk
test_learn_runs_from_a_sealed_copy_of_itself() {
	local p=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id) id=$(unique_id) pid exe
	make_bundle "$b" /bin/sh -c 'try-syscall umask 18; exec sleep 1000' || return 1
	(exec "$HARDRUN" --root "$STATE_ROOT" profile learn -b "$b" -o "$p" --id "$id" </dev/null >/dev/null 2>&1) &
	pid=$!
	wait_for "checkpoint" 20 test -s "$p"
	exe=$(readlink "/proc/$pid/exe")
	hr kill "$id" KILL
	wait "$pid"
	assert_contains "$exe" "/memfd:"
	rm -rf "$b" "$p"
}

# learn forwards signals to the workload as run does (its supervisor
# thread must not swallow them)
test_signals_reach_the_workload() {
	local p=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id) pid out rc
	make_bundle "$b" /bin/sh -c 'trap "echo got USR1; exit 7" USR1; try-syscall umask 18; while :; do sleep 0.1; done' ||
		return 1
	(exec "$HARDRUN" --root "$STATE_ROOT" profile learn -b "$b" -o "$p" </dev/null >"$b.out" 2>/dev/null) &
	pid=$!
	wait_for "umask recorded" 20 sh -c "jq -e '[.syscalls[].names[]] | index(\"umask\")' '$p' >/dev/null 2>&1"
	kill -USR1 "$pid"
	wait "$pid"; rc=$?
	assert_eq "$rc" "7"
	assert_contains "$(cat "$b.out")" "got USR1"
	rm -rf "$b" "$b.out" "$p"
}

test_learn_itself_killed_leaves_checkpoint() {
	local p=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id) id=$(unique_id) pid
	make_bundle "$b" /bin/sh -c 'try-syscall umask 18; exec sleep 1000' || return 1
	# exec: $! is hardrun itself, not a subshell
	(exec "$HARDRUN" --root "$STATE_ROOT" profile learn -b "$b" -o "$p" --id "$id" </dev/null 2>/dev/null) &
	pid=$!
	wait_for "umask recorded" 20 sh -c "jq -e '[.syscalls[].names[]] | index(\"umask\")' '$p' >/dev/null 2>&1"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	hr delete --force "$id"
	assert_eq "$(jq -r '."x-hardrun".learn.partial' "$p")" "true"
	assert_contains "$(jq -r '."x-hardrun".learn.reason' "$p")" "checkpoint"
	rm -rf "$b"
}

# as an unprivileged user: the runtime takes the listener from a child in a
# user namespace it owns
test_rootless_learn_then_enforce_and_check() {
	local b=$TEST_TMP/$FUNCNAME out
	as_nobody() { (cd "$b" && setpriv --reuid 65534 --regid 65534 --clear-groups env -u XDG_RUNTIME_DIR "$@"); }
	rm -rf "$b"; mkdir -p "$b"; chmod 755 "$b"
	cp -a "$(rootfs_template)" "$b/rootfs"
	chown -R 65534:65534 "$b"
	as_nobody "$HARDRUN" spec --rootless || fail "spec --rootless"
	jq '.process.terminal = false | .process.args = ["sh", "-c", "profile-threads 2; try-syscall umask 18"]' \
		"$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json" && chown 65534 "$b/config.json"
	out=$(as_nobody "$HARDRUN" profile learn -o "$b/p.json" </dev/null 2>&1) || fail "rootless learn: $out"
	assert_eq "$(jq -r '."x-hardrun".learn.partial' "$b/p.json")" "false"
	out=$(as_nobody "$HARDRUN" profile check --profile "$b/p.json" </dev/null 2>&1) || fail "rootless check: $out"
	assert_contains "$out" "would have denied nothing"
	jq --slurpfile p "$b/p.json" '.linux.seccomp = $p[0]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	chown 65534 "$b/config.json"
	out=$(as_nobody "$HARDRUN" run "$(unique_id)" </dev/null 2>&1) || fail "rootless enforced run: $out"
	assert_eq "$out" "threads: 2
umask: 18"
	rm -rf "$b"
}

test_merge_extends_a_profile() {
	local a=$TEST_TMP/$(unique_id).json m=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id) allowed
	learn_busybox "$a" /bin/try-syscall getppid >/dev/null || fail "first learn failed"
	assert_not_contains "$(allowed_names "$a")" " umask "
	make_bundle "$b" /bin/try-syscall umask 18 || return 1
	hr profile learn -b "$b" -o "$m" --merge "$a" </dev/null >/dev/null 2>&1 || fail "merge learn failed"
	allowed=$(allowed_names "$m")
	assert_contains "$allowed" " getppid "
	assert_contains "$allowed" " umask "
	assert_eq "$(jq -r '."x-hardrun".learn.runs' "$m")" "2"
	rm -rf "$b"
}

test_merge_of_bad_json_names_file_line_col() {
	local bad=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id) out
	printf '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [ oops ]\n}\n' >"$bad"
	make_bundle "$b" /bin/true || return 1
	out=$(hr profile learn -b "$b" -o "$TEST_TMP/never.json" --merge "$bad" 2>&1) && fail "accepted: $out"
	assert_contains "$out" "$bad:3:"
	[ ! -e "$TEST_TMP/never.json" ] || fail "a profile was written"
	printf '{"defaultAction": "SCMP_ACT_SOMETIMES"}' >"$bad"
	out=$(hr profile learn -b "$b" -o "$TEST_TMP/never.json" --merge "$bad" 2>&1) && fail "accepted: $out"
	assert_contains "$out" "unknown seccomp action"
	rm -rf "$b" "$bad"
}

# startContainer hooks run under the container's filter, which learn and
# check replace: refused up front, not a hook failing with ENOSYS
test_start_container_hooks_are_refused() {
	local b=$TEST_TMP/$(unique_id) out rc
	make_bundle "$b" /bin/true || return 1
	cfg "$b" '.hooks.startContainer = [{path: "/bin/true"}]'
	out=$(hr profile learn -b "$b" -o "$TEST_TMP/never.json" </dev/null 2>&1) && fail "learn accepted: $out"
	assert_contains "$out" "hooks.startContainer"
	out=$(hr profile check -b "$b" </dev/null 2>&1); rc=$?
	assert_eq "$rc" "2"
	assert_contains "$out" "hooks.startContainer"
	[ ! -e "$TEST_TMP/never.json" ] || fail "a profile was written"
	rm -rf "$b"
}

# A host policy floor on seccomp (docs/policy.md) holds during learn and
# check: its filter stays beneath the supervised one, so what it denies is
# denied (and never learned)
test_host_policy_seccomp_floor_holds() {
	local b=$TEST_TMP/$(unique_id) pol=$TEST_TMP/$(unique_id).policy p out
	p=$b.json
	mkdir -p "$pol" && chmod 700 "$pol"
	printf '{"version": 1, "seccomp": {"mode": "inject", "profile": "default"}}\n' >"$pol/policy.json"
	chmod 600 "$pol/policy.json"
	make_bundle "$b" /bin/sh -c 'try-syscall unshare 0x10000000; try-syscall umask 18' || return 1
	cfg "$b" 'del(.linux.seccomp)'
	out=$("$HARDRUN" --policy "$pol/policy.json" --root "$STATE_ROOT" profile learn -b "$b" -o "$p" </dev/null 2>/dev/null) ||
		fail "learn under the policy failed: $out"
	assert_eq "$out" "unshare: errno 1 (EPERM)
umask: 18"
	assert_not_contains "$(allowed_names "$p")" " unshare "
	out=$("$HARDRUN" --policy "$pol/policy.json" --root "$STATE_ROOT" profile check -b "$b" --profile "$p" </dev/null 2>/dev/null)
	assert_contains "$out" "unshare: errno 1 (EPERM)"
	rm -rf "$b" "$p" "$pol"
}

test_docker_format_on_request() {
	local p=$TEST_TMP/$(unique_id).json b=$TEST_TMP/$(unique_id)
	make_bundle "$b" /bin/true || return 1
	hr profile learn -b "$b" -o "$p" --format docker </dev/null 2>/dev/null || fail "learn failed"
	assert_eq "$(jq -r '.archMap[0].architecture' "$p")" "SCMP_ARCH_X86_64"
	assert_eq "$(jq -r 'has("architectures")' "$p")" "false"
	rm -rf "$b"
}

test_debian_python_threads_subprocess_http() {
	learn_then_enforce "python" /usr/bin/python3 /mnt/workload.py
}

test_debian_gcc_compile() {
	learn_then_enforce "gcc" /bin/sh -c 'gcc -O2 -o /tmp/hello /mnt/hello.c && /tmp/hello'
}

test_debian_shell_pipeline() {
	learn_then_enforce "pipeline" /bin/sh -c 'seq 1 3000 | sort -rn | tail -n 3 | tr 0-9 a-j | wc -l'
}

run_tests
