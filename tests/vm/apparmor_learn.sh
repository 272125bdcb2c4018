#!/bin/bash
# `hardrun profile learn --apparmor` and `profile check --apparmor` (issue
# 14) in the VM, where AppArmor is enabled: a learned profile lets the same
# workload run enforced (complete) and denies what it did not do (tight);
# check reports what enforce mode would deny; temporary profiles are never
# left loaded, and a loaded profile of the checked name is left alone.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../profile-lib.sh"

PROFILES=/sys/kernel/security/apparmor/profiles

need_apparmor() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || skip "AppArmor not enabled"
}

# Reads and writes files, runs programs (busybox applets exec'd by sh), a
# raw socket with CAP_NET_RAW (ping) and CAP_CHOWN, a signal to a child.
WORKLOAD='cat /etc/passwd >/dev/null && echo hello >/tmp/out && echo more >>/tmp/out && cat /tmp/out && '\
'ls /etc >/dev/null && chown 1 /tmp/out && ping -c1 -W1 127.0.0.1 >/dev/null 2>&1; echo ping=$?; '\
'sleep 5 & kill $!; wait; echo done'
# (the /dev/null a background job's stdin is opened on may come after the
# kill, or not at all: the workload opens it itself first, so the learned
# profile does not depend on that race; seen failing once in the VM)
WORKLOAD=': </dev/null; '$WORKLOAD

# workload_bundle DIR [SCRIPT]: busybox, a tmpfs on /tmp, CAP_CHOWN and
# CAP_NET_RAW, a scratch secret in /etc.
workload_bundle() {
	make_bundle "$1" /bin/sh -c "${2:-$WORKLOAD}" || return 1
	echo secret >"$1/rootfs/etc/scratch-secret"
	cfg "$1" '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]}]
		| .process.capabilities |= with_entries(.value += ["CAP_CHOWN", "CAP_NET_RAW"])'
}

no_temporary_profiles() {
	! grep -E '^hardrun-(learn|check)-' "$PROFILES" || fail "a temporary profile is still loaded"
}

# learn_profile BUNDLE OUT NAME: learns; the workload's output on stdout.
learn_profile() {
	hr profile learn --apparmor -b "$1" -o "$2" --name "$3" </dev/null 2>"$2.err" ||
		fail "learn failed: $(cat "$2.err")"
}

enforced_run() {
	cfg "$1" ".process.apparmorProfile = \"$2\""
	hr run -b "$1" "$(basename "$1")-e$RANDOM" </dev/null 2>&1
}

test_learned_profile_runs_enforced() {
	local b=$TEST_TMP/$(unique_id) p name=aa-learn-$RANDOM plain learned enforced
	need_apparmor
	workload_bundle "$b" || return 1
	p=$b.aa
	plain=$(hr run -b "$b" "$(basename "$b")-plain" </dev/null 2>&1) || fail "plain run failed: $plain"
	learned=$(learn_profile "$b" "$p" "$name") || return 1
	assert_eq "$learned" "$plain" "the workload's output under learn"
	no_temporary_profiles
	local rule
	for rule in 'capability chown,' 'capability net_raw,' 'network inet raw,' '/etc/passwd r,' '/tmp/out rw,' \
		'/bin/busybox ix,' "signal (send) set=(term) peer=$name,"; do
		grep -qxF "  $rule" "$p" || fail "no rule [$rule] in: $(cat "$p")"
	done
	assert_contains "$(cat "$p.err")" "hardrun: learned "
	hr apparmor load "$p" >/dev/null || fail "loading the learned profile failed"
	enforced=$(enforced_run "$b" "$name") || fail "enforced run failed: $enforced; profile: $(cat "$p")"
	assert_eq "$enforced" "$plain" "the workload's output under the learned profile, enforced"
	rm -rf "$b" "$p" "$p.err"
}

