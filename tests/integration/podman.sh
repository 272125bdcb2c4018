#!/bin/bash
# hardrun as podman's OCI runtime on this host (tests/lib-podman.sh has the
# checks; tests/vm/podman.sh runs them in the VM with podman's defaults).
# This host's cgroup2 tree has no pids or memory controller (cgroup v1 holds
# them), so podman's default pids limit (2048) would be refused: hardrun
# fails closed on a limit it cannot enforce. --pids-limit -1 makes podman
# send linux.resources.pids.limit 0 (unlimited), which needs no controller.
# PODMAN_CGROUP_MANAGER=systemd (podman's default where systemd is PID 1:
# tests/vm-systemd/podman.sh) runs the checks with hardrun's systemd driver.
. "$(dirname "$0")/../lib.sh"
[ "${PODMAN_CGROUP_MANAGER:-cgroupfs}" = cgroupfs ] || _file=podman-$PODMAN_CGROUP_MANAGER
PM_EXTRA_OPTS=(--pids-limit -1)
. "$TOP/tests/lib-podman.sh"

test_run_output_and_exit_code() { pm_check_run_output_and_exit_code; }
test_run_error_reaches_podman() { pm_check_run_error_reaches_podman; }
test_read_only_and_tmpfs() { pm_check_read_only_and_tmpfs; }
test_detached_exec_stop_rm() { pm_check_detached_exec_stop_rm 10; }
test_interactive_tty() { pm_check_interactive_tty; }
test_uidmap() { pm_check_uidmap; }
test_loopback() { pm_check_loopback; }
test_healthcheck_runs_repeatedly() { pm_check_healthcheck_runs_repeatedly 20; }
test_zz_no_leftovers() { pm_check_no_leftovers; }

run_tests
