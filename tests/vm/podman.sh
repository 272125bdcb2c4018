#!/bin/bash
# hardrun under podman in the VM's pure cgroup v2 tree (cpu, memory, pids,
# io delegated), with podman's defaults: no --pids-limit override, so
# podman's default pids limit reaches hardrun and must be enforced. The
# checks are tests/lib-podman.sh's (tests/integration/podman.sh runs them on
# the host, with more exec and healthcheck rounds); the limits are read
# inside the container (podman gives it a private cgroup namespace, so its
# /sys/fs/cgroup is its own cgroup) and are seen to bite.
# Under qemu TCG every podman call costs ~4 s (Go's start-up, emulated), so
# this file makes few calls: one limited run, one --uidmap run, and one
# detached container that the detached_* tests share (they run in name
# order). PM_VM_EXEC_LOOPS sets the exec loop (default 10: ~40 s).
. "$(dirname "$0")/../lib.sh"
PM_EXTRA_OPTS=()
PM_TIMEOUT=180
# --rootfs needs no storage driver, and overlay's probing costs ~6 s per
# podman call under TCG (~20 s on the first).
PM_GLOBAL_OPTS=(--storage-driver vfs)
. "$TOP/tests/lib-podman.sh"
SECONDS=0
LIFE=pm-vm-life

# The container's "memory.max pids.max cpu.max", as it sees them.
CG_LIMITS_SH='echo "limits $(cat /sys/fs/cgroup/memory.max) $(cat /sys/fs/cgroup/pids.max) $(cat /sys/fs/cgroup/cpu.max)"'

# --memory 64m --cpus 0.5 --pids-limit 50 with --read-only and --tmpfs: the
# cgroup files say so, a 256 MiB pipeline is OOM-killed, 60 processes do
# not all start (builtins only once the limit is reached: a fork would
# fail), and the exit code comes back.
test_limits_read_only_tmpfs() {
	setup_podman
	local out rc
	out=$(pm run --rm "${RUN_OPTS[@]}" --memory 64m --cpus 0.5 --pids-limit 50 \
		--read-only --tmpfs /data:rw,size=1m --rootfs "$(rootfs_template)" /bin/sh -c "$CG_LIMITS_SH"'
		touch /bin/x 2>/dev/null && echo root-writable; echo ok >/tmp/t && cat /tmp/t; echo d >/data/d && cat /data/d
		dd if=/dev/zero bs=1M count=256 2>/dev/null | tail >/dev/null; echo "oom $?"
		while read k v; do [ "$k" = oom_kill ] && echo "oom_kill $v"; done </sys/fs/cgroup/memory.events
		(for i in $(seq 1 60); do sleep 60 & done) 2>/dev/null
		read n </sys/fs/cgroup/pids.current; read k v </sys/fs/cgroup/pids.events
		echo "pids $n $k $v"; exit 7' 2>"$TEST_TMP/pm.err")
	rc=$?
	echo "$out"
	out=$(echo "$out" | sed -E 's/^(oom_kill|pids.*max) [1-9][0-9]*$/\1 N/; s/^pids (4[89]|50) /pids ~50 /')
	assert_eq "$out" "$(printf '%s\n' 'limits 67108864 50 50000 100000' ok d 'oom 137' 'oom_kill N' 'pids ~50 max N')" ||
		return 1
	assert_eq "$rc" 7 "exit code"
}

test_uidmap() { pm_check_uidmap; }

# One container with podman's defaults: no memory or cpu limit, podman's
# default pids limit (containers.conf pids_limit, 2048 unless the host's
# containers.conf says otherwise).
test_detached_1_default_limits() {
	setup_podman
	local want out
	want=$(sed -n 's/^[[:space:]]*pids_limit[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' \
		/etc/containers/containers.conf 2>/dev/null | head -n1)
	pm_detached "$LIFE" --health-cmd 'test -e /proc/1/status'
	out=$(pm exec "$LIFE" /bin/sh -c "$CG_LIMITS_SH" 2>&1)
	assert_eq "$out" "limits max ${want:-2048} max 100000"
}
life() { [ "$(pm inspect -f '{{.State.Status}}' "$LIFE" 2>/dev/null)" = running ] || fail "$LIFE is not running"; }
test_detached_2_loopback() {
	life
	assert_eq "$(pm exec "$LIFE" /bin/sh -c "$LOOPBACK_SH" 2>&1)" served-on-lo
}
test_detached_3_exec() { life; pm_exec_checks "$LIFE" "${PM_VM_EXEC_LOOPS:-10}"; }
test_detached_4_healthcheck() { life; pm_healthchecks "$LIFE" 3; }
test_detached_5_stop_rm() { life; pm_stop_rm "$LIFE"; }

test_zz_no_leftovers() { pm_check_no_leftovers; }

run_tests
echo "# podman.sh in the VM: ${SECONDS}s"
