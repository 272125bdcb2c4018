#!/bin/bash
# bench-policy.sh: what the host policy adds to a container's start-up.
#
#   scripts/bench-policy.sh [-n N]
#
# Runs N (default 30) `hardrun run` of /bin/true in one busybox bundle
# (hardrun's default spec) with no policy, an empty policy ({"version": 1})
# and `hardrun policy init`'s restricted policy, and prints per case the
# median of the --debug step "policy checkpoint" (parsing the policy and
# applying every rule, audit lines included) and of the whole run. The
# restricted run also does what the policy injected (a user namespace with
# idmapped mounts, resource limits), so its total is not the policy's cost
# alone. Needs root and busybox-static. Not part of the test suite.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
N=30
[ "${1:-}" = -n ] && N=${2:?-n needs a number}
H=$TOP/hardrun
[ -x "$H" ] || { echo "bench-policy.sh: $H not built (make)" >&2; exit 2; }
W=$(mktemp -d /tmp/hardrun-bench-policy.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/b/rootfs/bin"
cp /bin/busybox "$W/b/rootfs/bin/" && ln -s busybox "$W/b/rootfs/bin/true"
(cd "$W/b" && "$H" spec --minimal && jq '.process.terminal = false | .process.args = ["/bin/true"]' config.json >c && mv c config.json)
echo '{"version": 1}' >"$W/empty.json"
"$H" policy init >"$W/restricted.json"

median() { sort -n | awk '{a[NR] = $1} END {printf "%.3f", a[int(NR / 2) + 1]}'; }

for pol in none empty restricted; do
	args=()
	[ "$pol" = none ] || args=(--policy "$W/$pol.json")
	: >"$W/step"; : >"$W/total"
	for _ in $(seq "$N"); do
		t0=$(date +%s%N)
		"$H" --root "$W/state" "${args[@]}" --debug run -b "$W/b" bench 2>"$W/err" || { cat "$W/err" >&2; exit 1; }
		t1=$(date +%s%N)
		grep "step: create: policy checkpoint" "$W/err" | sed 's/.*: \([0-9.]*\) ms.*/\1/' >>"$W/step"
		echo "$(( (t1 - t0) / 1000 ))" | awk '{print $1 / 1000}' >>"$W/total"
	done
	printf '%-11s policy checkpoint %s ms   whole run %s ms   (medians of %d)\n' "$pol" \
		"$(median <"$W/step")" "$(median <"$W/total")" "$N"
done
