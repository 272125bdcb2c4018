#!/bin/bash
# exec into running containers, and terminals (console socket and foreground).
# tests/integration/exec_userns.sh runs them again with every sleeper in a
# user namespace of its own (EXEC_USERNS=1), where exec ends through
# hardrun-exec-finish instead of copying hardrun's image.
. "$(dirname "$0")/../lib.sh"
[ -n "${EXEC_USERNS:-}" ] && _file=exec_userns

RECVTTY=$HELPERS/recvtty

start_sleeper() { # start_sleeper BUNDLE ID [jq edit]
	make_bundle "$1" sleep 300
	[ -n "${EXEC_USERNS:-}" ] && with_own_userns "$1"
	[ -n "${3:-}" ] && cfg "$1" "$3"
	hr run -d --bundle "$1" "$2" </dev/null >/dev/null 2>&1 || fail "run -d"
}

with_own_userns() { # BUNDLE: container ids 0-65535 -> host 100000-165535
	cfg "$1" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	chown -R 100000:100000 "$1/rootfs"
}

test_exec_joins_namespaces_and_returns_status() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id" '.hostname = "inside"'
	out=$(hr exec "$id" sh -c 'hostname; echo $$; cat /proc/1/comm; exit 5'); local rc=$?
	hr delete -f "$id"
	assert_eq "$rc" 5 "exit status"
	assert_eq "$out" "$(printf 'inside\n2\nsleep')"
}

test_exec_user_env_cwd() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id"
	out=$(hr exec --user 65534:65534 --additional-gids 7 --env X=y --cwd /tmp "$id" sh -c 'id -u; id -g; id -G; echo $X; pwd')
	hr delete -f "$id"
	assert_eq "$out" "$(printf '65534\n65534\n65534 7\ny\n/tmp')"
}

test_exec_process_json() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id"
	cat >"$b/process.json" <<-'P'
	{"terminal": false, "user": {"uid": 1, "gid": 2}, "args": ["sh", "-c", "id -u; id -g; echo $V"],
	 "env": ["PATH=/bin", "V=from-json"], "cwd": "/", "noNewPrivileges": true}
	P
	out=$(hr exec --process "$b/process.json" "$id")
	hr delete -f "$id"
	assert_eq "$out" "$(printf '1\n2\nfrom-json')"
}

test_exec_capabilities_and_nnp() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id" '.process.capabilities = {} | .process.noNewPrivileges = false'
	out=$(hr exec --cap CAP_KILL --no-new-privs "$id" sh -c 'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status')
	hr delete -f "$id"
	assert_contains "$out" "CapEff:	0000000000000020"
	assert_contains "$out" "CapBnd:	0000000000000020"
	assert_contains "$out" "NoNewPrivs:	1"
}

test_exec_gets_container_seccomp() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id"
	out=$(hr exec "$id" sh -c 'grep ^Seccomp: /proc/self/status; unshare -U true 2>&1')
	hr delete -f "$id"
	assert_contains "$out" "Seccomp:	2"
	assert_contains "$out" "Operation not permitted"
}

