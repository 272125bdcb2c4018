#!/bin/bash
# hardrun under podman in the VM's pure cgroup v2 tree (cpu, memory, pids,
# io delegated), with podman's defaults: no --pids-limit override, so
# podman's default pids limit reaches hardrun and must be enforced. The
# shared checks are in tests/lib-podman.sh (tests/integration/podman.sh runs
# them on the host); the limit checks below read the container's own cgroup
# files from inside it (podman gives it a private cgroup namespace, so its
# /sys/fs/cgroup is its own cgroup) and see the limits bite.
. "$(dirname "$0")/../lib.sh"
PM_EXTRA_OPTS=()
# qemu TCG: a podman call costs about a second here, not 0.1 s.
PM_TIMEOUT=180
. "$TOP/tests/lib-podman.sh"

test_run_output_and_exit_code() { pm_check_run_output_and_exit_code; }
test_run_error_reaches_podman() { pm_check_run_error_reaches_podman; }
test_read_only_and_tmpfs() { pm_check_read_only_and_tmpfs; }
test_detached_exec_stop_rm() { PM_EXEC_LOOPS=50 pm_check_detached_exec_stop_rm; }
test_uidmap() { pm_check_uidmap; }
test_loopback() { pm_check_loopback; }
test_healthcheck_runs_repeatedly() { PM_HEALTHCHECKS=5 pm_check_healthcheck_runs_repeatedly; }
test_zz_no_leftovers() { pm_check_no_leftovers; }

# cg_in_container [RUN OPTIONS...]: "memory.max pids.max cpu.max" as the
# container sees them in its cgroup.
cg_in_container() {
	pm run --rm "${RUN_OPTS[@]}" "$@" --rootfs "$(rootfs_template)" /bin/sh -c \
		'echo $(cat /sys/fs/cgroup/memory.max) $(cat /sys/fs/cgroup/pids.max) $(cat /sys/fs/cgroup/cpu.max)'
}

# podman's default pids limit (containers.conf pids_limit, 2048 unless the
# host's containers.conf says otherwise) is sent and set.
test_default_pids_limit_enforced() {
	setup_podman
	local want out
	want=$(podman info --format '{{.Host.CgroupVersion}}' 2>/dev/null)
	[ "$want" = v2 ] || fail "podman sees cgroup $want, not v2"
	want=$(sed -n 's/^[[:space:]]*pids_limit[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' \
		/etc/containers/containers.conf /usr/share/containers/containers.conf 2>/dev/null | head -n1)
	want=${want:-2048}
	out=$(cg_in_container 2>&1) || fail "podman run failed: $out"
	assert_eq "$out" "max $want max 100000"
}

# --memory 64m --cpus 0.5 --pids-limit 50: the files say so, and the limits
# bite: 60 processes do not all start, a 256 MiB pipeline is OOM-killed.
# Builtins only (read, echo) once the pids limit is reached: a fork would fail.
test_memory_cpus_pids_limits_enforced() {
	setup_podman
	local out lim=(--memory 64m --cpus 0.5 --pids-limit 50)
	out=$(cg_in_container "${lim[@]}" 2>&1) || fail "podman run failed: $out"
	assert_eq "$out" "67108864 50 50000 100000" || return 1
	out=$(pm run --rm "${RUN_OPTS[@]}" "${lim[@]}" --rootfs "$(rootfs_template)" /bin/sh -c '
		(for i in $(seq 1 60); do sleep 60 & done) 2>/dev/null
		read n </sys/fs/cgroup/pids.current; read k v </sys/fs/cgroup/pids.events
		echo "pids.current $n pids.events $k $v"' 2>&1)
	echo "$out"
	[[ $out =~ ^pids.current\ (4[89]|50)\ pids.events\ max\ [1-9] ]] || fail "pids limit 50 did not bite: $out"
	out=$(pm run --rm "${RUN_OPTS[@]}" "${lim[@]}" --rootfs "$(rootfs_template)" /bin/sh -c '
		dd if=/dev/zero bs=1M count=256 2>/dev/null | tail >/dev/null; echo "exit $?"
		while read k v; do [ "$k" = oom_kill ] && echo "oom_kill $v"; done </sys/fs/cgroup/memory.events' 2>&1)
	echo "$out"
	[[ $out =~ ^exit\ 137.oom_kill\ [1-9] ]] || fail "memory limit 64m did not bite: $out"
}

run_tests
