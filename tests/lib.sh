# Shared helpers for hardrun's integration tests (bash). A test file defines
# functions named test_* and ends with `run_tests`. Each test runs in its own
# subshell with `set -e`-like helpers; it passes when it returns 0.
# Output is TAP-style: "ok - file: name", "not ok - file: name", "... # SKIP why".

set -u
TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
HARDRUN=${HARDRUN:-$TOP/hardrun}
HELPERS=${HELPERS:-$TOP/build/tests/helpers}
TEST_TMP=${TEST_TMP:-/tmp/hardrun-tests}
STATE_ROOT=${STATE_ROOT:-$TEST_TMP/state}
mkdir -p "$TEST_TMP" "$STATE_ROOT"

_file=$(basename "${BASH_SOURCE[1]:-$0}" .sh)

# A busybox rootfs made once per run from Debian's busybox-static.
rootfs_template() {
	local t=$TEST_TMP/rootfs-template
	if [ ! -x "$t/bin/busybox" ]; then
		local tmp
		tmp=$(mktemp -d "$TEST_TMP/rootfs.XXXXXX")
		chmod 755 "$tmp"
		mkdir -p "$tmp"/{bin,sbin,etc,proc,sys,dev,tmp,root,home,var,run,usr/bin}
		cp /bin/busybox "$tmp/bin/busybox"
		chroot "$tmp" /bin/busybox --install -s /bin
		printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$tmp/etc/passwd"
		printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"
		chmod 1777 "$tmp/tmp"
		if [ -d "$HELPERS" ]; then cp "$HELPERS"/* "$tmp/bin/" 2>/dev/null || true; fi
		rm -rf "$t" && mv "$tmp" "$t"
	fi
	# a template from an earlier run may predate a helper added or rebuilt since
	local h
	for h in "$HELPERS"/*; do
		[ -e "$h" ] && [ "$h" -nt "$t/bin/${h##*/}" ] && cp "$h" "$t/bin/"
	done
	echo "$t"
}

# make_bundle DIR [args...]: a bundle with runc's starting config (spec --minimal,
# the baseline tests harden themselves) and a copy of the rootfs.
make_bundle() {
	local dir=$1; shift
	rm -rf "$dir"; mkdir -p "$dir"
	cp -a "$(rootfs_template)" "$dir/rootfs"
	(cd "$dir" && "$HARDRUN" spec --minimal) || return 1
	if [ $# -gt 0 ]; then
		local args
		args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
		cfg "$dir" ".process.args = $args | .process.terminal = false"
	else
		cfg "$dir" '.process.terminal = false'
	fi
}

# cfg BUNDLE JQ-FILTER: edit BUNDLE/config.json in place.
cfg() {
	local f=$1/config.json
	jq "$2" "$f" >"$f.new" && mv "$f.new" "$f"
}

hr() { "$HARDRUN" --root "$STATE_ROOT" "$@"; }

# Each test runs in its own subshell, so a failed assertion ends the test there.
fail() { echo "#   $*" >&2; exit 1; }
assert_eq() { [ "$1" = "$2" ] || fail "expected [$2], got [$1]${3:+ ($3)}"; }
assert_contains() { case $1 in *"$2"*) ;; *) fail "expected output containing [$2], got [$1]";; esac; }
assert_not_contains() { case $1 in *"$2"*) fail "output unexpectedly contains [$2]: [$1]";; esac; }
skip() { echo "SKIP: $*" >"$_skipfile"; exit 0; }

# A process that has exited but is not reaped yet (a zombie, whose new
# parent may reap slowly) is not alive.
process_alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# smoke_check OUT PREFIX NAME: passes, skips or fails as the line for NAME
# did in OUT, the output of an end-to-end smoke script (tests/e2e/*-smoke.sh:
# "ok - PREFIX: NAME", "... # SKIP why" or "not ok - PREFIX: NAME: why").
smoke_whole_run() { # OUT SCRIPT: the smoke script's last line says nothing failed
	local last
	last=$(tail -n1 "$1")
	[[ $last =~ ^[0-9]+\ passed,\ 0\ failed ]] || fail "$2: $last"
}
smoke_check() {
	local out=$1 prefix=$2 name=$3 line
	line=$(grep -E "^(ok|not ok) - $prefix: $name( |:|$)" "$out" | head -n1)
	case $line in
	"ok - $prefix: $name # SKIP "*) skip "${line#*# SKIP }" ;;
	"ok - $prefix: $name") return 0 ;;
	"") fail "check $name did not run: $(grep -v '^ok' "$out" | tail -n3)" ;;
	*) fail "${line#not ok - "$prefix": }" ;;
	esac
}

unique_id() { echo "t$$-${RANDOM}${RANDOM}"; }

# After each test: a container of this file's (unique_id) still in the state
# root is deleted with --force, and a cgroup of this file's left after that is
# a leak. Prints what was found; a passing test that left anything fails, so a
# failed assertion never leaks containers into later tests or runs.
sweep_left_behind() {
	local d id found=''
	for d in "$STATE_ROOT"/t$$-*; do
		[ -d "$d" ] || continue
		id=${d##*/}
		found+="container $id; "
		"$HARDRUN" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>&1 ||
			found+="(delete --force $id failed) "
	done
	for d in /sys/fs/cgroup/hardrun/t$$-*; do
		[ -d "$d" ] && found+="cgroup ${d#/sys/fs/cgroup/}; "
	done
	echo -n "$found"
}

run_tests() {
	local fn names
	names=$(declare -F | awk '{print $3}' | grep '^test_' || true)
	[ -n "${ONLY:-}" ] && names=$(echo "$names" | grep -E "$ONLY" || true)
	# the plan: tests/run.sh fails the file when fewer results come back
	echo "1..$(echo -n "$names" | grep -c .)"
	for fn in $names; do
		_skipfile=$(mktemp "$TEST_TMP/skip.XXXXXX")
		local out rc
		out=$( (set -o pipefail; cd "$TEST_TMP" && "$fn") 2>&1 ); rc=$?
		local left
		left=$(sweep_left_behind)
		if [ -n "$left" ] && [ $rc -eq 0 ] && [ ! -s "$_skipfile" ]; then
			out="#   left behind: $left"; rc=1
		fi
		if [ -s "$_skipfile" ]; then
			echo "ok - $_file: ${fn#test_} # $(cat "$_skipfile")"
		elif [ $rc -eq 0 ]; then
			echo "ok - $_file: ${fn#test_}"
		else
			echo "not ok - $_file: ${fn#test_} (exit $rc)"
			echo "$out" | tail -n 30 | sed 's/^/#   /'
		fi
		rm -f "$_skipfile"
	done
}
