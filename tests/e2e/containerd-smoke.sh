#!/bin/bash
# containerd-smoke.sh: hardrun (or any runc-compatible runtime) driven by a
# real containerd 1.6 through containerd-shim-runc-v2, the way production
# uses it. Starts a private containerd (root, state, socket under $CTRD_DIR),
# runs busybox containers with `ctr --runc-binary RUNTIME`, and checks the
# results from outside (ctr, /proc, the cgroup filesystem).
#
#   tests/e2e/containerd-smoke.sh [RUNTIME]      (default: ./hardrun)
#
# Output: "ok - containerd: NAME" / "not ok - containerd: NAME: reason" per
# check, then "N passed, M failed". Exit 0 only if nothing failed.
# Environment: CTRD_DIR (default /tmp/hardrun-ctrd, wiped), CTRD_NS
# (containerd namespace and parent cgroup, default hardrun-e2e), CTRD_TIMEOUT
# (seconds per ctr/runtime call, default 30), CTRD_SKIP (check names),
# CTRD_SYSTEMD=1 (the shim runs the runtime with --systemd-cgroup, as
# SystemdCgroup = true does, and each container gets the cgroupsPath
# system.slice:$CTRD_NS:ID, as the kubelet's systemd driver gives one; needs
# systemd as PID 1: tests/vm-systemd/containerd.sh).
# Meant for the VM (tests/vm/containerd.sh): the oom check needs cgroup v2
# with the memory controller; elsewhere it is skipped.
set -uo pipefail
export LC_ALL=C