# exec's lean path (issue 16): create records the BPF cache key of the
# container's own filter; exec takes the filter by that key without reading
# the config's rules. A rule only this test has (umask -> errno N) shows
# the rules in force both ways: by the key, and with that cache entry gone
# (then exec reads the whole config and compiles it again). Only this
# test's own entry is removed.
test_exec_filter_by_recorded_key() {
	local b=$TEST_TMP/$FUNCNAME id key n out; id=$(unique_id); n=$((RANDOM % 40 + 80))
	start_sleeper "$b" "$id" ".linux.seccomp.syscalls |= map(.names -= [\"umask\"])
		| .linux.seccomp.syscalls += [{names: [\"umask\"], action: \"SCMP_ACT_ERRNO\", errnoRet: $n}]"
	key=$(jq -r '.seccompKey // empty' "$STATE_ROOT/$id/state.json")
	[[ $key =~ ^[0-9a-f]{64}$ ]] || { hr delete -f "$id"; fail "no seccompKey in state.json: '$key'"; }
	out=$(hr --debug exec "$id" try-syscall umask 18 2>&1)
	assert_contains "$out" "by the cache key create recorded (rules not read)"
	assert_contains "$out" "umask: errno $n"
	rm -f "/var/cache/hardrun/seccomp/$key.bpf"
	out=$(hr --debug exec "$id" try-syscall umask 18 2>&1)
	hr delete -f "$id"
	assert_not_contains "$out" "rules not read"
	assert_contains "$out" "umask: errno $n"
}

test_exec_detach_pid_file() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	start_sleeper "$b" "$id"
	hr exec -d --pid-file "$b/exec.pid" "$id" sleep 100 || fail "exec -d"
	assert_eq "$(cat /proc/"$(cat "$b/exec.pid")"/comm)" sleep
	# the exec'd process is in the container's cgroup
	assert_eq "$(cat /proc/"$(cat "$b/exec.pid")"/cgroup)" "$(cat /proc/"$(hr state "$id" | jq .pid)"/cgroup)"
	hr delete -f "$id"
	process_alive "$(cat "$b/exec.pid")" && fail "exec'd process survived delete --force"
	return 0
}

# The pid-namespace fork reports the new pid while the process it forked
# already talks on the same channel: that order must never be observed
# backwards ("protocol error: unexpected message 3", 3 in 40 before).
test_exec_many_times_in_a_row() {
	local b=$TEST_TMP/$FUNCNAME id i out bad=0; id=$(unique_id)
	start_sleeper "$b" "$id"
	for i in $(seq 300); do
		out=$(hr exec "$id" true 2>&1) || { bad=$((bad + 1)); echo "# exec $i: $out" >&2; }
	done
	hr delete -f "$id"
	assert_eq "$bad" 0 "failed execs out of 300"
}

# runc's exit status when exec itself fails, as opposed to the process: 255
test_exec_runtime_failure_exits_255() {
	local b=$TEST_TMP/$FUNCNAME id rc; id=$(unique_id)
	hr exec no-such-container true 2>/dev/null; rc=$?
	assert_eq "$rc" 255 "exec into a missing container"
	start_sleeper "$b" "$id"
	hr exec "$id" no-such-binary 2>/dev/null; rc=$?
	hr exec "$id" sh -c 'exit 7'; local rc7=$?
	hr delete -f "$id"
	assert_eq "$rc" 255 "exec of a missing binary"
	assert_eq "$rc7" 7 "the process's own status"
}

test_exec_process_json_without_user_runs_as_root() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id" '.process.user = {uid: 5, gid: 6}'
	echo '{"args": ["sh", "-c", "id -u; id -g"], "cwd": "/", "env": ["PATH=/bin"]}' >"$b/p.json"
	out=$(hr exec --process "$b/p.json" "$id" 2>&1)
	hr delete -f "$id"
	assert_eq "$out" "$(printf '0\n0')"
}

test_exec_ignore_paused_runs_once_resumed() {
	local b=$TEST_TMP/$FUNCNAME id epid; id=$(unique_id)
	start_sleeper "$b" "$id"
	hr pause "$id" || fail "pause"
	hr exec "$id" true 2>/dev/null && fail "exec into a paused container without --ignore-paused"
	# the new process is born frozen with the rest and runs once resumed
	hr exec --ignore-paused "$id" sh -c 'echo ran' >"$b/out" 2>&1 &
	epid=$!
	for _ in $(seq 100); do [ "$(hr ps --format json "$id" | jq length)" -ge 2 ] && break; sleep 0.1; done
	hr resume "$id" || fail "resume"
	wait $epid; local rc=$?
	hr delete -f "$id"
	assert_eq "$rc" 0 "exec --ignore-paused"
	assert_eq "$(cat "$b/out")" ran
}

test_exec_into_sub_cgroup() {
	local b=$TEST_TMP/$FUNCNAME id cg out; id=$(unique_id)
	start_sleeper "$b" "$id"
	cg=/sys/fs/cgroup/$(jq -r .cgroupPath "$STATE_ROOT/$id/state.json")
	mkdir "$cg/sub" || fail "mkdir sub-cgroup"
	out=$(hr exec --cgroup sub "$id" grep "^0::" /proc/self/cgroup 2>&1)
	hr exec --cgroup ../.. "$id" true 2>/dev/null && { hr delete -f "$id"; fail "--cgroup ../.. accepted"; }
	hr delete -f "$id"
	assert_eq "$out" "0::/sub"
	[ ! -d "$cg" ] || fail "container cgroup left behind"
}

test_exec_into_stopped_or_missing_container_fails() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" true
	hr run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1
	for _ in $(seq 100); do [ "$(hr state "$id" | jq -r .status)" = stopped ] && break; sleep 0.1; done
	out=$(hr exec "$id" true 2>&1) && fail "exec into stopped container succeeded"
	assert_contains "$out" "stopped"
	hr delete "$id"
	out=$(hr exec "$id" true 2>&1) && fail "exec into missing container succeeded"
	assert_contains "$out" "does not exist"
}

