#!/bin/bash
# bench.sh: container start-to-exit cost of hardrun against crun and runc.
#
#   scripts/bench.sh [-n N] [--seccomp] [--hardrun PATH]
#
# Runs N (default 50) sequential `RUNTIME run` of /bin/true in one busybox
# bundle per runtime, alternating hardrun, crun, runc, hardrun, ... so that
# load changes hit all of them alike, and prints the median (and min/max) ms
# per container and the ratios hardrun/crun and hardrun/runc.
#
# All runtimes run in one private mount namespace with cgroup2 mounted at
# /sys/fs/cgroup (crun 1.8 refuses hybrid hosts; the host's own hierarchies
# are never touched); crun with --cgroup-manager=disabled. They share one
# config: hardrun's default spec with terminal false, /bin/true, no network
# namespace, ociVersion 1.0.2 (crun 1.8 refuses 1.2.0). --seccomp adds profiles/seccomp/default.json to it.
# Needs root. Not part of the test suite.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
N=50
SECCOMP=0
HARDRUN=$TOP/hardrun
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case $1 in
	-n) N=${2:?-n needs a number}; shift 2 ;;
	-n*) N=${1#-n}; shift ;;
	--seccomp) SECCOMP=1; shift ;;
	--hardrun) HARDRUN=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $N in '' | *[!0-9]* | 0) echo "bench.sh: -n needs a positive number" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "bench.sh: must run as root" >&2; exit 2; }
[ -x "$HARDRUN" ] || { echo "bench.sh: $HARDRUN not built (make)" >&2; exit 2; }
PROFILE=$TOP/profiles/seccomp/default.json
[ "$SECCOMP" = 0 ] || [ -f "$PROFILE" ] || { echo "bench.sh: $PROFILE missing" >&2; exit 2; }

W=$(mktemp -d /tmp/hardrun-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT

# ---- bundle ------------------------------------------------------------------
mkdir -p "$W/bundle/rootfs"/{bin,proc,sys,dev,tmp,etc}
cp /bin/busybox "$W/bundle/rootfs/bin/busybox"
ln -s busybox "$W/bundle/rootfs/bin/true"
ln -s busybox "$W/bundle/rootfs/bin/sh"
(cd "$W/bundle" && "$HARDRUN" spec --minimal)
filter='.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["/bin/true"]
	| .linux.namespaces |= map(select(.type != "network"))'
if [ "$SECCOMP" = 1 ]; then
	jq --slurpfile p "$PROFILE" "$filter | .linux.seccomp = \$p[0]" "$W/bundle/config.json" >"$W/config.json"
else
	jq "$filter" "$W/bundle/config.json" >"$W/config.json"
fi
mv "$W/config.json" "$W/bundle/config.json"

# ---- runtimes ----------------------------------------------------------------
NAMES=(hardrun) CMDS=("$HARDRUN --root $W/root-hardrun")
if command -v crun >/dev/null; then
	NAMES+=(crun) CMDS+=("$(command -v crun) --root $W/root-crun --cgroup-manager=disabled")
fi
if command -v runc >/dev/null; then
	NAMES+=(runc) CMDS+=("$(command -v runc) --root $W/root-runc")
fi

# ---- the timed loop, inside the private mount namespace ------------------------
# One line "RUNTIME MICROSECONDS" per run; a failed run aborts with its output.
cat >"$W/loop.sh" <<'EOF'
set -u
W=$1 N=$2; shift 2
mount -t cgroup2 none /sys/fs/cgroup || exit 1
cd "$W/bundle"
i=0
while [ "$i" -le "$N" ]; do          # run 0 is an untimed warm-up
	for spec in "$@"; do
		name=${spec%%=*} cmd=${spec#*=}
		t0=$EPOCHREALTIME
		if ! out=$($cmd run "b-$name-$i" 2>&1 </dev/null); then
			echo "FAIL $name run $i: $out"
			exit 1
		fi
		t1=$EPOCHREALTIME
		[ "$i" -gt 0 ] && echo "$name $(( (${t1/./} - ${t0/./}) ))"
	done
	i=$((i + 1))
done
EOF
specs=()
for k in "${!NAMES[@]}"; do specs+=("${NAMES[$k]}=${CMDS[$k]}"); done
echo "bench: $N runs of /bin/true per runtime, alternating (${NAMES[*]}), seccomp $([ "$SECCOMP" = 1 ] && echo "default profile" || echo off)"
if ! unshare -m --propagation private bash "$W/loop.sh" "$W" "$N" "${specs[@]}" >"$W/times"; then
	grep '^FAIL' "$W/times" >&2 || true
	exit 1
fi

# ---- table -------------------------------------------------------------------
stats() { # NAME -> "median min max" in ms
	awk -v n="$1" '$1 == n { print $2 / 1000 }' "$W/times" | sort -n |
		awk '{ a[NR] = $1 } END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f %.2f %.2f\n", m, a[1], a[NR] }'
}
printf '%-10s %6s %12s %10s %10s\n' runtime runs "median ms" "min ms" "max ms"
declare -A MED
for name in "${NAMES[@]}"; do
	read -r med mn mx < <(stats "$name")
	MED[$name]=$med
	printf '%-10s %6s %12s %10s %10s\n' "$name" "$N" "$med" "$mn" "$mx"
done
for other in crun runc; do
	[ -n "${MED[$other]:-}" ] || continue
	awk -v a="${MED[hardrun]}" -v b="${MED[$other]}" -v o="$other" 'BEGIN { printf "hardrun/%s: %.2f\n", o, a / b }'
done
