#!/bin/bash
# The runc lifecycle against real busybox containers.
. "$(dirname "$0")/../lib.sh"

test_output_and_exit_status() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" sh -c 'echo out; echo err >&2; exit 7'
	out=$(cd "$b" && hr run "$(unique_id)" 2>"$b/err"); local rc=$?
	assert_eq "$rc" 7 "exit status"
	assert_eq "$out" out
	assert_eq "$(cat "$b/err")" err
}

test_killed_by_signal_gives_128_plus_n() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	make_bundle "$b" sleep 30
	(cd "$b" && hr run "$id" </dev/null; echo $? >"$b/rc") &
	for _ in $(seq 50); do [ "$(hr state "$id" 2>/dev/null | jq -r .status)" = running ] && break; sleep 0.1; done
	hr kill "$id" KILL || fail "kill"
	wait
	assert_eq "$(cat "$b/rc")" 137
}

test_full_lifecycle_with_state_at_each_step() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	make_bundle "$b" sh -c 'trap "exit 42" TERM; while :; do sleep 0.05; done'
	hr create --bundle "$b" --pid-file "$b/pid" "$id" </dev/null >/dev/null 2>&1 || fail "create"
	local st; st=$(hr state "$id")
	assert_eq "$(echo "$st" | jq -r .status)" created
	assert_eq "$(echo "$st" | jq -r .pid)" "$(cat "$b/pid")" "pid file matches state"
	assert_eq "$(echo "$st" | jq -r .bundle)" "$b"
	assert_eq "$(echo "$st" | jq -r .ociVersion)" 1.2.0
	[ -n "$(echo "$st" | jq -r .created)" ] || fail "no created time"
	# the process exists and is blocked before exec: its comm is still hardrun
	assert_eq "$(cat /proc/"$(cat "$b/pid")"/comm)" hardrun
	hr start "$id" || fail "start"
	assert_eq "$(hr state "$id" | jq -r .status)" running
	hr start "$id" 2>/dev/null && fail "second start must fail"
	hr kill "$id" TERM || fail "kill"
	for _ in $(seq 50); do [ "$(hr state "$id" | jq -r .status)" = stopped ] && break; sleep 0.1; done
	assert_eq "$(hr state "$id" | jq -r .status)" stopped
	hr delete "$id" || fail "delete"
	hr state "$id" 2>/dev/null && fail "state after delete must fail"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left behind"
}

test_run_detach() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	make_bundle "$b" sleep 30
	(cd "$b" && hr run --detach --pid-file "$b/pid" "$id" </dev/null >/dev/null 2>&1) || fail "run -d"
	assert_eq "$(hr state "$id" | jq -r .status)" running
	assert_eq "$(cat /proc/"$(cat "$b/pid")"/comm)" sleep
	hr delete "$id" 2>/dev/null && fail "delete of a running container without --force must fail"
	hr delete --force "$id" || fail "delete --force"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left behind"
}

test_kill_signal_names_and_numbers() {
	local b=$TEST_TMP/$FUNCNAME id out
	# "ready" once the trap is set: the signal cannot race it
	make_bundle "$b" sh -c 'trap "echo got-usr1; exit 5" USR1; echo ready; while :; do sleep 0.05; done'
	for sig in USR1 SIGUSR1 10; do
		id=$(unique_id)
		hr run -d --bundle "$b" "$id" </dev/null >"$b/out" 2>&1 || fail "run"
		for _ in $(seq 100); do grep -q ready "$b/out" && break; sleep 0.1; done
		hr kill "$id" "$sig" || fail "kill $sig"
		for _ in $(seq 100); do [ "$(hr state "$id" | jq -r .status)" = stopped ] && break; sleep 0.1; done
		assert_eq "$(cat "$b/out")" "$(printf 'ready\ngot-usr1')" "signal $sig"
		hr delete "$id"
	done
	# an unknown signal is refused by name, on a container that is running
	id=$(unique_id)
	hr run -d --bundle "$b" "$id" </dev/null >"$b/out" 2>&1 || fail "run"
	out=$(hr kill "$id" NOSUCHSIG 2>&1) && { hr delete -f "$id"; fail "bad signal accepted"; }
	hr delete -f "$id"
	assert_contains "$out" 'invalid signal "NOSUCHSIG"'
}

