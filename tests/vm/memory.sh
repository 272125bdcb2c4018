#!/bin/bash
# A container with a tiny memory limit still starts: the full hardened
# default (`hardrun spec` + a user namespace, hardrun's seccomp profile,
# read-only root, masked paths) runs /bin/true under memory.max = 512 KiB.
# Everything the container process is charged for before its workload runs
# (namespaces, mounts, the runtime's pages it copies on write) counts against
# that limit, so this guards against the start path growing. Issue 16 asks
# for 256 KiB: that passes 7 runs in 10 today (384 KiB: 10 in 10); see
# docs/performance.md for where the memory goes. Run inside scripts/run-in-vm,
# where the memory controller is real.
. "$(dirname "$0")/../lib.sh"

# hardened_bundle DIR LIMIT ARGS...: the full hardened default with memory.max
# = memory.swap.max + memory.max = LIMIT bytes
hardened_bundle() {
	local dir=$1 limit=$2; shift 2
	make_bundle "$dir" "$@" || return 1
	chown -R 100000:100000 "$dir/rootfs"
	cfg "$dir" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.resources.memory = {"limit": '"$limit"', "swap": '"$limit"'}'
}

test_true_runs_under_512k_memory_max() {
	local id b out
	id=$(unique_id); b=$TEST_TMP/$id
	hardened_bundle "$b" 524288 /bin/true
	jq -e '.linux.seccomp and .root.readonly and (.linux.maskedPaths | length > 0)' "$b/config.json" >/dev/null ||
		fail "not the hardened default: $(jq -c . "$b/config.json")"
	out=$(hr run -b "$b" "$id" 2>&1 </dev/null) || fail "run under memory.max=512K failed (exit $?): $out"
	hr delete --force "$id" >/dev/null 2>&1 || true
}

run_tests
