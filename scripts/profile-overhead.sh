#!/bin/bash
# profile-overhead.sh: what `hardrun profile learn` costs a workload (issue 14).
#
#   scripts/profile-overhead.sh [-n N]
#
# Runs each workload in a container on the cached Debian rootfs
# (tests/setup/debian-rootfs.sh) N times (default 3) in four ways and
# prints the median wall time of the workload itself (timed inside the
# container, so container setup is not counted) and the ratio to plain:
#   plain   `hardrun run`, no seccomp filter
#   learn   `hardrun profile learn` (every syscall to the supervisor)
#   merge   `hardrun profile learn --merge` of that profile (a second
#           run: what the profile allows stays in the kernel)
#   check   `hardrun profile check` with the profile learn wrote (the
#           allowed syscalls never leave the kernel)
#   strace  `strace -f -c` around `hardrun run` (ptrace on every syscall)
# Workloads: find over /usr (getdents64 + newfstatat per file), reading
# every Python file with cat, a gcc compile, and dd with 1-byte blocks
# (nothing but syscalls: the worst case). Needs root and strace.
# Not part of the test suite.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
HARDRUN=${HARDRUN:-$TOP/hardrun}
N=3
[ "${1:-}" = -n ] && N=${2:?-n needs a number}
DEB=$(sh "$TOP/tests/setup/debian-rootfs.sh")
WORK=$(mktemp -d /tmp/hardrun-overhead.XXXXXX)
ROOT=$WORK/state
trap 'rm -rf "$WORK"' EXIT
command -v strace >/dev/null || { echo "profile-overhead: strace is not installed" >&2; exit 1; }

declare -A WORKLOADS=(
	[find]='find /usr -xdev >/dev/null'
	[cat]='find /usr/lib/python3.11 -name "*.py" -exec cat {} + >/dev/null'
	[gcc]='gcc -O2 -o /tmp/hello /mnt/hello.c'
	[dd]='dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null'
)

# bundle NAME CMD: prints the workload's own wall time in ms when run.
bundle() {
	local b=$WORK/$1
	mkdir -p "$b"
	(cd "$b" && "$HARDRUN" spec --minimal)
	local script="s=\$(date +%s%N); $2; e=\$(date +%s%N); echo \$(( (e - s) / 1000000 ))"
	jq --arg root "$DEB" --arg data "$TOP/tests/data/profile" --arg sh "$script" '
		.root = {path: $root, readonly: true} | .process.terminal = false
		| .process.args = ["/bin/sh", "-c", $sh] | del(.linux.seccomp)
		| .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]},
			{destination: "/mnt", type: "bind", source: $data, options: ["rbind", "ro"]}]' \
		"$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	echo "$b"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

measure() {
	local how=$1 b=$2 i
	for i in $(seq "$N"); do
		case $how in
		plain) "$HARDRUN" --root "$ROOT" run -b "$b" "o$$" </dev/null ;;
		learn) "$HARDRUN" --root "$ROOT" profile learn -b "$b" -o "$b/learned.json" </dev/null 2>/dev/null ;;
		merge) "$HARDRUN" --root "$ROOT" profile learn -b "$b" -o "$b/merged.json" --merge "$b/learned.json" \
			</dev/null 2>/dev/null ;;
		check) "$HARDRUN" --root "$ROOT" profile check -b "$b" --profile "$b/learned.json" </dev/null 2>/dev/null ;;
		strace) strace -f -c -o /dev/null "$HARDRUN" --root "$ROOT" run -b "$b" "o$$" </dev/null ;;
		esac
	done | grep -E '^[0-9]+$' | median
}

printf '%-8s %8s %8s %8s %8s %8s   %s\n' workload plain learn merge check strace \
	"ratios to plain (learn, merge, check, strace)"
for name in find cat gcc dd; do
	b=$(bundle "$name" "${WORKLOADS[$name]}")
	plain=$(measure plain "$b"); learn=$(measure learn "$b"); merge=$(measure merge "$b")
	check=$(measure check "$b"); strace=$(measure strace "$b")
	printf '%-8s %6sms %6sms %6sms %6sms %6sms   %s\n' "$name" "$plain" "$learn" "$merge" "$check" "$strace" \
		"$(awk -v p="$plain" -v l="$learn" -v m="$merge" -v c="$check" -v s="$strace" \
			'BEGIN { d = p > 0 ? p : 1; printf "%.1fx %.1fx %.1fx %.1fx", l / d, m / d, c / d, s / d }')"
done
