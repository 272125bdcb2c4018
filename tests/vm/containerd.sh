#!/bin/bash
# hardrun under a real containerd 1.6 (containerd-shim-runc-v2), in the VM:
# runs tests/e2e/containerd-smoke.sh once and reports each of its checks as
# a test. E2E_RUNTIME=/usr/sbin/runc runs the same checks against runc.
. "$(dirname "$0")/../lib.sh"
# tests/vm-systemd/containerd.sh runs this with CTRD_SYSTEMD=1
[ "${CTRD_SYSTEMD:-0}" = 0 ] || _file=containerd-systemd

SMOKE_OUT=$TEST_TMP/containerd-smoke.out
SECONDS=0
CTRD_TIMEOUT=${CTRD_TIMEOUT:-60} timeout -k 10 900 \
	bash "$TOP/tests/e2e/containerd-smoke.sh" "${E2E_RUNTIME:-$HARDRUN}" >"$SMOKE_OUT" 2>&1
echo "# containerd-smoke.sh with ${E2E_RUNTIME:-$HARDRUN}: ${SECONDS}s, $(tail -n1 "$SMOKE_OUT")"

check() { smoke_check "$SMOKE_OUT" containerd "$1"; }

test_echo() { check echo; }
test_exitcode() { check exitcode; }
test_stderr() { check stderr; }
test_errmsg() { check errmsg; }
test_procenv() { check procenv; }
test_security() { check security; }
test_readonly() { check readonly; }
test_image() { check image; }
test_tty() { check tty; }
test_run_detached() { check run-detached; }
test_exec() { check exec; }
test_exec_user() { check exec-user; }
test_ps() { check ps; }
test_pause_resume() { check pause-resume; }
test_kill_delete() { check kill-delete; }
test_kill_exited() { check kill-exited; }
test_oom() { check oom; }
test_leftovers() { check leftovers; }
test_whole_run_passed() { smoke_whole_run "$SMOKE_OUT" containerd-smoke.sh; }

run_tests