TOP=$(cd "$(dirname "$0")/../.." && pwd)
RUNTIME=${1:-$TOP/hardrun}
case $RUNTIME in /*) ;; *) RUNTIME=$PWD/$RUNTIME ;; esac # the shim runs it from the bundle dir
D=${CTRD_DIR:-/tmp/hardrun-ctrd}
NS=${CTRD_NS:-hardrun-e2e}
TMO=${CTRD_TIMEOUT:-30}
SMOKE_SKIP=" ${CTRD_SKIP:-} "
case $D in /tmp/?* | /var/tmp/?* | /run/?*) ;; *) echo "CTRD_DIR must be below /tmp, /var/tmp or /run (it is wiped)" >&2; exit 2 ;; esac

SOCK=$D/containerd.sock
ROOTFS=$D/rootfs
RTROOT=$D/runtime-root
IMAGE=hardrun.test/busybox:e2e
CG_PARENT=/sys/fs/cgroup/$NS
CTRD_PID=
RUN_CTRD_EXISTED=$([ -d /run/containerd ] && echo yes)

SMOKE=containerd
. "$TOP/tests/e2e/smoke-lib.sh"
smoke_require containerd ctr containerd-shim-runc-v2 busybox script jq timeout tar sha256sum

# ---- helpers ---------------------------------------------------------------
# Every external call is bounded; -k because ctr forwards SIGTERM to the task.
tmo() { timeout -k 5 "$TMO" "$@"; }
C() { tmo ctr --address "$SOCK" --namespace "$NS" "$@"; }
SYSTEMD=${CTRD_SYSTEMD:-0}
RT=(--runc-binary "$RUNTIME" --runc-root "$RTROOT" --fifo-dir "$D/fifo")
[ "$SYSTEMD" = 0 ] || RT+=(--runc-systemd-cgroup)
# sdcg ID: with CTRD_SYSTEMD=1 the --cgroup flag giving ID its scope
sdcg() { [ "$SYSTEMD" = 0 ] || echo "--cgroup system.slice:$NS:$1"; }
# shellcheck disable=SC2046 # sdcg's words are meant to split
run_rm() { C run --rm "${RT[@]}" $(sdcg "$1") --rootfs "$ROOTFS" "$@"; } # run_rm ID CMD... (ctr flags go before --rootfs)
cg_v2() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

task_line() { C task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2, $3 }'; }
task_status() { task_line "$1" | awk '{ print $2 }'; }
wait_status() { # ID STATUS: up to 10 s
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(task_status "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "task $1 is '$(task_status "$1")', want $2"
	return 1
}
reap() { # force-remove tasks and containers after a failure
	local id
	for id in "$@"; do
		C task kill -a -s SIGKILL "$id" >/dev/null 2>&1
		C task delete -f "$id" >/dev/null 2>&1
		C container delete "$id" >/dev/null 2>&1
	done
	return 0
}
# The exit status containerd recorded, from `ctr task delete`'s warning.
deleted_status() {
	local out
	out=$(C task delete "$1" 2>&1) || { echo "task delete failed: $out" >&2; return 1; }
	if [[ $out =~ exit\ code\ ([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; else echo 0; fi
}
cgroup_of() { # PID -> cgroup directory (v2, or the v1 freezer hierarchy)
	if cg_v2; then
		echo "/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup")"
	else
		echo "/sys/fs/cgroup/freezer$(awk -F: '$2 == "freezer" { print $3 }' "/proc/$1/cgroup")"
	fi
}
frozen() { # CGROUP_DIR -> yes/no
	if [ -e "$1/cgroup.events" ]; then
		grep -qx 'frozen 1' "$1/cgroup.events" && echo yes || echo no
	else
		[ "$(cat "$1/freezer.state")" = FROZEN ] && echo yes || echo no
	fi
}
# Runs a command under a 24x80 pty (ctr -t insists on a terminal).
in_tty() {
	local s
	printf -v s '%q ' "$@"
	SHELL=/bin/bash tmo script -qec "stty rows 24 cols 80; $s" /dev/null </dev/null | tr -d '\r\000' | sed 's/\^@//g'
	return "${PIPESTATUS[0]}"
}
expect() { # WHAT GOT WANT
	[ "$2" = "$3" ] && return 0
	echo "$1: got '$2', want '$3'"
	return 1
}


# ---- setup / teardown --------------------------------------------------------
our_shims() { # shims talking to our socket, found by their command line
	local p
	for p in /proc/[0-9]*; do
		tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -q "^[^ ]*containerd-shim[^ ]* .*-address $SOCK " &&
			echo "${p#/proc/}"
	done
}

teardown() {
	local id pid
	if [ -z "$CTRD_PID" ]; then # a containerd of an earlier run, known by its config path
		CTRD_PID=$(pgrep -f "^containerd -c $D/config.toml\$" | head -n1)
	fi
	if [ -n "$CTRD_PID" ] && kill -0 "$CTRD_PID" 2>/dev/null; then
		for id in $( (C task ls -q; C container ls -q) 2>/dev/null | sort -u); do reap "$id"; done
		kill -TERM "$CTRD_PID"
		timeout 10 tail --pid="$CTRD_PID" -f /dev/null
		kill -KILL "$CTRD_PID" 2>/dev/null
	fi
	for id in $(ls "$RTROOT/$NS" 2>/dev/null); do
		tmo "$RUNTIME" --root "$RTROOT/$NS" delete --force "$id" >/dev/null 2>&1
	done
	for pid in $(our_shims); do kill -KILL "$pid" 2>/dev/null; done
	awk -v d="$D/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	[ -d "$CG_PARENT" ] && find "$CG_PARENT" -depth -type d -exec rmdir {} + 2>/dev/null
	for d in /sys/fs/cgroup/*/"$NS"; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
	# the 1.6 shim always puts its socket in /run/containerd/s
	[ -n "$RUN_CTRD_EXISTED" ] || rmdir /run/containerd/s /run/containerd 2>/dev/null
	return 0
}

# A busybox rootfs, and the same as a one-layer OCI image archive.
make_rootfs_and_image() { busybox_rootfs_and_image "$ROOTFS" "$D/image.tar" "$IMAGE" "$D/oci" '["/bin/sh"]'; }

