#!/bin/bash
# State that cannot be lost or hijacked: the --root, the pid file, ids and
# names, and state.json faults (corrupt, missing, edited, unwritable).
. "$(dirname "$0")/../lib.sh"

# Waits (bounded) until "$@" succeeds.
wait_for() {
	local i
	for i in $(seq 100); do "$@" && return 0; sleep 0.05; done
	return 1
}

process_dead() { ! process_alive "$1"; }
comm_is() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }
# comm of a process still running the runtime (waiting for start)
RUNTIME_COMM=$(basename "$HARDRUN" | cut -c1-15)

# The cgroup dir of a container by hardrun's default path (own cgroup "/").
default_cgroup() { echo "/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup | sed 's:/$::')/hardrun/$1"; }

test_pid_file_temp_name_cannot_be_planted() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id); track "$id"
	make_bundle "$b" sleep 300
	mkdir -p "$b/piddir"
	echo untouched >"$b/victim"
	# the pre-fix temp name was ".<name>.tmp.<pid of hardrun>": plant it, then exec
	# hardrun under the same pid
	bash -c 'ln -s "$1" "$2/.pid.tmp.$$"; exec "${@:3}"' _ "$b/victim" "$b/piddir" \
		"$HARDRUN" --root "$STATE_ROOT" create --bundle "$b" --pid-file "$b/piddir/pid" "$id" \
		</dev/null >/dev/null 2>&1
	local rc=$?
	hr delete --force "$id" >/dev/null 2>&1
	assert_eq "$rc" 0 "create"
	assert_eq "$(cat "$b/victim")" untouched "victim file written through the planted symlink"
	[ -f "$b/piddir/pid" ] && [ ! -L "$b/piddir/pid" ] || fail "pid file is not a regular file"
	[ -n "$(cat "$b/piddir/pid")" ] || fail "pid file empty"
}

test_id_with_control_character_or_over_name_max_refused() {
	local b=$TEST_TMP/$FUNCNAME out long
	make_bundle "$b" true
	out=$(hr create --bundle "$b" $'evil\nforged log line' 2>&1 </dev/null) && fail "id with a newline accepted"
	assert_eq "$(printf '%s\n' "$out" | wc -l)" 1 "the error is one log line: [$out]"
	assert_contains "$out" "control character (0x0a at offset 4)"
	long=$(printf 'a%.0s' $(seq 256))
	for verb in "create --bundle $b" state "delete --force"; do
		# shellcheck disable=SC2086
		out=$(hr $verb "$long" 2>&1 </dev/null) && fail "$verb: 256-character id accepted"
		assert_contains "$out" "256 characters long; the limit is 255 (NAME_MAX)"
	done
	[ ! -e "$STATE_ROOT/$long" ] || fail "state dir made for an over-long id"
}

test_hostname_and_domainname_over_host_name_max_refused_in_full() {
	# a bundle path of ~3000 characters: the message must still end in full
	local deep=$TEST_TMP/$FUNCNAME seg name out
	seg=$(printf 'd%.0s' $(seq 200))
	for _ in $(seq 15); do deep=$deep/$seg; done
	make_bundle "$deep" true
	name=$(printf 'h%.0s' $(seq 65))
	for field in hostname domainname; do
		cfg "$deep" ".hostname = \"ok\" | .$field = \"$name\""
		out=$(hr create --bundle "$deep" "$(unique_id)" 2>&1 </dev/null) && fail "$field of 65 bytes accepted"
		assert_contains "$out" "$deep/config.json: $field: is 65 bytes long; the kernel allows at most 64 (HOST_NAME_MAX)"
	done
	cfg "$deep" ".hostname = \"$(printf 'h%.0s' $(seq 64))\" | del(.domainname)"
	out=$(hr run --bundle "$deep" "$(unique_id)" 2>&1 </dev/null) || fail "hostname of 64 bytes refused: $out"
}

test_root_empty_or_relative_is_named_error() {
	local out
	out=$("$HARDRUN" --root "" list 2>&1) && fail "--root \"\" accepted: $out"
	assert_contains "$out" "invalid --root: the state root must not be empty"
	out=$("$HARDRUN" --root "" create --bundle /nonexistent x 2>&1) && fail "--root \"\" create accepted"
	assert_contains "$out" "must not be empty"
	out=$(cd "$TEST_TMP" && "$HARDRUN" --root relative-root list 2>&1) && fail "relative --root accepted: $out"
	assert_contains "$out" "invalid --root \`relative-root\`: the state root must be an absolute path"
	[ ! -e "$TEST_TMP/relative-root" ] || fail "relative root created"
}

