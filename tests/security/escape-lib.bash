# Shared by tests/security/*.sh (sourced; not a test file itself): scratch
# victims the attacks aim at, and ways to see where mounts really went.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
_file=$(basename "$0" .sh) # lib.sh took our own name

# scratch_dir NAME / scratch_file NAME: a fresh victim under TEST_TMP (never
# a host file), printed.
scratch_dir() {
	local d=$TEST_TMP/victim-$1-$(unique_id)
	mkdir -p "$d" && echo "victim $1" >"$d/marker" && echo "$d"
}
scratch_file() {
	local f=$TEST_TMP/victim-$1-$(unique_id)
	echo "victim $1" >"$f" && echo "$f"
}

# victim_sum PATH: hash of everything about PATH (names, types, modes, contents).
victim_sum() {
	if [ -d "$1" ] && [ ! -L "$1" ]; then
		(cd "$1" && find . -printf '%p %y %m %s\n' | sort && find . -type f -exec sha256sum {} + | sort) | sha256sum
	else
		{ stat -c '%F %a %s' "$1"; sha256sum <"$1"; } 2>&1 | sha256sum
	fi
}

# sec_bundle NAME ARGS...: a bundle with the default config, printed.
sec_bundle() {
	local b=$TEST_TMP/sec-$1-$(unique_id); shift
	make_bundle "$b" "$@" >/dev/null || return 1
	echo "$b"
}

# add_hook BUNDLE SCRIPT: a createContainer hook running SCRIPT with sh. It
# runs in the container's mount namespace before the pivot, host paths
# visible: the stand-in for a racing process that shares the rootfs.
add_hook() {
	local s
	s=$(jq -n --arg s "$2" '$s')
	cfg "$1" ".hooks.createContainer += [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", $s]}]"
}

# record_container_mounts BUNDLE: appends the container's mount table, as
# the runtime left it before the pivot, to BUNDLE/container-mountinfo.
record_container_mounts() {
	add_hook "$1" "cat /proc/self/mountinfo >>$1/container-mountinfo"
}

# assert_not_mounted PATH [MOUNTINFO...]: PATH and nothing under it is a
# mount point in the test's own namespace or in the recorded tables.
assert_not_mounted() {
	local p=$1 f; shift
	for f in /proc/self/mountinfo "$@"; do
		[ -f "$f" ] || continue
		if awk -v p="$p" '$5 == p || index($5, p "/") == 1 {found=1} END {exit !found}' "$f"; then
			fail "$p is a mount point in $f"
		fi
	done
	return 0
}

# expect_create_refused BUNDLE: create must fail before leaving state
# behind; prints its output. Output goes through a file: a container left
# running by a vulnerable runtime must not hold the test's pipe.
expect_create_refused() {
	local id; id=$(unique_id)
	if hr create --bundle "$1" "$id" </dev/null >"$1/create.log" 2>&1; then
		hr delete -f "$id" >/dev/null 2>&1
		fail "create succeeded: $(cat "$1/create.log")"
	fi
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left behind"
	cat "$1/create.log"
}

# run_bundle BUNDLE: `run` in the foreground, output printed, status kept.
run_bundle() {
	(cd "$1" && hr run "$(unique_id)" </dev/null >"$1/run.log" 2>&1); local rc=$?
	cat "$1/run.log"
	return $rc
}