test_hostname_env_cwd_user_umask() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" sh -c 'hostname; echo $FOO; pwd; id -u; id -g; id -G; umask; echo $HOME'
	cfg "$b" '.hostname = "box1" | .process.env += ["FOO=bar"] | .process.cwd = "/tmp"
		| .process.user = {uid: 65534, gid: 65534, umask: 63, additionalGids: [5, 6]}'
	out=$(cd "$b" && hr run "$(unique_id)" 2>&1) || fail "run: $out"
	assert_eq "$out" "$(printf 'box1\nbar\n/tmp\n65534\n65534\n65534 5 6\n0077\n/')"
}

test_rlimits() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
	cfg "$b" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 123, hard: 456}, {type: "RLIMIT_CORE", soft: 0, hard: 0}]'
	out=$(cd "$b" && hr run "$(unique_id)" 2>&1) || fail "run: $out"
	assert_eq "$out" "$(printf '123\n456\n0')"
}

test_pid_namespace_and_fds_closed() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" sh -c 'echo $$; ls /proc/self/fd | sort -n | tr "\n" " "'
	# an extra fd in the runtime must not reach the workload
	out=$(cd "$b" && hr run "$(unique_id)" 2>&1 </dev/null 7</dev/null) || fail "run: $out"
	# stdio, plus the directory fd ls itself opens
	assert_eq "$out" "$(printf '1\n0 1 2 3 ')"
}

test_preserve_fds() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" sh -c 'cat <&3'
	echo preserved >"$b/data"
	out=$(cd "$b" && hr run --preserve-fds 1 "$(unique_id)" 3<"$b/data" 2>&1 </dev/null) || fail "run: $out"
	assert_eq "$out" preserved
}

test_hooks_receive_state() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	make_bundle "$b" true
	printf '#!/bin/sh\ncat >"$1/$2.json"\n' >"$b/hook.sh"
	chmod +x "$b/hook.sh"
	local h=$b/hook.sh k hooks='{}'
	for k in prestart createRuntime createContainer poststart poststop; do
		hooks=$(echo "$hooks" | jq --arg k "$k" --arg p "$h" --arg b "$b" '.[$k] = [{path: $p, args: ["hook", $b, $k]}]')
	done
	# createContainer runs with the rootfs as its cwd (the spec says so)
	hooks=$(echo "$hooks" | jq --arg b "$b" '.createContainer += [{path: "/bin/sh", args: ["sh", "-c", "pwd >\($b)/cc-cwd"]}]')
	cfg "$b" ".hooks = $hooks | .annotations = {\"org.test\": \"yes\"}"
	(cd "$b" && hr run "$id") || fail "run"
	for k in prestart createRuntime createContainer poststart poststop; do
		[ -s "$b/$k.json" ] || fail "$k hook did not run"
		assert_eq "$(jq -r .id "$b/$k.json")" "$id" "$k id"
		assert_eq "$(jq -r .bundle "$b/$k.json")" "$b" "$k bundle"
		assert_eq "$(jq -r '.annotations["org.test"]' "$b/$k.json")" yes "$k annotations"
		[ "$(jq -r .pid "$b/$k.json")" -gt 0 ] || fail "$k pid"
	done
	assert_eq "$(jq -r .status "$b/prestart.json")" created
	assert_eq "$(jq -r .status "$b/createRuntime.json")" creating
	assert_eq "$(jq -r .status "$b/poststop.json")" stopped
	assert_eq "$(cat "$b/cc-cwd")" "$b/rootfs"
}

test_failing_create_hook_fails_create_and_leaves_nothing() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" true
	cfg "$b" '.hooks = {createRuntime: [{path: "/bin/false"}]}'
	out=$(hr create --bundle "$b" "$id" 2>&1) && fail "create must fail"
	assert_contains "$out" 'createRuntime hook #0 `/bin/false`'
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left behind"
}