test_root_created_0700_and_refused_when_not_ours_or_writable() {
	local d=$TEST_TMP/$FUNCNAME out
	rm -rf "$d"; mkdir -p "$d/r"
	chmod 0777 "$d/r"
	out=$("$HARDRUN" --root "$d/r" list 2>&1) && fail "group/other-writable root accepted: $out"
	assert_contains "$out" "state root \`$d/r\` is writable by group or others (mode 0777): refusing to use it"
	chmod 0700 "$d/r"; chown 65534 "$d/r"
	out=$("$HARDRUN" --root "$d/r" list 2>&1) && fail "root owned by another uid accepted: $out"
	assert_contains "$out" "is owned by uid 65534, not by us (uid 0)"
	ln -s /tmp "$d/link"
	out=$("$HARDRUN" --root "$d/link" list 2>&1) && fail "symlinked root accepted: $out"
	assert_contains "$out" "is a symlink: refusing to use it"
	# the rootless fallback /tmp/hardrun-UID, pre-created by someone else
	local fake=/tmp/hardrun-65533
	[ -e "$fake" ] && skip "$fake exists already"
	mkdir -m 0777 "$fake"
	out=$(cd / && setpriv --reuid 65533 --regid 65533 --clear-groups env -u XDG_RUNTIME_DIR "$HARDRUN" list 2>&1)
	local rc=$?
	rmdir "$fake"
	[ $rc -ne 0 ] || fail "foreign /tmp/hardrun-65533 accepted: $out"
	assert_contains "$out" "state root \`$fake\` is owned by uid 0, not by us (uid 65533)"
	# a new root is made 0700
	make_bundle "$d/b" true
	"$HARDRUN" --root "$d/new/root" run --bundle "$d/b" "$(unique_id)" </dev/null >/dev/null 2>&1 || fail "run"
	assert_eq "$(stat -c %a "$d/new/root")" 700 "mode of a new state root"
}

# Whatever a test leaves (it failed, or the runtime under test is broken):
# its containers' cgroups (hardrun's default path for ids it made) are
# killed and removed when the test's subshell exits.
_tracked=()
cleanup_tracked() {
	local id cg
	for id in "${_tracked[@]}"; do
		chattr -i "$STATE_ROOT/$id/state.json" 2>/dev/null
		hr delete --force "$id" >/dev/null 2>&1
		cg=$(default_cgroup "$id")
		[ -d "$cg" ] || continue
		echo 1 >"$cg/cgroup.kill"
		wait_for grep -q 'populated 0' "$cg/cgroup.events"
		rmdir "$cg"
		rm -rf "${STATE_ROOT:?}/$id"
	done
}
track() { _tracked+=("$1"); trap cleanup_tracked EXIT; }

# run_sleeper B ID: a detached container running sleep; prints its pid.
run_sleeper() {
	make_bundle "$1" sleep 300 || return 1
	hr run -d --bundle "$1" --pid-file "$1/pid" "$2" </dev/null >/dev/null 2>&1 || return 1
	cat "$1/pid"
}

# assert_cleaned_up ID PID: process, cgroup and state dir gone.
assert_cleaned_up() {
	wait_for process_dead "$2" || fail "container process $2 still alive"
	[ ! -e "$(default_cgroup "$1")" ] || fail "cgroup $(default_cgroup "$1") left behind"
	[ ! -e "$STATE_ROOT/$1" ] || fail "state dir left behind"
}

test_damaged_state_json_is_listed_named_and_deleted() {
	local b=$TEST_TMP/$FUNCNAME id pid out f
	for fault in truncate empty garbage; do
		id=$(unique_id); track "$id"
		pid=$(run_sleeper "$b" "$id") || fail "run"
		f=$STATE_ROOT/$id/state.json
		case $fault in
		truncate) head -c 20 "$f" >"$f.x" && mv "$f.x" "$f" ;;
		empty) : >"$f" ;;
		garbage) printf '\x00\xff garbage' >"$f" ;;
		esac
		out=$(hr list --format json 2>&1)
		assert_eq "$(echo "$out" | jq -r --arg id "$id" '.[] | select(.id == $id) | .status')" damaged \
			"$fault: list shows the damaged container"
		out=$(hr state "$id" 2>&1) && fail "$fault: state of a damaged container succeeded"
		assert_contains "$out" "container $id is damaged"
		out=$(hr kill "$id" KILL 2>&1) && fail "$fault: kill of a damaged container succeeded"
		assert_contains "$out" "container $id is damaged"
		out=$(hr delete "$id" 2>&1) && fail "$fault: delete without --force of a live damaged container"
		process_alive "$pid" || fail "$fault: plain delete killed the process"
		hr delete --force "$id" || fail "$fault: delete --force"
		assert_cleaned_up "$id" "$pid"
	done
}

test_missing_state_json_delete_force_kills_and_removes() {
	local b=$TEST_TMP/$FUNCNAME id pid
	id=$(unique_id); track "$id"
	pid=$(run_sleeper "$b" "$id") || fail "run"
	rm "$STATE_ROOT/$id/state.json"
	hr delete --force "$id" || fail "delete --force"
	assert_cleaned_up "$id" "$pid"
}

