#!/bin/bash
# Runs hardrun's test suites and prints one closing line "N passed, N failed, N skipped".
#   --unit   cmocka unit tests
#   --host   unit + integration + security regression tests on this host
#            (private mount ns, cgroup2 at /sys/fs/cgroup)
#   --vm     tests that need real cgroup v2 controllers / AppArmor, inside scripts/run-in-vm
#   --vm-systemd  the systemd cgroup driver (tests/vm-systemd and the unit
#            tests' live part), inside scripts/run-in-vm --systemd
#   --fuzz   builds the libFuzzer targets (make fuzz) and runs each for
#            FUZZ_SECONDS (default 20) seconds: one "fuzz: <target>" result each
#   --sanitize  the unit tests built with ASan + UBSan (build-san/)
#   --all    all of the above
# ONLY=regex limits integration tests by function name.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
export TOP
. tests/run-lib.sh
OUT=$(mktemp /tmp/hardrun-results.XXXXXX)
trap 'rm -f "$OUT"' EXIT

mode=${1:---all}

# Each stage announces itself with the time since the run began, so a long
# VM or containerd stage is never a silent wait.
stage() { echo "# ==== $1 (at ${SECONDS}s)"; }

run_unit() {
	local t
	stage "unit tests"
	for t in "${UNIT_DIR:-build/tests}"/test_*; do
		[ -x "$t" ] || continue
		echo "# unit: $t"
		CMOCKA_MESSAGE_OUTPUT=TAP run_suite "unit: $(basename "$t")" "$t" | tee -a "$OUT"
	done
}

# Host integration tests see a pure cgroup v2 tree: cgroup2 mounted over
# /sys/fs/cgroup in a private mount namespace, never touching the host's.
run_host() {
	local rc
	stage "host integration and security tests"
	unshare --mount --propagation private bash -c '
		mount -t cgroup2 none /sys/fs/cgroup ||
			{ echo "not ok - host: cannot mount cgroup2 over /sys/fs/cgroup in a private mount namespace"; exit 1; }
		. "$0"; run_integration_dir tests/integration; run_integration_dir tests/security' "$TOP/tests/run-lib.sh" 2>&1 | tee -a "$OUT"
	rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] || echo "not ok - host: the integration runner exited with status $rc" | tee -a "$OUT"
}

run_vm() {
	stage "VM: cgroup v2, AppArmor and containerd tests (a throw-away qemu VM; about 2 minutes on an idle machine)"
	# at least 2 vCPUs: tests/vm/memory.sh guards against a race between
	# CPUs (the memory controller's per-CPU charge stock); at most 8
	local cpus=${HARDRUN_VM_CPUS:-$(nproc)}
	((cpus >= 2)) || cpus=2
	((cpus <= 8)) || cpus=8
	if ! ./scripts/run-in-vm --cpus "$cpus" --timeout "${VM_TIMEOUT:-2400}" -- \
		bash -c 'cd "$0" && . tests/run-lib.sh && run_integration_dir tests/vm &&
			run_suite "apparmor_attr (in the VM)" bash tests/security/apparmor_attr.sh' "$TOP" >>"$OUT.vm" 2>&1; then
		echo "not ok - vm: run-in-vm exited with failure" | tee -a "$OUT"
	fi
	cat "$OUT.vm"; grep -E '^(ok|not ok) - ' "$OUT.vm" >>"$OUT"; rm -f "$OUT.vm"
}

run_vm_systemd() {
	stage "VM with systemd as PID 1: the systemd cgroup driver (about 1 minute on an idle machine)"
	if ! ./scripts/run-in-vm --systemd --timeout "${VM_TIMEOUT:-1200}" -- \
		bash -c 'cd "$0" && . tests/run-lib.sh && run_integration_dir tests/vm-systemd &&
			CMOCKA_MESSAGE_OUTPUT=TAP run_suite "unit (systemd VM): test_systemd" "${UNIT_DIR:-build/tests}/test_systemd"' \
		"$TOP" >>"$OUT.vms" 2>&1; then
		echo "not ok - vm-systemd: run-in-vm --systemd exited with failure" | tee -a "$OUT"
	fi
	cat "$OUT.vms"; grep -E '^(ok|not ok) - ' "$OUT.vms" >>"$OUT"; rm -f "$OUT.vms"
}

# The fuzz targets are built here (clang, into build-fuzz/), not by
# test-bins, so a normal build never needs clang.
# The unit tests again, built with gcc's ASan + UBSan (build-san/).
run_unit_sanitized() {
	local log t
	stage "unit tests under ASan + UBSan"
	log=$(mktemp /tmp/hardrun-san-build.XXXXXX)
	if ! env -u MAKEFLAGS -u MAKELEVEL make -s -j2 SANITIZE=1 test-bins >"$log" 2>&1; then
		cat "$log"
		echo "not ok - unit (ASan+UBSan): make SANITIZE=1 test-bins failed" | tee -a "$OUT"
		rm -f "$log"
		return
	fi
	rm -f "$log"
	for t in build-san/tests/test_*; do
		[ -x "$t" ] || continue
		CMOCKA_MESSAGE_OUTPUT=TAP run_suite "unit (ASan+UBSan): $(basename "$t")" "$t" | tee -a "$OUT"
	done
}

run_fuzz() {
	local log
	stage "fuzz: every libFuzzer target for a short fixed time"
	log=$(mktemp /tmp/hardrun-fuzz-build.XXXXXX)
	if ! env -u MAKEFLAGS -u MAKELEVEL make -s -j2 fuzz >"$log" 2>&1; then
		cat "$log"
		echo "not ok - fuzz: make fuzz failed (clang and libclang-rt-14-dev installed? sh scripts/install-deps.sh all)" | tee -a "$OUT"
		rm -f "$log"
		return
	fi
	rm -f "$log"
	echo "# fuzz: ${FUZZ_SECONDS:-20} s per target"
	run_suite fuzz ./tests/fuzz/run.sh "${FUZZ_SECONDS:-20}" | tee -a "$OUT"
}

case $mode in
--unit) run_unit ;;
--host) run_unit; run_host ;;
--vm) run_vm ;;
--vm-systemd) run_vm_systemd ;;
--fuzz) run_fuzz ;;
--sanitize) run_unit_sanitized ;;
--all) run_unit; run_host; run_vm; run_vm_systemd; run_unit_sanitized; run_fuzz ;;
*) echo "usage: $0 [--unit|--host|--vm|--vm-systemd|--fuzz|--sanitize|--all]" >&2; exit 2 ;;
esac

skipped=$(grep -c '^ok .*# SKIP' "$OUT")
passed=$(( $(grep -c '^ok ' "$OUT") - skipped ))
failed=$(grep -c '^not ok ' "$OUT")
stage "done"
# Repeat each failure, with the diagnostics after it, just above the
# summary: a CI log shown only by its tail still names what failed.
if [ "$failed" -gt 0 ]; then
	echo "# failures, repeated:"
	awk '/^not ok /{n=20; print; next} /^ok /{n=0} n>0{print; n--}' "$OUT" | head -120
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ $((passed + failed)) -gt 0 ]
