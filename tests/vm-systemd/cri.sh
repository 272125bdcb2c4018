#!/bin/bash
# hardrun as the runtime behind containerd's CRI plugin with SystemdCgroup =
# true, driven over CRI as the kubelet drives it (tests/e2e/cri-smoke.sh):
# each of its checks is a test here. In the systemd VM.
. "$(dirname "$0")/../lib.sh"

SMOKE_OUT=$TEST_TMP/cri-smoke.out
SECONDS=0
CRI_SYSTEMD=1 CRI_DIR=$TEST_TMP/cri timeout -k 10 900 \
	bash "$TOP/tests/e2e/cri-smoke.sh" "${E2E_RUNTIME:-$HARDRUN}" >"$SMOKE_OUT" 2>&1
echo "# cri-smoke.sh with ${E2E_RUNTIME:-$HARDRUN}: ${SECONDS}s, $(tail -n1 "$SMOKE_OUT")"

check() { smoke_check "$SMOKE_OUT" cri "$1"; }

test_version() { check version; }
test_run_pod() { check run-pod; }
test_create_start() { check create-start; }
test_namespaces_joined() { check namespaces-joined; }
test_limits_and_hardening() { check limits-and-hardening; }
test_cgroup_placement() { check cgroup-placement; }
test_exec_probes() { check exec-probes; }
test_update_resources() { check update-resources; }
test_stats() { check stats; }
test_logs() { check logs; }
test_stop_remove() { check stop-remove; }
test_leftovers() { check leftovers; }
test_whole_run_passed() { smoke_whole_run "$SMOKE_OUT" cri-smoke.sh; }

run_tests