test_learned_profile_is_tight() {
	local b=$TEST_TMP/$(unique_id) p name=aa-tight-$RANDOM out
	need_apparmor
	workload_bundle "$b" || return 1
	p=$b.aa
	learn_profile "$b" "$p" "$name" >/dev/null || return 1
	hr apparmor load "$p" >/dev/null || fail "load failed"
	cfg "$b" '.process.args = ["/bin/sh", "-c", "cat /etc/passwd >/dev/null && echo read-ok; cat /etc/scratch-secret 2>&1; echo x >/tmp/other 2>&1; ls /root 2>&1; echo end"]'
	out=$(enforced_run "$b" "$name") || fail "run failed: $out"
	assert_contains "$out" "read-ok"
	assert_contains "$out" "cat: can't open '/etc/scratch-secret': Permission denied"
	assert_contains "$out" "can't create /tmp/other: Permission denied"
	assert_contains "$out" "ls: can't open '/root': Permission denied"
	rm -rf "$b" "$p" "$p.err"
}

test_check_complete_profile_is_clean() {
	local b=$TEST_TMP/$(unique_id) p out rc
	need_apparmor
	workload_bundle "$b" || return 1
	p=$b.aa
	learn_profile "$b" "$p" "aa-clean-$RANDOM" >/dev/null || return 1
	out=$(hr profile check --apparmor --profile "$p" -b "$b" </dev/null 2>&1); rc=$?
	assert_eq "$rc" 0 "exit status ($out)"
	assert_contains "$out" "enforce mode would have denied nothing"
	no_temporary_profiles
	rm -rf "$b" "$p" "$p.err"
}

# check loads the profile from a temporary file: a relative quoted include
# must still name the file next to the profile (not one in the cwd).
test_check_resolves_relative_include_next_to_the_profile() {
	local b=$TEST_TMP/$(unique_id) d out rc
	need_apparmor
	workload_bundle "$b" || return 1
	d=$b.profiles; mkdir -p "$d"
	learn_profile "$b" "$b.aa" "aa-inc-$RANDOM" >/dev/null || return 1
	# the same profile, its rules moved into rules.inc next to it (not the
	# peer= rules that name the profile itself: only the profile's own
	# text is renamed)
	awk '/^profile /{inside=1; next} inside && /^}/{inside=0} inside && !/peer=/' "$b.aa" >"$d/rules.inc"
	[ -s "$d/rules.inc" ] || fail "no rules to move: $(cat "$b.aa")"
	awk '/^profile /{print; print "  #include \"rules.inc\""; inside=1; next} inside && /^}/{inside=0}
		!inside || /peer=/' "$b.aa" >"$d/p.aa"
	out=$(cd / && hr profile check --apparmor --profile "$d/p.aa" -b "$b" </dev/null 2>&1); rc=$?
	assert_eq "$rc" 0 "exit status ($out)"
	assert_contains "$out" "enforce mode would have denied nothing"
	no_temporary_profiles
	rm -rf "$b" "$d" "$b.aa" "$b.aa.err"
}

test_check_reports_missing_rule() {
	local b=$TEST_TMP/$(unique_id) p r out rc
	need_apparmor
	workload_bundle "$b" || return 1
	p=$b.aa r=$b.report.json
	learn_profile "$b" "$p" "aa-miss-$RANDOM" >/dev/null || return 1
	grep -vE '^  (/etc/passwd r|capability chown),$' "$p" >"$p.less"
	out=$(hr profile check --apparmor --profile "$p.less" -b "$b" --format json --report "$r" </dev/null 2>"$b.err"); rc=$?
	assert_eq "$rc" 1 "exit status: something would have been denied ($(cat "$b.err"))"
	assert_contains "$out" "hello"
	assert_eq "$(jq -c '[.denied[] | [.operation, .what, .requested, .rule, .comm]] | sort' "$r")" \
		'[["capable","chown","","capability chown,","chown"],["open","/etc/passwd","r","/etc/passwd r,","cat"]]'
	assert_eq "$(jq -r '[.denied[] | (.pid > 0) and (.count >= 1) and (.firstSeenMs >= 0)] | all' "$r")" true
	assert_eq "$(jq -r '.complete' "$r")" true
	out=$(hr profile check --apparmor --profile "$p.less" -b "$b" </dev/null 2>&1 >/dev/null)
	assert_contains "$out" "enforce mode would have denied 2 kinds of access:"
	assert_contains "$out" "  capable chown (chown pid "
	assert_contains "$out" "rule: /etc/passwd r,"
	jq -e . "$b.err" >/dev/null || fail "--format json: stderr is not the JSON report"
	no_temporary_profiles
	rm -rf "$b" "$p" "$p.less" "$p.err" "$r" "$b.err"
}

