#!/bin/bash
# compare-bpf-hook.sh: `hardrun profile learn` against oci-seccomp-bpf-hook
# on the same workloads (issue 14). Run it where the hook can work: as root,
# with BCC (libbpfcc) and the running kernel's headers; on the development
# host that is the qemu VM:
#
#   apt-get install oci-seccomp-bpf-hook linux-headers-<VM kernel>   # on the host
#   scripts/run-in-vm --timeout 3000 -- scripts/compare-bpf-hook.sh [OUTDIR]
#
# For each workload in the cached Debian rootfs (tests/setup/debian-rootfs.sh):
# learns a profile with each tool (the hook as a prestart hook with the
# io.containers.trace-syscall annotation, as podman runs it), counts the
# syscalls each allows, and runs the workload with each profile enforced.
# Also times the find workload (inside the container) plain, under learn
# and under the hook. Prints a table; profiles are left in OUTDIR.
# The hook gives BCC 10 seconds (a constant, BPFTimeout) to compile and
# attach its program: under qemu's TCG emulation that is too short (seen:
# "BPF program didn't compile and attach within 10 seconds"), so the VM must
# have KVM, or the host must have the running kernel's headers.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
HARDRUN=${HARDRUN:-$TOP/hardrun}
HOOK=/usr/libexec/oci/hooks.d/oci-seccomp-bpf-hook
OUT=${1:-$TOP/build/bpf-hook-compare}
ROOT=$(mktemp -d /tmp/hardrun-cmp.XXXXXX)
mkdir -p "$OUT"
[ -x "$HOOK" ] || { echo "compare-bpf-hook: $HOOK is not installed" >&2; exit 1; }
[ -d "/lib/modules/$(uname -r)/build" ] || { echo "compare-bpf-hook: no kernel headers for $(uname -r)" >&2; exit 1; }
DEB=$(sh "$TOP/tests/setup/debian-rootfs.sh") || exit 1

declare -A WORK=(
	[python]='/usr/bin/python3 /mnt/workload.py'
	[gcc]='gcc -O2 -o /tmp/hello /mnt/hello.c && /tmp/hello'
	[pipeline]='seq 1 3000 | sort -rn | tail -n 3 | tr 0-9 a-j | wc -l'
	[find]='s=$(date +%s%N); find /usr -xdev >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))'
)

# bundle NAME [JQ-ARGS... FILTER]: a bundle for workload NAME, its config
# edited by jq with the rest of the arguments.
bundle() {
	local name=$1 b=$ROOT/$1
	shift
	rm -rf "$b" && mkdir -p "$b" && (cd "$b" && "$HARDRUN" spec --minimal) || return 1
	jq --arg root "$DEB" --arg data "$TOP/tests/data/profile" --arg sh "${WORK[$name]}" '
		.root = {path: $root, readonly: true} | .process.terminal = false
		| .process.args = ["/bin/sh", "-c", $sh] | .process.env += ["HOME=/tmp"] | del(.linux.seccomp)
		| .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]},
			{destination: "/mnt", type: "bind", source: $data, options: ["rbind", "ro"]}]' \
		"$b/config.json" | jq "${@:-.}" >"$b/c" && mv "$b/c" "$b/config.json"
	echo "$b"
}

hooked() {
	local of=$1
	bundle "$2" --arg of "$of" --arg hook "$HOOK" '
		.annotations["io.containers.trace-syscall"] = "of:" + $of
		| .hooks.prestart = [{path: $hook, args: ["oci-seccomp-bpf-hook", "-s"]}]'
}

# the hook writes its profile when the container has exited, from a child
wait_file() {
	local i
	for i in $(seq 600); do [ -s "$1" ] && return 0; sleep 0.5; done
	return 1
}

allowed() { jq '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | unique | length' "$1"; }

enforced() {
	local b
	b=$(bundle "$1" --slurpfile p "$2" '.linux.seccomp = $p[0]') || return 1
	"$HARDRUN" --root "$ROOT/state" run -b "$b" "e$$" </dev/null >/dev/null 2>&1 && echo yes || echo "no ($?)"
}

printf '%-9s | %-22s | %-22s\n' workload "learn: allowed, enforced" "bpf hook: allowed, enforced"
for w in python gcc pipeline; do
	b=$(bundle "$w")
	"$HARDRUN" --root "$ROOT/state" profile learn -b "$b" -o "$OUT/learn-$w.json" </dev/null >/dev/null 2>&1
	rm -f "$OUT/hook-$w.json"
	b=$(hooked "$OUT/hook-$w.json" "$w")
	if "$HARDRUN" --root "$ROOT/state" run -b "$b" "h$$" </dev/null >/dev/null 2>"$OUT/hook-$w.err"; then
		wait_file "$OUT/hook-$w.json" || echo "# $w: the hook wrote no profile"
	else
		echo "# $w: the hooked run failed: $(grep -m1 -E 'fatal|error' "$OUT/hook-$w.err")"
	fi
	printf '%-9s | %-22s | %-22s\n' "$w" "$(allowed "$OUT/learn-$w.json"), $(enforced "$w" "$OUT/learn-$w.json")" \
		"$(allowed "$OUT/hook-$w.json" 2>/dev/null), $(enforced "$w" "$OUT/hook-$w.json" 2>/dev/null)"
done

b=$(bundle find)
plain=$("$HARDRUN" --root "$ROOT/state" run -b "$b" "p$$" </dev/null)
learn=$("$HARDRUN" --root "$ROOT/state" profile learn -b "$b" -o "$OUT/learn-find.json" </dev/null 2>/dev/null)
b=$(hooked "$OUT/hook-find.json" find)
hook=$("$HARDRUN" --root "$ROOT/state" run -b "$b" "f$$" </dev/null 2>/dev/null)
echo "find /usr (ms inside the container): plain $plain, learn $learn, bpf hook $hook"
rm -rf "$ROOT"
