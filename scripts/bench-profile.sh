#!/bin/bash
# bench-profile.sh: where the CPU of a hardrun start (or exec) goes.
#
#   scripts/bench-profile.sh [-n N] [--hardrun PATH] [--keep DIR]
#                            [plain|hardened|hardened-containerd|exec]
#
# Runs N (default 40) `hardrun run` of /bin/true in the scenario's bundle
# (the same bundles as scripts/bench.sh; default: hardened), or N `hardrun
# exec ID /bin/true` into a running hardened container, under `perf record
# -g`, and prints:
#   - the CPU per container (user + sys of the runtime and the container
#     process, p50, from the rusage helper of bench.sh, in a separate loop)
#   - how it splits between processes (hardrun; memfd:hardrun = hardrun
#     re-executed from its sealed copy, until it renames itself; true = the
#     workload after execve)
#   - the kernel entry points (syscalls) and phases (ELF loading, exit,
#     seccomp load, BPF verifier, namespace creation) that took the most, as
#     a share of those processes' samples and as ms per container. Samples
#     in the execve that starts hardrun may carry the launcher's name and
#     are then not counted; the rusage p50 does count them.
# --keep DIR keeps perf.data. Needs root and perf. Not part of the test suite.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
N=40
HARDRUN=$TOP/hardrun
KEEP=
SCENARIO=hardened
while [ $# -gt 0 ]; do
	case $1 in
	-n) N=${2:?}; shift 2 ;;
	--hardrun) HARDRUN=$(realpath "${2:?}"); shift 2 ;;
	--keep) KEEP=$(realpath -m "${2:?}"); shift 2 ;;
	-h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	plain | hardened | hardened-containerd | exec) SCENARIO=$1; shift ;;
	*) echo "bench-profile.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "bench-profile.sh: must run as root" >&2; exit 2; }
command -v perf >/dev/null || { echo "bench-profile.sh: needs perf (linux-perf)" >&2; exit 2; }

W=$(mktemp -d /tmp/hardrun-profile.XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
# shellcheck source=scripts/bench-lib.sh
. "$TOP/scripts/bench-lib.sh"
bench_rusage "$TOP" "$W/bench-rusage"
bench_bundles "$W" "$HARDRUN" "$TOP"

cat >"$W/inner.sh" <<'EOF'
set -eu
W=$1 N=$2 H=$3 SCENARIO=$4
mount -t cgroup2 none /sys/fs/cgroup
mkdir -p "$W/state" && mount -t tmpfs -o mode=0700 bench-state "$W/state"
R="$H --root $W/state"
id=profile-exec-$$
if [ "$SCENARIO" = exec ]; then
	$R run -d --bundle "$W/exec" "$id" </dev/null >/dev/null 2>&1
	cmd() { echo "$R exec $id /bin/true"; }
else
	cmd() { echo "$R run --bundle $W/$SCENARIO p-$1"; }
fi
$(cmd warm) </dev/null
for i in $(seq "$N"); do "$W/bench-rusage" $(cmd c$i) 3>>"$W/cpu" </dev/null >/dev/null; done
for i in $(seq "$N"); do cmd "r$i"; done >"$W/cmds"
perf record -q -g -F 10000 -o "$W/perf.data" -- bash "$W/cmds" </dev/null >/dev/null 2>&1
[ "$SCENARIO" != exec ] || $R delete --force "$id" >/dev/null
EOF
unshare -m --propagation private bash "$W/inner.sh" "$W" "$N" "$HARDRUN" "$SCENARIO"

cpu_ms=$(awk '{ print $3 / 1000 }' "$W/cpu" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "# $SCENARIO: $N containers, $(bench_machine)"
echo "# CPU per container, p50: $cpu_ms ms"
# comm: the file name executed; perf prints nothing when a name repeats
COMMS=$(printf '%s\n' "$(basename "$HARDRUN" | cut -c1-15)" hardrun memfd:hardrun true | sort -u | paste -sd,)
echo "# share of the samples by process"
perf report -i "$W/perf.data" --no-children --comms "$COMMS" --percentage relative --sort comm -q -g none 2>/dev/null |
	awk -v c="$cpu_ms" 'NF { sub("%", "", $1); printf "  %-16s %5.1f%%  %5.2f ms\n", $2, $1, $1 * c / 100 }'
# inclusive share of the named kernel and user-space functions (they overlap:
# a syscall includes what it calls)
KEY='__x64_sys_[a-z0-9_]+|__do_sys_[a-z0-9_]+|exc_page_fault|load_elf_binary|exit_mmap|do_seccomp|bpf_check'
KEY+='|copy_net_ns|create_user_ns|copy_mnt_ns|cgroup_mkdir|cgroup_rmdir|shmem_file_write_iter|_dl_start_user|main'
echo "# heaviest kernel entry points and phases (inclusive, overlapping)"
perf report -i "$W/perf.data" --children --comms "$COMMS" --percentage relative --sort sym -q -g none 2>/dev/null |
	grep -E "\] ($KEY)\$" |
	awk -v c="$cpu_ms" 'NF { sub("%", "", $1); if ($1 >= 1) printf "  %-28s %5.1f%%  %5.2f ms\n", $4, $1, $1 * c / 100 }' | head -30
if [ -n "$KEEP" ]; then mkdir -p "$KEEP" && cp "$W/perf.data" "$KEEP/"; fi
