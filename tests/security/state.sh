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

# The cgroup dir of a container by hardrun's default path (own cgroup "/").
default_cgroup() { echo "/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup | sed 's:/$::')/hardrun/$1"; }

test_pid_file_temp_name_cannot_be_planted() {
	local b=$TEST_TMP/$FUNCNAME id; id=$(unique_id)
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

run_tests
