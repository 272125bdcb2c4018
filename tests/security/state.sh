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

run_tests