start_containerd() {
	containerd_config_base io.containerd.grpc.v1.cri >"$D/config.toml"
	containerd -c "$D/config.toml" >"$D/logs/containerd.log" 2>&1 &
	CTRD_PID=$!
	local i
	for ((i = 0; i < 150; i++)); do
		[ -S "$SOCK" ] && timeout 5 ctr --address "$SOCK" version >/dev/null 2>&1 && return 0
		kill -0 "$CTRD_PID" 2>/dev/null || break
		sleep 0.2
	done
	echo "containerd did not come up: $(tail -n3 "$D/logs/containerd.log")"
	return 1
}

# ---- checks ------------------------------------------------------------------
t_echo() {
	local out
	out=$(run_rm e2e-echo /bin/echo hello-e2e) || { reap e2e-echo; echo "ctr run failed: $out"; return 1; }
	expect stdout "$out" hello-e2e
}
t_exitcode() {
	run_rm e2e-exit /bin/sh -c 'exit 3'
	local rc=$?
	[ $rc = 3 ] || reap e2e-exit
	expect "exit code" $rc 3
}
t_stderr() {
	local out err
	out=$(run_rm e2e-stderr /bin/sh -c 'echo to-out; echo to-err >&2' 2>"$D/stderr") || { reap e2e-stderr; return 1; }
	err=$(grep -v 'level=' "$D/stderr")
	expect stdout "$out" to-out && expect stderr "$err" to-err
}
t_errmsg() {
	# the shim shows the last "level":"error" line the runtime wrote to --log
	local out
	out=$(run_rm e2e-errmsg /no-such-binary-e2e 2>&1) && { echo "running a missing binary succeeded"; return 1; }
	reap e2e-errmsg
	echo "$out"
	echo "$out" | grep -q 'no-such-binary-e2e' || { echo "ctr's error does not name the missing binary"; return 1; }
}
t_procenv() {
	local out
	out=$(C run --rm --env E2E_VAR=v1 --cwd /tmp "${RT[@]}" $(sdcg e2e-env) --rootfs "$ROOTFS" e2e-env /bin/sh -c 'echo "$$ $E2E_VAR $(pwd) $(id -u)"') ||
		{ reap e2e-env; echo "ctr run failed: $out"; return 1; }
	expect "pid env cwd uid" "$out" "1 v1 /tmp 0"
}
t_security() {
	local out
	out=$(run_rm e2e-sec /bin/sh -c 'grep -E "^(NoNewPrivs|CapEff|CapBnd):" /proc/self/status | tr -s "\t " " "') ||
		{ reap e2e-sec; echo "ctr run failed: $out"; return 1; }
	echo "$out"
	# ctr's default spec: no_new_privs and its default capability set
	expect "status" "$(echo "$out" | sort | tr '\n' ' ')" "CapBnd: 00000000a80425fb CapEff: 00000000a80425fb NoNewPrivs: 1 "
}
t_readonly() {
	local out
	out=$(C run --rm --read-only "${RT[@]}" $(sdcg e2e-ro) --rootfs "$ROOTFS" e2e-ro /bin/sh -c 'touch /e2e-ro 2>&1; echo rc=$?')
	if [ -e "$ROOTFS/e2e-ro" ]; then rm -f "$ROOTFS/e2e-ro"; echo "the rootfs was writable"; return 1; fi
	echo "$out" | grep -q 'Read-only file system' || { reap e2e-ro; echo "write to / did not fail with EROFS: $out"; return 1; }
}
t_image() {
	local out
	C images import "$D/image.tar" >/dev/null || { echo "ctr images import failed"; return 1; }
	out=$(C run --rm "${RT[@]}" $(sdcg e2e-image) "$IMAGE" e2e-image /bin/sh -c 'echo from-image; grep -c " / .* - overlay " /proc/self/mountinfo') ||
		{ reap e2e-image; echo "ctr run from the image failed: $out"; return 1; }
	expect "stdout" "$(echo $out)" "from-image 1"
}
# The exit status, not the last line of output, says whether stdio are
# terminals: containerd 1.6's shim shuts the console down when it reaps the
# process, so what the process wrote just before exiting may still be in the
# pty's flip buffer and be dropped (seen once in CI: "/dev/pts/0" arrived, the
# echo right before exit did not; runc goes through the same shim code).
t_tty() {
	local out rc
	out=$(in_tty ctr --address "$SOCK" --namespace "$NS" run --rm -t "${RT[@]}" $(sdcg e2e-tty) --rootfs "$ROOTFS" e2e-tty \
		/bin/sh -c 'tty; if [ -t 0 ] && [ -t 1 ] && [ -t 2 ]; then exit 4; fi; exit 5')
	rc=$?
	echo "$out"
	[ $rc != 5 ] || { echo "stdin, stdout or stderr is not a tty (exit 5)"; return 1; }
	[ $rc = 4 ] || { reap e2e-tty; echo "exit code: got $rc, want 4"; return 1; }
	echo "$out" | grep -q '^/dev/pts/[0-9]' || { echo "no pts in the output"; return 1; }
}