test_exec_missing_binary_named() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id"
	out=$(hr exec "$id" no-such-thing 2>&1); local rc=$?
	hr delete -f "$id"
	[ $rc -ne 0 ] || fail "exec of a missing binary succeeded"
	assert_contains "$out" 'exec: "no-such-thing": executable file not found in $PATH'
}

# A file that is executable but no program: the kernel's ENOEXEC comes back
# as exec's error (from hardrun-exec-finish in a user namespace).
test_exec_format_error_reported() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" sleep 300
	printf 'not a program\n' >"$b/rootfs/bin/garbage"; chmod 755 "$b/rootfs/bin/garbage"
	[ -n "${EXEC_USERNS:-}" ] && with_own_userns "$b"
	hr run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	out=$(hr exec "$id" /bin/garbage 2>&1); local rc=$?
	hr delete -f "$id"
	assert_eq "$rc" 255 "exit status of a failed exec"
	assert_contains "$out" 'exec "/bin/garbage": Exec format error'
}

# Issue 16: in a user namespace of its own exec ends through the sealed
# hardrun-exec-finish and hardrun never copies its image; without one it
# copies its image first (its process could be reached with CAP_SYS_PTRACE).
test_exec_protects_hardrun_by_finish_or_copy() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id"
	out=$(hr --debug exec "$id" true 2>&1) || fail "exec: $out"
	hr delete -f "$id"
	if [ -n "${EXEC_USERNS:-}" ]; then
		assert_contains "$out" "exec: ends through hardrun-exec-finish"
		assert_not_contains "$out" "selfexe:"
	else
		assert_contains "$out" "not through hardrun-exec-finish: the container has no user namespace of its own"
		assert_contains "$out" "selfexe:"
	fi
}

# The finish runs under the workload's filter: one that refuses its
# execveat makes exec copy hardrun's image instead, and the workload runs.
test_exec_filter_refusing_finish_copies_instead() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	[ -n "${EXEC_USERNS:-}" ] || skip "only a user namespace of its own ends through the finish"
	start_sleeper "$b" "$id" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["execveat"], action: "SCMP_ACT_ERRNO"}]}'
	out=$(hr --debug exec "$id" sh -c 'echo ran' 2>&1) || fail "exec: $out"
	hr delete -f "$id"
	assert_contains "$out" "not through hardrun-exec-finish: the seccomp filter refuses execveat, fcntl or write"
	assert_contains "$out" "selfexe:"
	assert_contains "$out" "ran"
}

test_create_with_console_socket() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	make_bundle "$b" sh -c 'tty; stty size; read line; echo "got $line"'
	cfg "$b" '.process.terminal = true | .process.consoleSize = {height: 30, width: 100}'
	"$RECVTTY" "$b/tty.sock" $'hello\n' >"$b/tty.out" &
	local rpid=$!
	for _ in $(seq 50); do [ -S "$b/tty.sock" ] && break; sleep 0.05; done
	hr create --bundle "$b" --console-socket "$b/tty.sock" "$id" </dev/null || fail "create"
	hr start "$id" || fail "start"
	wait $rpid
	hr delete -f "$id"
	local out; out=$(tr -d '\r' <"$b/tty.out")
	assert_contains "$out" "/dev/pts/0"
	assert_contains "$out" "30 100"
	assert_contains "$out" "got hello"
}