# A loaded profile with the checked profile's name: not replaced, not
# unloaded, not switched to complain mode.
test_check_leaves_same_named_profile_alone() {
	local b=$TEST_TMP/$(unique_id) name=aa-host-$RANDOM before after out rc
	need_apparmor
	workload_bundle "$b" /bin/true || return 1
	printf 'profile %s {\n  /etc/hostname r,\n}\n' "$name" >"$b.host.aa"
	hr apparmor load "$b.host.aa" >/dev/null || fail "load failed"
	before=$(cat /sys/kernel/security/apparmor/policy/profiles/"$name".*/sha1 2>/dev/null)
	printf 'profile %s {\n  file,\n}\n' "$name" >"$b.other.aa"
	out=$(hr profile check --apparmor --profile "$b.other.aa" -b "$b" </dev/null 2>&1); rc=$?
	assert_eq "$rc" 0 "check exit status ($out)"
	grep -qx "$name (enforce)" "$PROFILES" || fail "the host profile $name is gone or changed mode"
	after=$(cat /sys/kernel/security/apparmor/policy/profiles/"$name".*/sha1 2>/dev/null)
	assert_eq "$after" "$before" "the host profile's hash"
	no_temporary_profiles
	rm -rf "$b" "$b.host.aa" "$b.other.aa"
}

# learn is killed (SIGKILL: nothing of it runs any more) while the workload
# runs: the checkpoint of what it learned so far stays, flagged partial; its
# temporary profile stays loaded until `delete` of the container it left
# (or the next learn or check) finds the lease of a dead owner and unloads
# it. A profile of a live learn is left alone meanwhile.
test_learn_sigkilled_profile_unloaded_by_delete() {
	local b=$TEST_TMP/$(unique_id) id=$(unique_id) live=$(unique_id) pid pid2 i=0
	need_apparmor
	workload_bundle "$b" 'trap "exit 143" TERM; cat /etc/passwd >/dev/null; sleep 60 & wait' || return 1
	"$HARDRUN" --root "$STATE_ROOT" profile learn --apparmor -b "$b" -o "$b.aa" --id "$id" </dev/null >/dev/null 2>&1 &
	pid=$!
	"$HARDRUN" --root "$STATE_ROOT" profile learn --apparmor -b "$b" -o "$b.live.aa" --id "$live" </dev/null >/dev/null 2>&1 &
	pid2=$!
	until grep -q "^hardrun-learn-$id (complain)$" "$PROFILES" && grep -q "^hardrun-learn-$live (complain)$" "$PROFILES" &&
		[ "$(hr list -q 2>/dev/null | grep -cE "^($id|$live)$")" = 2 ] && grep -qx '  /etc/passwd r,' "$b.aa" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 300 ] || { kill -KILL "$pid" "$pid2"; fail "learn never started the workloads"; }
		sleep 0.1
	done
	kill -KILL "$pid"; wait "$pid"
	grep -q '^# PARTIAL: a checkpoint written while the workload ran' "$b.aa" || fail "no partial checkpoint: $(cat "$b.aa")"
	grep -q "^hardrun-learn-$id (complain)$" "$PROFILES" || fail "the profile went without a delete (test is void)"
	hr delete -f "$id" 2>/dev/null || fail "delete -f of the left container"
	! grep -q "^hardrun-learn-$id " "$PROFILES" || fail "the killed learn's profile is still loaded after delete"
	[ ! -e "$STATE_ROOT/@apparmor-leases/hardrun-learn-$id" ] || fail "lease left behind"
	grep -q "^hardrun-learn-$live (complain)$" "$PROFILES" || fail "the live learn's profile was unloaded"
	kill -TERM "$pid2"; wait "$pid2"
	no_temporary_profiles
	[ -z "$(ls -A "$STATE_ROOT/@apparmor-leases" 2>/dev/null)" ] || fail "leases left: $(ls "$STATE_ROOT/@apparmor-leases")"
	rm -rf "$b" "$b.aa" "$b.live.aa" "$b.aa.err"
}