test_edited_cgroup_path_is_never_followed() {
	local b=$TEST_TMP/$FUNCNAME id pid decoy dpid f
	for edit in escape decoy record; do
		id=$(unique_id); track "$id"
		pid=$(run_sleeper "$b" "$id") || fail "run"
		decoy=/sys/fs/cgroup/hardrun-decoy-$id
		mkdir "$decoy" || fail "decoy cgroup"
		sleep 300 & dpid=$!
		echo "$dpid" >"$decoy/cgroup.procs"
		f=$STATE_ROOT/$id/state.json
		case $edit in
		escape) jq -c '.cgroupPath = "hardrun/../.."' "$f" >"$f.x" && mv "$f.x" "$f" ;;
		decoy) jq -c --arg p "hardrun-decoy-$id" '.cgroupPath = $p' "$f" >"$f.x" && mv "$f.x" "$f" ;;
		record) sed -i 's|^cgroup .*|cgroup hardrun/../..|' "$STATE_ROOT/$id/.hardrun-record" ;;
		esac
		hr delete --force "$id"; local rc=$?
		local decoy_alive=no; process_alive "$dpid" && decoy_alive=yes
		kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null
		rmdir "$decoy" 2>/dev/null
		assert_eq "$decoy_alive" yes "$edit: a process outside the container was killed"
		assert_eq "$rc" 0 "$edit: delete --force"
		assert_cleaned_up "$id" "$pid"
	done
}

test_start_that_cannot_save_does_not_release_the_workload() {
	local b=$TEST_TMP/$FUNCNAME id pid out f
	id=$(unique_id); track "$id"
	make_bundle "$b" sleep 300
	hr create --bundle "$b" --pid-file "$b/pid" "$id" </dev/null >/dev/null 2>&1 || fail "create"
	pid=$(cat "$b/pid")
	f=$STATE_ROOT/$id/state.json
	# an immutable state.json: the save (a rename over it) fails, as on a full disk
	chattr +i "$f" 2>/dev/null || { hr delete --force "$id"; skip "chattr +i unsupported on $STATE_ROOT"; }
	out=$(hr start "$id" 2>&1); local rc=$?
	local fifo=no; [ -p "$STATE_ROOT/$id/exec.fifo" ] && fifo=yes
	chattr -i "$f"
	[ $rc -ne 0 ] || { hr delete --force "$id"; fail "start succeeded without saving"; }
	local comm; comm=$(cat /proc/"$pid"/comm)
	[ "$fifo" = yes ] && [ "$comm" = "$RUNTIME_COMM" ] ||
		{ hr delete --force "$id"; fail "workload released (fifo left: $fifo, comm $comm) though start failed: $out"; }
	assert_contains "$out" "container $id not started"
	assert_eq "$(hr state "$id" | jq -r .status)" created
	hr start "$id" || fail "start once the state can be saved"
	wait_for comm_is "$pid" sleep || fail "workload not running after start"
	assert_eq "$(hr state "$id" | jq -r .status)" running
	hr delete --force "$id" || fail "delete"
}

test_start_that_cannot_release_rolls_the_state_back() {
	local b=$TEST_TMP/$FUNCNAME id pid out
	id=$(unique_id); track "$id"
	make_bundle "$b" sleep 300
	hr create --bundle "$b" --pid-file "$b/pid" "$id" </dev/null >/dev/null 2>&1 || fail "create"
	pid=$(cat "$b/pid")
	# the release cannot happen: start saved "started" first, so it must undo that
	rm "$STATE_ROOT/$id/exec.fifo"
	out=$(hr start "$id" 2>&1) && { hr delete --force "$id"; fail "start without exec.fifo succeeded"; }
	assert_contains "$out" "open exec.fifo of container $id"
	assert_eq "$(jq -r .started "$STATE_ROOT/$id/state.json")" false "saved state rolled back"
	assert_eq "$(hr state "$id" | jq -r .status)" created
	assert_eq "$(cat /proc/"$pid"/comm)" "$RUNTIME_COMM" "the workload must still wait"
	hr delete --force "$id" || fail "delete"
	wait_for process_dead "$pid" || fail "container process left"
}

test_directory_without_marker_is_not_a_container() {
	local d=$STATE_ROOT/notmine-$$ out
	mkdir -p "$d"; echo keep >"$d/precious"
	# shellcheck disable=SC2064 # expanded now: d is local
	trap "rm -rf '$d'" EXIT
	out=$(hr list --format json)
	assert_not_contains "$out" "notmine-$$"
	out=$(hr delete --force "notmine-$$" 2>&1) && fail "delete --force of a foreign dir succeeded"
	local kept; kept=$(cat "$d/precious" 2>/dev/null)
	assert_eq "$kept" keep "a file in a foreign dir was removed"
	assert_contains "$out" "is not a hardrun container (it has no .hardrun-container marker): not touching it"
}

run_tests
