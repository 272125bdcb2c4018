#!/bin/bash
# bench-scale.sh: hardrun with many containers.
#
#   scripts/bench-scale.sh [--many N] [--parallel P] [--loops K] [--runs R]
#                          [--hardrun PATH] [--no-crun]
#
# 1. With 10 and then N (default 1000) containers in the "created" state
#    (busybox sleep, no limits, no network or user namespace, no seccomp):
#    wall time of `list` (target: under 100 ms at N) and of one more
#    `create` and `delete`, R times each (default 20), p50 and p95.
# 2. P (default 50) parallel loops of create/start/delete of /bin/true, K
#    iterations each (default 10), against 1 and 2 loops: per-operation p50 and
#    p95 and the throughput in cycles per second. With a lock convoy the
#    throughput falls as loops are added; without one it stays flat once the
#    cores are busy and latency grows with the number of loops.
# 3. Peak RSS (largest process, from rusage) of hardrun's and crun's
#    `create` and `list` with N containers on the same config (crun with
#    --cgroup-manager=disabled, as in bench.sh; --no-crun skips it).
#
# Every container it creates is deleted again, by id, also when interrupted.
# Same private mount namespace, tmpfs state and cgroup2 mount as bench.sh.
# Needs root. Not part of the test suite.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
MANY=1000 PAR=50 LOOPS=10 RUNS=20 CRUN=1
HARDRUN=$TOP/hardrun
while [ $# -gt 0 ]; do
	case $1 in
	--many) MANY=${2:?}; shift 2 ;;
	--parallel) PAR=${2:?}; shift 2 ;;
	--loops) LOOPS=${2:?}; shift 2 ;;
	--runs) RUNS=${2:?}; shift 2 ;;
	--hardrun) HARDRUN=$(realpath "${2:?}"); shift 2 ;;
	--no-crun) CRUN=0; shift ;;
	-h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "bench-scale.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "bench-scale.sh: must run as root" >&2; exit 2; }
command -v crun >/dev/null || CRUN=0

W=$(mktemp -d /tmp/hardrun-scale.XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
# shellcheck source=scripts/bench-lib.sh
. "$TOP/scripts/bench-lib.sh"
bench_rusage "$TOP" "$W/bench-rusage"
mkdir -p "$W/bin" && strip -o "$W/bin/hardrun" "$HARDRUN" && HARDRUN=$W/bin/hardrun   # as bench.sh: as shipped
bench_bundles "$W" "$HARDRUN" "$TOP"
for b in sleep true; do
	mkdir -p "$W/$b"
	jq --arg b "$b" '.linux.namespaces |= map(select(.type != "network")) | del(.linux.seccomp)
		| .process.args = (if $b == "sleep" then ["/bin/sleep", "1000000"] else ["/bin/true"] end)' \
		"$W/plain/config.json" >"$W/$b/config.json"
done

cat >"$W/inner.sh" <<'EOF'
set -u
W=$1 HARDRUN=$2 MANY=$3 PAR=$4 LOOPS=$5 RUNS=$6 CRUN=$7
mount -t cgroup2 none /sys/fs/cgroup || exit 1
mkdir -p "$W/state" && mount -t tmpfs -o mode=0700 bench-state "$W/state" || exit 1
H="$HARDRUN --root $W/state/hardrun"
C="crun --root $W/state/crun --cgroup-manager=disabled"
TAG=s$$                                  # ids are ours: TAG-...
cleanup() {                              # every id we made, by id
	for id in $(cat "$W/ids-hardrun" 2>/dev/null); do $H delete --force "$id" >/dev/null 2>&1; done
	for id in $(cat "$W/ids-crun" 2>/dev/null); do $C delete --force "$id" >/dev/null 2>&1; done
}
trap cleanup EXIT
measure() { # LABEL COMMAND...: one "LABEL WALL_US CPU_US RSS_KB" line in $W/results
	local out
	out=$("$W/bench-rusage" --no-subreaper "${@:2}" 3>&1 >/dev/null 2>"$W/err" </dev/null) || true
	set -- "$1" $out
	[ "${2:-}" = 0 ] || { echo "bench-scale: $1 failed: $(cat "$W/err")" >&2; return 1; }
	echo "$1 $3 $4 $5" >>"$W/results"
}
fill() { # RUNTIME-CMD NAME UPTO: create containers TAG-NAME-<n> until UPTO exist
	local rt=$1 name=$2 upto=$3 n
	n=0
	[ ! -f "$W/ids-$name" ] || n=$(grep -c -- "-$name-[0-9]*\$" "$W/ids-$name")
	while [ "$n" -lt "$upto" ]; do
		echo "$TAG-$name-$n" >>"$W/ids-$name"
		$rt create --bundle "$W/sleep" "$TAG-$name-$n" </dev/null >/dev/null 2>"$W/err" ||
			{ echo "bench-scale: create $n failed: $(cat "$W/err")" >&2; return 1; }
		n=$((n + 1))
	done
}
at_size() { # RUNTIME-CMD NAME SIZE
	local rt=$1 name=$2 size=$3 i
	fill "$rt" "$name" "$size" || return 1
	for i in $(seq "$RUNS"); do
		measure "$name-list-$size" $rt list || return 1
		echo "$TAG-$name-x" >>"$W/ids-$name"
		measure "$name-create-$size" $rt create --bundle "$W/sleep" "$TAG-$name-x" || return 1
		measure "$name-delete-$size" $rt delete --force "$TAG-$name-x" || return 1
	done
}
loop() { # WORKER: LOOPS create/start/delete cycles of /bin/true
	local id=$TAG-p$1 k out
	for k in $(seq "$LOOPS"); do
		echo "$id-$k" >>"$W/ids-hardrun"
		for op in create start delete; do
			case $op in
			create) set -- $H create --bundle "$W/true" "$id-$k" ;;
			start) set -- $H start "$id-$k" ;;
			delete) set -- $H delete --force "$id-$k" ;;
			esac
			out=$("$W/bench-rusage" --no-subreaper "$@" 3>&1 >/dev/null 2>/dev/null </dev/null)
			set -- $out
			echo "$op $2 $1"
		done
	done
}
parallel() { # P: P loops at once; "P op wall_us exit" lines and the elapsed time
	local p=$1 t0 t1 j
	t0=$EPOCHREALTIME
	for j in $(seq "$p"); do loop "$p-$j" >"$W/loop-$p-$j" & done
	wait
	t1=$EPOCHREALTIME
	cat "$W"/loop-"$p"-* | sed "s/^/$p /" >>"$W/parallel"
	echo "$p $(( (${t1/./} - ${t0/./}) ))" >>"$W/elapsed"
}