# learn is stopped (SIGTERM) while the workload runs: the workload is
# ended, the partial profile written and flagged, the temporary profile
# unloaded.
test_learn_killed_unloads_and_writes_partial() {
	local b=$TEST_TMP/$(unique_id) p pid rc
	need_apparmor
		# a trap: sh is PID 1 in its pid namespace, where SIGTERM has no default action
	workload_bundle "$b" 'trap "exit 143" TERM; cat /etc/passwd >/dev/null; sleep 60 & wait' || return 1
	p=$b.aa
	# not through hr(): $! must be hardrun's pid, not a subshell's
	"$HARDRUN" --root "$STATE_ROOT" profile learn --apparmor -b "$b" -o "$p" --name aa-killed </dev/null >/dev/null 2>"$p.err" &
	pid=$!
	local i=0
	until grep -q '^hardrun-learn-.*(complain)$' "$PROFILES" && [ -n "$(hr list 2>/dev/null | grep running)" ]; do
		i=$((i + 1)); [ $i -lt 300 ] || { kill -KILL "$pid"; fail "learn never started the workload"; }
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid"; rc=$?
	assert_eq "$rc" 143 "learn's exit status: the workload's, killed by SIGTERM ($(cat "$p.err"))"
	no_temporary_profiles
	grep -q '^# PARTIAL: the workload was killed by signal 15' "$p" || fail "not flagged partial: $(cat "$p")"
	rm -rf "$b" "$p" "$p.err"
}
# The container cannot even start: the temporary profile goes all the same.
test_failed_run_unloads() {
	local b=$TEST_TMP/$(unique_id) out rc
	need_apparmor
	workload_bundle "$b" || return 1
	cfg "$b" '.process.args = ["/no/such/program"]'
	out=$(hr profile learn --apparmor -b "$b" -o "$b.aa" </dev/null 2>&1); rc=$?
	[ "$rc" -ne 0 ] || fail "learn of a missing program succeeded: $out"
	assert_contains "$out" "/no/such/program"
	no_temporary_profiles
	out=$(hr profile check --apparmor -b "$b" --profile "$TOP/profiles/apparmor/hardrun-default" </dev/null 2>&1); rc=$?
	[ "$rc" -ne 0 ] || fail "check of a missing program succeeded: $out"
	assert_contains "$out" "/no/such/program"
	no_temporary_profiles
	rm -rf "$b" "$b.aa"
}

# aa_learn_then_enforce ARGS...: in the cached Debian rootfs, learns ARGS,
# then runs them under the learned profile, enforced: same output.
aa_learn_then_enforce() {
	local b=$TEST_TMP/$(unique_id) p name=aa-deb-$RANDOM plain learned enforced
	need_apparmor
	need_debian
	debian_bundle "$b" "$@" || fail "bundle"
	p=$b.aa
	plain=$(hr run -b "$b" "$(basename "$b")-plain" </dev/null 2>&1) || fail "plain run failed: $plain"
	learned=$(learn_profile "$b" "$p" "$name") || return 1
	assert_eq "$learned" "$plain" "the output under learn"
	grep -qE '^  /usr/lib/x86_64-linux-gnu/libc\.so\.6 [a-z]*m' "$p" || fail "no mmap rule for libc: $(cat "$p")"
	hr apparmor load "$p" >/dev/null || fail "loading the learned profile failed"
	enforced=$(enforced_run "$b" "$name") || fail "enforced run failed: $enforced; profile: $(cat "$p")"
	assert_eq "$enforced" "$plain" "the output under the learned profile, enforced"
	rm -rf "$b" "$p" "$p.err"
}

# Real programs (dynamic libraries: r and m rules): python3 with threads, a
# subprocess and a loopback HTTP server; a coreutils shell pipeline.
test_debian_python_runs_enforced_under_learned_profile() {
	aa_learn_then_enforce /usr/bin/python3 /mnt/workload.py
}

# tail, not head: with head, whether sort meets a closed pipe (and raises
# SIGPIPE again with tgkill, an AppArmor signal rule) is a race between the
# learning run and the enforced one (docs/profiles.md, "What learning cannot
# see"); it failed a VM stage run with "sort: write failed: Broken pipe".
test_debian_pipeline_runs_enforced_under_learned_profile() {
	aa_learn_then_enforce /bin/sh -c 'seq 1 2000 | sort -rn | tail -n 3 | tr "\n" " " | wc -w; ls /usr/bin | grep -c python'
}
run_tests