test_failing_poststart_hook_only_warns() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" echo ran
	cfg "$b" '.hooks = {poststart: [{path: "/bin/false"}]}'
	out=$(cd "$b" && hr run "$(unique_id)" 2>&1) || fail "run must succeed: $out"
	assert_contains "$out" ran
	assert_contains "$out" "poststart hook #0"
}

test_hook_timeout() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" true
	cfg "$b" '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "10"], timeout: 1}]}'
	out=$(hr create --bundle "$b" "$id" 2>&1) && fail "create must fail"
	assert_contains "$out" "timed out after 1 s"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left behind"
}

test_bad_config_named_error_and_nothing_left() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" true
	cfg "$b" '.process.args = []'
	out=$(hr create --bundle "$b" "$id" 2>&1) && fail "create must fail"
	assert_contains "$out" "config.json: process.args: must be a non-empty array of strings"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left behind"
	printf '{\n  "ociVersion": "1.0.0",\n  "root": {"path": "rootfs"},,\n}\n' >"$b/config.json"
	out=$(hr create --bundle "$b" "$id" 2>&1) && fail "create must fail"
	assert_contains "$out" "config.json:3:"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left behind"
}

test_missing_executable_fails_create() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" no-such-binary
	out=$(hr create --bundle "$b" "$id" 2>&1 </dev/null) && fail "create must fail"
	assert_contains "$out" 'exec: "no-such-binary": executable file not found in $PATH'
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left behind"
}

test_json_log_format() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	make_bundle "$b" no-such-binary
	rm -f "$b/log.json"
	"$HARDRUN" --root "$STATE_ROOT" --log "$b/log.json" --log-format json create --bundle "$b" "$id" </dev/null 2>/dev/null \
		&& fail "create must fail"
	local line; line=$(tail -n 1 "$b/log.json")
	assert_eq "$(echo "$line" | jq -r .level)" error
	assert_contains "$(echo "$line" | jq -r .msg)" "no-such-binary"
	[ -n "$(echo "$line" | jq -r .time)" ] || fail "no time"
}

test_concurrent_create_same_id() {
	local b=$TEST_TMP/$FUNCNAME id ok=0; id=$(unique_id)
	make_bundle "$b" sleep 30
	for i in 1 2 3 4; do
		(hr create --bundle "$b" "$id" </dev/null >/dev/null 2>"$b/err$i"; echo $? >"$b/rc$i") &
	done
	wait
	for i in 1 2 3 4; do
		if [ "$(cat "$b/rc$i")" = 0 ]; then ok=$((ok + 1)); else assert_contains "$(cat "$b/err$i")" "already exists"; fi
	done
	assert_eq "$ok" 1 "exactly one create succeeds"
	assert_eq "$(hr state "$id" | jq -r .status)" created
	hr delete --force "$id"
}

test_invalid_ids_refused() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" true
	for id in "../evil" "a/b" ".." "x y"; do
		out=$(hr create --bundle "$b" "$id" 2>&1) && fail "id [$id] accepted"
		assert_contains "$out" "invalid container id"
	done
	[ ! -e "$TEST_TMP/evil" ] || fail "path traversal through the id"
}

test_list_formats() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	make_bundle "$b" sleep 30
	hr create --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail create
	assert_eq "$(hr list --format json | jq -r --arg id "$id" '.[] | select(.id == $id) | .status')" created
	hr list -q | grep -qx "$id" || fail "list -q"
	hr delete "$id" || fail "delete of a created container"
}