at_size "$H" hardrun 10 && at_size "$H" hardrun "$MANY" || exit 1
if [ "$CRUN" = 1 ]; then
	at_size "$C" crun 10 && at_size "$C" crun "$MANY" || exit 1
fi
cleanup
: >"$W/ids-hardrun" >"$W/ids-crun"
for p in 1 2 "$PAR"; do parallel "$p"; done
EOF
echo "bench-scale: $MANY containers, $PAR parallel loops of $LOOPS; $(bench_machine)" >&2
unshare -m --propagation private bash "$W/inner.sh" "$W" "$HARDRUN" "$MANY" "$PAR" "$LOOPS" "$RUNS" "$CRUN"

python3 - "$W" "$MANY" <<'EOF'
import sys
W, many = sys.argv[1], sys.argv[2]

def pct(v, p):
    s = sorted(v)
    return s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))]

res = {}
for line in open(f"{W}/results"):
    label, wall, cpu, rss = line.split()
    res.setdefault(label, []).append((int(wall) / 1000, int(cpu) / 1000, int(rss) / 1024))
print(f"{'operation':<24} {'runs':>4} {'wall p50':>9} {'p95':>8} {'cpu p50':>8} {'peak RSS':>9}")
for label, v in res.items():
    w = [x[0] for x in v]
    print(f"{label:<24} {len(v):>4} {pct(w, 50):>9.2f} {pct(w, 95):>8.2f} {pct([x[1] for x in v], 50):>8.2f} "
          f"{max(x[2] for x in v):>7.1f}MB")
l = pct([x[0] for x in res[f"hardrun-list-{many}"]], 50)
print(f"hardrun list with {many} containers: p50 {l:.1f} ms ({'under' if l < 100 else 'OVER'} 100 ms)")
for op in ("create", "delete"):
    a = pct([x[0] for x in res[f"hardrun-{op}-10"]], 50)
    b = pct([x[0] for x in res[f"hardrun-{op}-{many}"]], 50)
    print(f"hardrun {op}: p50 {a:.2f} ms with 10, {b:.2f} ms with {many} ({b / a:.2f}x)")

par, failed = {}, 0
for line in open(f"{W}/parallel"):
    p, op, wall, rc = line.split()
    if rc != "0":
        failed += 1
    par.setdefault((int(p), op), []).append(int(wall) / 1000)
elapsed = {int(p): int(us) / 1e6 for p, us in (l.split() for l in open(f"{W}/elapsed"))}
print(f"{'loops':>5} {'op':<7} {'n':>5} {'p50 ms':>8} {'p95 ms':>8}   cycles/s")
for (p, op), v in sorted(par.items()):
    cycles = len(par[(p, "create")]) / elapsed[p]
    print(f"{p:>5} {op:<7} {len(v):>5} {pct(v, 50):>8.2f} {pct(v, 95):>8.2f}   {cycles:.1f}")
print(f"failed operations in the parallel loops: {failed}")
EOF