# A long-running container for the lifecycle checks.
L=e2e-life
L_PID=
L_CG=
t_run_detached() {
	C run -d "${RT[@]}" $(sdcg "$L") --log-uri "file://$D/logs/$L.out" --rootfs "$ROOTFS" "$L" \
		/bin/sh -c 'trap "echo got-term; exit 42" TERM; echo started; while :; do sleep 0.1; done' ||
		{ reap "$L"; echo "ctr run -d failed"; return 1; }
	wait_status "$L" RUNNING || return 1
	L_PID=$(task_line "$L" | awk '{ print $1 }')
	L_CG=$(cgroup_of "$L_PID")
	echo "pid $L_PID cgroup $L_CG" >"$D/life"
}
life() { # the detached container's pid and cgroup, for the checks after it
	[ -s "$D/life" ] || { echo "the detached container did not start"; return 1; }
	read -r _ L_PID _ L_CG <"$D/life"
}
t_exec() {
	life || return 1
	local out rc
	out=$(C task exec --fifo-dir "$D/fifo" --exec-id x1 "$L" /bin/sh -c 'echo "in-exec $(cat /proc/1/cmdline | tr "\0" " ")"; exit 5')
	rc=$?
	expect "exit code" $rc 5 || return 1
	# the exec sees the container's pid namespace: pid 1 is the init shell
	case $out in "in-exec /bin/sh -c trap"*) ;; *) echo "stdout: $out"; return 1 ;; esac
}
t_exec_user() {
	life || return 1
	local out
	out=$(C task exec --fifo-dir "$D/fifo" --user 65534 --exec-id x2 "$L" /bin/sh -c 'echo $(id -u) $(id -g)') || { echo "exec failed: $out"; return 1; }
	expect "uid gid" "$out" "65534 65534"
}
t_ps() {
	life || return 1
	local out
	out=$(C task ps "$L") || { echo "ctr task ps failed: $out"; return 1; }
	echo "$out" | awk 'NR > 1 { print $1 }' | grep -qx "$L_PID" || { echo "init pid $L_PID not in: $out"; return 1; }
}
t_pause_resume() {
	life || return 1
	C task pause "$L" || { echo "ctr task pause failed"; return 1; }
	wait_status "$L" PAUSED || return 1
	expect "frozen while paused" "$(frozen "$L_CG")" yes || return 1
	C task resume "$L" || { echo "ctr task resume failed"; return 1; }
	wait_status "$L" RUNNING || return 1
	expect "frozen after resume" "$(frozen "$L_CG")" no
}
t_kill_delete() {
	life || return 1
	local st
	C task kill "$L" || { echo "ctr task kill failed"; return 1; }
	wait_status "$L" STOPPED || return 1
	st=$(deleted_status "$L") || return 1
	expect "exit status containerd saw" "$st" 42 || return 1
	grep -qx got-term "$D/logs/$L.out" || { echo "the container did not see SIGTERM"; return 1; }
	C container delete "$L" || { echo "ctr container delete failed"; return 1; }
	tmo "$RUNTIME" --root "$RTROOT/$NS" state "$L" >/dev/null 2>&1 && { echo "the runtime still has state for $L"; return 1; }
	[ ! -d "$L_CG" ] || { echo "cgroup $L_CG not removed"; return 1; }
}
# A pod stop that races the container's exit: containerd's shim must learn
# from the runtime's output that the process already finished (runc's
# "container not running"), not report "unknown error after kill".
t_kill_exited() {
	local id=e2e-kill-exited out
	C run -d "${RT[@]}" $(sdcg "$id") --rootfs "$ROOTFS" "$id" /bin/true >/dev/null 2>&1 || { reap "$id"; echo "ctr run -d failed"; return 1; }
	wait_status "$id" STOPPED || { reap "$id"; return 1; }
	out=$(C task kill -s SIGKILL "$id" 2>&1)
	reap "$id"
	case $out in *"unknown error"*) echo "kill of an exited task: $out"; return 1 ;; esac
	if grep -q "unknown error after kill" "$D/logs/containerd.log"; then
		echo "containerd logged: $(grep -m1 'unknown error after kill' "$D/logs/containerd.log")"
		return 1
	fi
}
t_oom() {
	cg_v2 && grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
		{ echo "needs cgroup v2 with the memory controller (the VM)"; return 77; }
	# without a working limit the pipeline just uses 256 MiB and exits 0
	C run --rm "${RT[@]}" $(sdcg e2e-oom) --memory-limit 33554432 --rootfs "$ROOTFS" e2e-oom \
		/bin/sh -c 'dd if=/dev/zero bs=1M count=256 2>/dev/null | tail >/dev/null'
	local rc=$?
	[ $rc = 137 ] || reap e2e-oom
	expect "exit code of the OOM-killed task" $rc 137
}
t_leftovers() {
	local left
	left=$( (C task ls -q; C container ls -q) 2>/dev/null | sort -u | tr '\n' ' ')
	[ -z "$left" ] || { reap $left; echo "tasks/containers left: $left"; return 1; }
	left=$(ls "$RTROOT/$NS" 2>/dev/null | tr '\n' ' ')
	[ -z "$left" ] || { echo "runtime state left: $left"; return 1; }
	left=$(find "$CG_PARENT" /sys/fs/cgroup/*/"$NS" -mindepth 1 -type d 2>/dev/null | tr '\n' ' ')
	[ -z "$left" ] || { echo "cgroups left: $left"; return 1; }
	[ "$SYSTEMD" = 0 ] && return 0
	left=$(systemctl list-units --all --no-legend --plain "$NS-*.scope" 2>/dev/null | awk '{print $1}' | tr '\n' ' ')
	[ -z "$left" ] || { echo "systemd units left: $left"; return 1; }
	left=$(find /sys/fs/cgroup/system.slice -maxdepth 1 -name "$NS-*.scope" 2>/dev/null | tr '\n' ' ')
	[ -z "$left" ] || { echo "scope cgroups left: $left"; return 1; }
}

# ---- main --------------------------------------------------------------------
trap 'teardown; exit 130' INT TERM
trap teardown EXIT
teardown # a previous run killed hard
rm -rf "$D"
mkdir -p "$D/logs" "$D/fifo" "$RTROOT"
echo "# runtime: $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -n1)); $(containerd --version | cut -d' ' -f3); logs in $D/logs"
if ! make_rootfs_and_image >"$D/logs/setup.log" 2>&1 || ! start_containerd >>"$D/logs/setup.log" 2>&1; then
	echo "not ok - containerd: setup: $(tail -n1 "$D/logs/setup.log")"
	echo "0 passed, 1 failed"
	exit 1
fi
check echo t_echo
check exitcode t_exitcode
check stderr t_stderr
check errmsg t_errmsg
check procenv t_procenv
check security t_security
check readonly t_readonly
check image t_image
check tty t_tty
check run-detached t_run_detached
check exec t_exec
check exec-user t_exec_user
check ps t_ps
check pause-resume t_pause_resume
check kill-delete t_kill_delete
check kill-exited t_kill_exited
check oom t_oom
check leftovers t_leftovers
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" = 0 ]