# The terminal belongs to the process that runs on it (run and exec).
test_pty_owned_by_process_user() {
	local b=$TEST_TMP/$FUNCNAME id rpid; id=$(unique_id)
	make_bundle "$b" sh -c 'stat -c "owner %u:%g" "$(tty)"; exit 0'
	cfg "$b" '.process.terminal = true | .process.user = {uid: 1000, gid: 1001}'
	"$RECVTTY" "$b/tty.sock" >"$b/tty.out" &
	rpid=$!
	for _ in $(seq 50); do [ -S "$b/tty.sock" ] && break; sleep 0.05; done
	hr create --bundle "$b" --console-socket "$b/tty.sock" "$id" </dev/null || fail "create"
	hr start "$id" || fail "start"
	wait $rpid
	hr delete -f "$id"
	assert_contains "$(tr -d '\r' <"$b/tty.out")" "owner 1000:1001"
	id=$(unique_id)
	start_sleeper "$b" "$id"
	"$RECVTTY" "$b/tty2.sock" >"$b/tty2.out" &
	rpid=$!
	for _ in $(seq 50); do [ -S "$b/tty2.sock" ] && break; sleep 0.05; done
	hr exec -t -d --user 1002:1003 --console-socket "$b/tty2.sock" "$id" sh -c 'stat -c "owner %u:%g" "$(tty)"' ||
		fail "exec -t"
	wait $rpid
	hr delete -f "$id"
	assert_contains "$(tr -d '\r' <"$b/tty2.out")" "owner 1002:1003"
}

test_exec_tty_with_console_socket() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
	start_sleeper "$b" "$id"
	"$RECVTTY" "$b/tty.sock" >"$b/tty.out" &
	local rpid=$!
	for _ in $(seq 50); do [ -S "$b/tty.sock" ] && break; sleep 0.05; done
	hr exec -t -d --console-socket "$b/tty.sock" "$id" sh -c 'tty; exit 0' || fail "exec -t"
	wait $rpid
	hr delete -f "$id"
	assert_contains "$(cat "$b/tty.out")" "/dev/pts/"
}

test_foreground_run_with_terminal_proxies_pty() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" sh -c 'tty; echo done'
	cfg "$b" '.process.terminal = true'
	# script gives us a real tty on stdin, as a user at a terminal
	out=$(cd "$b" && script -qec "$HARDRUN --root $STATE_ROOT run $(unique_id)" /dev/null </dev/null | tr -d '\r')
	assert_contains "$out" "/dev/pts/0"
	assert_contains "$out" "done"
}

test_terminal_without_console_socket_refused_for_create() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" true
	cfg "$b" '.process.terminal = true'
	out=$(hr create --bundle "$b" "$id" 2>&1) && fail "create succeeded"
	assert_contains "$out" "console-socket"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left behind"
}

test_exec_apparmor_fails_closed_without_apparmor() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && skip "AppArmor is enabled here (covered in tests/vm)"
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id"
	out=$(hr exec --apparmor hardrun-default "$id" true 2>&1); local rc=$?
	hr delete -f "$id"
	[ $rc -ne 0 ] || fail "exec with an unenforceable AppArmor profile succeeded"
	assert_contains "$out" 'AppArmor profile "hardrun-default" requested but AppArmor is not enabled on this host'
}

test_exec_process_label_refused() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id"
	out=$(hr exec --process-label system_u:system_r:container_t:s0 "$id" true 2>&1); local rc=$?
	hr delete -f "$id"
	[ $rc -ne 0 ] || fail "exec with an SELinux label succeeded"
	assert_contains "$out" "SELinux is not supported"
}

test_exec_preserve_fds() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id"
	echo kept >"$b/data"
	out=$(hr exec --preserve-fds 1 "$id" sh -c 'cat <&3; ls /proc/self/fd | sort -n | tr "\n" " "' 3<"$b/data" 4</dev/null)
	hr delete -f "$id"
	# fd 3 survives, fd 4 (not preserved) does not
	assert_eq "$out" "$(printf 'kept\n0 1 2 3 4 ')"
}

test_foreground_exec_with_tty_proxies_pty() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	start_sleeper "$b" "$id"
	out=$(script -qec "$HARDRUN --root $STATE_ROOT exec -t $id sh -c 'tty; exit 6'" /dev/null </dev/null | tr -d '\r')
	hr delete -f "$id"
	assert_contains "$out" "/dev/pts/"
}

run_tests
