#!/bin/bash
# bench.sh: what a container start and an exec cost, hardrun against crun,
# runc and bubblewrap: wall time and CPU time, p50 and p95.
#
#   scripts/bench.sh [-n N] [--only REGEX] [--hardrun PATH] [--baseline PATH]
#                    [--no-others] [--without NAME] [--no-strip] [--svg FILE] [--markdown]
#                    [--keep DIR]
#
# Scenarios (each runs /bin/true from one busybox rootfs, N times per runtime):
#   plain               `hardrun spec --minimal` without seccomp, writable root, no
#                       user namespace
#   hardened            `hardrun spec --minimal` hardened as the default (read-only
#                       root, masked and read-only paths, hardrun's default
#                       seccomp profile, no_new_privs) plus a user namespace
#                       (container 0 -> host 100000, 65536 ids); bubblewrap
#                       runs alongside with --unshare-all, a read-only bind of
#                       the same rootfs, /proc and /dev
#   hardened-containerd the same with containerd 1.6's default seccomp profile
#                       (tests/data/containerd-1.6/seccomp-default.config.json)
#   hardened-policy     hardened under `hardrun --policy` (the policy
#                       `hardrun policy init` writes), against the same
#                       hardrun without it ("nopolicy") and crun; skipped
#                       with a note while hardrun has no policy verb
#   exec                `exec ID /bin/true` into a running hardened container
#                       (`sleep`), hardrun against crun exec and runc exec
#
# Within a scenario the runtimes alternate, each iteration starting with the
# next one, so load from other work on the machine hits all alike; compare
# the ratios more than the absolute numbers. CPU is user + system time of the
# runtime and every process it waited for (the container process included),
# from wait4's rusage (scripts/bench-measure.py); peak RSS is the largest of
# those processes. Prints a table and the ratios hardrun / other; --markdown
# prints Markdown tables instead; --svg writes a bar chart; --keep DIR keeps
# the raw per-run numbers (DIR/times) and the machine description.
# --baseline PATH adds another hardrun binary as runtime "baseline" (before
# and after a change, in the same alternating run); --no-others leaves out
# crun, runc and bubblewrap; --without NAME leaves out one of them (runc's
# 30 ms per start evicts the caches the others then start with). hardrun is
# measured as a distribution ships it: a stripped copy (Debian's crun and
# runc are stripped; `make` builds with -g). Before every create, run and
# exec hardrun copies what its binary maps (0.65 MB, debug information or
# not), so stripping changes little. --no-strip measures the binary as
# built.
#
# All runtimes run in one private mount namespace with their state directories
# on a tmpfs (as /run is) and cgroup2 mounted at /sys/fs/cgroup (crun 1.8 refuses hybrid hosts; the host's own hierarchies
# are never touched); crun runs with --cgroup-manager=disabled (its cgroupfs
# manager needs RLIMIT_MEMLOCK raised, which this host refuses), so crun
# creates no cgroup while hardrun and runc do. ociVersion is 1.0.2 (crun 1.8
# refuses 1.2.0). Needs root. Not part of the test suite.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
N=50
ONLY=.
HARDRUN=$TOP/hardrun
SVG='' MARKDOWN='' KEEP='' BASELINE='' OTHERS=1 STRIP=1 WITHOUT=
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }
while [ $# -gt 0 ]; do
	case $1 in
	-n) N=${2:?-n needs a number}; shift 2 ;;
	-n*) N=${1#-n}; shift ;;
	--only) ONLY=${2:?}; shift 2 ;;
	--hardrun) HARDRUN=$(realpath "${2:?}"); shift 2 ;;
	--baseline) BASELINE=$(realpath "${2:?}"); shift 2 ;;
	--no-others) OTHERS=0; shift ;;
	--without) WITHOUT=${2:?}; shift 2 ;;
	--no-strip) STRIP=0; shift ;;
	--svg) SVG=$(realpath -m "${2:?}"); shift 2 ;;
	--markdown) MARKDOWN=--markdown; shift ;;
	--keep) KEEP=$(realpath -m "${2:?}"); shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $N in '' | *[!0-9]* | 0) echo "bench.sh: -n needs a positive number" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "bench.sh: must run as root" >&2; exit 2; }
[ -x "$HARDRUN" ] || { echo "bench.sh: $HARDRUN not built (make)" >&2; exit 2; }
for tool in jq python3 busybox cc; do
	command -v $tool >/dev/null || { echo "bench.sh: needs $tool (scripts/install-deps.sh bench)" >&2; exit 2; }
done

W=$(mktemp -d /tmp/hardrun-bench.XXXXXX)
chmod 755 "$W"                  # container root (host uid 100000) walks to the rootfs
trap 'rm -rf "$W"' EXIT
# shellcheck source=scripts/bench-lib.sh
. "$TOP/scripts/bench-lib.sh"

bench_rusage "$TOP" "$W/bench-rusage"
if [ "$STRIP" = 1 ]; then           # as a distribution ships it (see above)
	mkdir -p "$W/bin" "$W/bin-baseline"
	strip -o "$W/bin/hardrun" "$HARDRUN" && HARDRUN=$W/bin/hardrun
	[ -z "$BASELINE" ] || { strip -o "$W/bin-baseline/hardrun" "$BASELINE" && BASELINE=$W/bin-baseline/hardrun; }