test_delete_force_cleans_half_created_container() {
	local b=$TEST_TMP/$FUNCNAME id cpid; id=$(unique_id)
	make_bundle "$b" true
	cfg "$b" '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "30"]}]}'
	# the binary itself, so that $! is hardrun's pid
	"$HARDRUN" --root "$STATE_ROOT" create --bundle "$b" "$id" </dev/null >/dev/null 2>&1 &
	cpid=$!
	for _ in $(seq 50); do [ -s "$STATE_ROOT/$id/state.json" ] && break; sleep 0.1; done
	[ -s "$STATE_ROOT/$id/state.json" ] || fail "create did not get as far as saving state"
	local cg; cg=$(jq -r .cgroupPath "$STATE_ROOT/$id/state.json")
	# the hook is create's child: end it by its pid, after create itself
	local hook; hook=$(cat /proc/$cpid/task/*/children 2>/dev/null)
	kill -9 $cpid; wait $cpid 2>/dev/null
	for p in $hook; do [ "$(cat /proc/$p/comm 2>/dev/null)" = sleep ] && kill -9 "$p"; done
	# the container process dies of PDEATHSIG, asynchronously
	for _ in $(seq 100); do [ "$(hr state "$id" | jq -r .status)" = stopped ] && break; sleep 0.05; done
	assert_eq "$(hr state "$id" | jq -r .status)" stopped
	hr delete --force "$id" || fail "delete --force"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left behind"
	[ ! -e "/sys/fs/cgroup/$cg" ] || fail "cgroup $cg left behind"
}

test_foreground_run_forwards_signals() {
	local b=$TEST_TMP/$FUNCNAME id rpid; id=$(unique_id)
	make_bundle "$b" sh -c 'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.05; done'
	# the binary itself, so that the signal goes to hardrun
	"$HARDRUN" --root "$STATE_ROOT" run -b "$b" "$id" </dev/null >"$b/out" 2>&1 &
	rpid=$!
	for _ in $(seq 50); do grep -q ready "$b/out" 2>/dev/null && break; sleep 0.1; done
	kill -TERM $rpid
	wait $rpid; local rc=$?
	assert_eq "$rc" 42 "the workload's exit status after the forwarded signal"
	assert_contains "$(cat "$b/out")" got-term
	[ ! -e "$STATE_ROOT/$id" ] || fail "foreground run left its state behind"
}

# After `create` has exited, the container process's own failures (here a
# startContainer hook) still reach the --log file.
test_errors_after_start_reach_the_log() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	make_bundle "$b" true
	cfg "$b" '.hooks = {startContainer: [{path: "/bin/false"}]}'
	rm -f "$b/log.json"
	"$HARDRUN" --root "$STATE_ROOT" --log "$b/log.json" --log-format json create --bundle "$b" "$id" \
		</dev/null >/dev/null 2>&1 || fail "create"
	hr start "$id" >/dev/null 2>&1
	for _ in $(seq 100); do [ "$(hr state "$id" | jq -r .status)" = stopped ] && break; sleep 0.1; done
	hr delete -f "$id"
	grep -q '"level":"error".*startContainer hook' "$b/log.json" || fail "log: $(cat "$b/log.json" 2>&1)"
}

# startContainer hooks run in the container as the workload will: under its
# seccomp filter, with no runtime fd (only stdio; ls itself opens fd 3).
test_start_container_hook_under_seccomp_with_stdio_only() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" sh -c 'echo workload-ran'
	cfg "$b" '.hooks = {startContainer: [{path: "/bin/sh",
		args: ["sh", "-c", "grep ^Seccomp: /proc/self/status; echo fds: $(ls /proc/self/fd)"]}]}'
	out=$("$HARDRUN" --root "$STATE_ROOT" --log "$b/log.json" run --bundle "$b" "$(unique_id)" 2>&1 </dev/null) ||
		fail "run: $out"
	assert_contains "$out" "$(printf 'Seccomp:\t2')" || return 1
	assert_contains "$out" "fds: 0 1 2 3" || return 1
	assert_not_contains "$out" "fds: 0 1 2 3 4" || return 1
	assert_contains "$out" workload-ran
}

# The container process runs its setup on one CPU (src/container/cpu_pin.c:
# a tiny memory.max otherwise breaks on the memory controller's per-CPU
# charge stock); the workload and every hook it forks get back the affinity
# they would have had: the runtime's, narrowed or not.
test_workload_and_hooks_keep_the_cpu_affinity() {
	local b=$TEST_TMP/$FUNCNAME out want cpus
	[ "$(nproc)" -ge 2 ] || skip "one CPU: nothing to narrow"
	make_bundle "$b" sh -c 'grep Cpus_allowed_list /proc/self/status'
	cfg "$b" '.hooks = {
		createContainer: [{path: "/bin/sh", args: ["sh", "-c", "grep Cpus_allowed_list /proc/self/status >'"$b"'/cc"]}],
		startContainer: [{path: "/bin/sh", args: ["sh", "-c", "grep Cpus_allowed_list /proc/self/status"]}]}'
	for cpus in "" 1; do
		if [ -n "$cpus" ]; then
			want=$(taskset -c "$cpus" grep Cpus_allowed_list /proc/self/status)
			out=$(taskset -c "$cpus" "$HARDRUN" --root "$STATE_ROOT" run -b "$b" "$(unique_id)" 2>&1 </dev/null) ||
				fail "run under taskset -c $cpus: $out"
		else
			want=$(grep Cpus_allowed_list /proc/self/status)
			out=$(hr run -b "$b" "$(unique_id)" 2>&1 </dev/null) || fail "run: $out"
		fi
		assert_eq "$out" "$(printf '%s\n%s' "$want" "$want")" "startContainer hook, then workload (taskset: ${cpus:-none})"
		assert_eq "$(cat "$b/cc")" "$want" "createContainer hook (taskset: ${cpus:-none})"
	done
}

# --debug says what hardrun did, one line per step with its duration, from
# the runtime and from the container process.
test_debug_prints_each_step_with_its_duration() {
	local b=$TEST_TMP/$FUNCNAME id out n; id=$(unique_id)
	make_bundle "$b" true
	out=$("$HARDRUN" --root "$STATE_ROOT" --debug run --bundle "$b" "$id" 2>&1 </dev/null)
	hr delete -f "$id" >/dev/null 2>&1
	n=$(echo "$out" | grep -cE 'debug: step: .+: [0-9]+\.[0-9]{3} ms$')
	[ "$n" -ge 12 ] || fail "only $n step lines: $out"
	assert_contains "$out" "step: create: read and validate config.json:"
	assert_contains "$out" "step: container: mount the rootfs, its mounts and /dev:"
	assert_contains "$out" "step: container: pivot_root (or chroot) into the rootfs:"
}

# start and delete read and validate the saved config again only for its
# hooks: create records in state.json whether it has any (issue 16: a
# quarter of a millisecond of CPU each); a state without that record (older
# hardrun) still gets its hooks run
test_saved_config_read_again_only_for_hooks() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	make_bundle "$b" true
	# the created process keeps create's stdio: not the test's output pipe
	hr create --bundle "$b" "$id" </dev/null >"$b/create.out" 2>&1 || fail "create: $(cat "$b/create.out")"
	assert_eq "$(jq -c .hasHooks "$STATE_ROOT/$id/state.json")" false
	strace -f -e trace=open,openat,openat2 -o "$b/start.trace" "$HARDRUN" --root "$STATE_ROOT" start "$id" || fail "start"
	strace -f -e trace=open,openat,openat2 -o "$b/delete.trace" "$HARDRUN" --root "$STATE_ROOT" delete --force "$id" ||
		fail "delete"
	assert_not_contains "$(cat "$b/start.trace")" '"config.json"'
	assert_not_contains "$(cat "$b/delete.trace")" '"config.json"'

	id=$(unique_id)
	cfg "$b" ".hooks = {poststart: [{path: \"/bin/touch\", args: [\"touch\", \"$b/poststart.ran\"]}],
		poststop: [{path: \"/bin/touch\", args: [\"touch\", \"$b/poststop.ran\"]}]}"
	hr create --bundle "$b" "$id" </dev/null >"$b/create.out" 2>&1 || fail "create with hooks: $(cat "$b/create.out")"
	assert_eq "$(jq -c .hasHooks "$STATE_ROOT/$id/state.json")" true
	jq 'del(.hasHooks)' "$STATE_ROOT/$id/state.json" >"$b/state.json" && cp "$b/state.json" "$STATE_ROOT/$id/state.json"
	hr start "$id" || fail "start"
	hr delete --force "$id" || fail "delete"
	[ -e "$b/poststart.ran" ] || fail "poststart hook did not run for a state without hasHooks"
	[ -e "$b/poststop.ran" ] || fail "poststop hook did not run for a state without hasHooks"
}

run_tests