fi

bench_bundles "$W" "$HARDRUN" "$TOP"

# ---- runtimes and the plan --------------------------------------------------------
declare -A RT=([hardrun]="$HARDRUN --root $W/state/hardrun")
[ -z "$BASELINE" ] || RT[baseline]="$BASELINE --root $W/state/baseline"
BWRAP=
if [ "$OTHERS" = 1 ]; then
	[ "$WITHOUT" = crun ] || ! command -v crun >/dev/null || RT[crun]="$(command -v crun) --root $W/state/crun --cgroup-manager=disabled"
	[ "$WITHOUT" = runc ] || ! command -v runc >/dev/null || RT[runc]="$(command -v runc) --root $W/state/runc"
	[ "$WITHOUT" = bwrap ] || BWRAP=$(command -v bwrap || true)
fi
ORDER=(hardrun baseline crun runc)
POLICY_NOTE=
if "$HARDRUN" policy init >"$W/policy.json" 2>/dev/null && [ -s "$W/policy.json" ]; then
	HAVE_POLICY=1
else
	HAVE_POLICY=0
	[[ hardened-policy =~ $ONLY ]] && POLICY_NOTE="hardened-policy skipped: this hardrun has no \`policy init\` (issue 13)"
fi

plan() { # SCENARIO RUNTIME COMMAND
	[[ $1 =~ $ONLY ]] && printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$W/plan"
	return 0
}
: >"$W/plan"
for s in plain hardened hardened-containerd; do
	for r in "${ORDER[@]}"; do
		[ -n "${RT[$r]:-}" ] && plan "$s" "$r" "${RT[$r]} run --bundle $W/$s $s-$r-{i}"
	done
	if [ "$s" != plain ] && [ -n "$BWRAP" ]; then
		plan "$s" bwrap "$BWRAP --unshare-all --ro-bind $W/rootfs / --proc /proc --dev /dev /bin/true"
	fi
done
if [ "$HAVE_POLICY" = 1 ]; then
	plan hardened-policy hardrun "$HARDRUN --policy $W/policy.json --root $W/state/hardrun run --bundle $W/hardened pol-{i}"
	plan hardened-policy nopolicy "${RT[hardrun]} run --bundle $W/hardened nopol-{i}"
	[ -z "${RT[crun]:-}" ] || plan hardened-policy crun "${RT[crun]} run --bundle $W/hardened pol-crun-{i}"
fi
: >"$W/running"                      # "ID<TAB>RUNTIME COMMAND" of the containers exec needs
if [[ "exec" =~ $ONLY ]]; then
	for r in "${ORDER[@]}"; do
		[ -n "${RT[$r]:-}" ] || continue
		printf 'bench-exec-%s-%s\t%s\n' "$r" "$$" "${RT[$r]}" >>"$W/running"
		plan exec "$r" "${RT[$r]} exec bench-exec-$r-$$ /bin/true"
	done
fi

# ---- the timed loop, inside the private mount namespace ------------------------
cat >"$W/inner.sh" <<'EOF'
set -u
W=$1 N=$2 MEASURE=$3 RUSAGE=$4
mount -t cgroup2 none /sys/fs/cgroup || exit 1
mkdir -p "$W/state"                  # state on tmpfs, as /run is
mount -t tmpfs -o mode=0700 bench-state "$W/state" || exit 1
rc=0
while IFS=$'\t' read -r id rt; do
	$rt run -d --bundle "$W/exec" "$id" </dev/null >"$W/run-d.out" 2>&1 ||
		{ echo "bench: $rt run -d $id failed: $(cat "$W/run-d.out")" >&2; rc=1; }
done <"$W/running"
[ "$rc" = 0 ] && { python3 "$MEASURE" "$N" "$W/plan" "$W/times" "$RUSAGE" || rc=1; }
while IFS=$'\t' read -r id rt; do     # cleanup, by id
	$rt kill "$id" KILL >/dev/null 2>&1
	$rt delete --force "$id" >/dev/null 2>&1 || echo "bench: could not delete container $id" >&2
done <"$W/running"
exit $rc
EOF
echo "bench: $N runs of /bin/true per runtime and scenario, alternating; $(bench_machine)" >&2
[ -z "$POLICY_NOTE" ] || echo "bench: $POLICY_NOTE" >&2
: >"$W/times"
unshare -m --propagation private bash "$W/inner.sh" "$W" "$N" "$TOP/scripts/bench-measure.py" "$W/bench-rusage"

# ---- report ------------------------------------------------------------------------
python3 "$TOP/scripts/bench-report.py" "$W/times" $MARKDOWN ${SVG:+--svg "$SVG"} --machine "$(bench_machine), N=$N, $(date -u +%Y-%m-%d)"
[ -z "$POLICY_NOTE" ] || echo "$POLICY_NOTE"
if [ -n "$KEEP" ]; then
	mkdir -p "$KEEP"
	cp "$W/times" "$W/plan" "$KEEP/"
	bench_machine >"$KEEP/machine"
fi
