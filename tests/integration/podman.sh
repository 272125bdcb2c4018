#!/bin/bash
# hardrun as podman's OCI runtime (podman -> conmon -> hardrun), with a
# private podman store and a busybox --rootfs, no network (nothing on the
# host's network config is touched). PODMAN_RUNTIME=/usr/sbin/runc runs the
# same checks against runc; PODMAN_CGROUP_MANAGER=systemd (podman's default,
# where systemd is PID 1: tests/vm-systemd/podman.sh) runs them with hardrun's
# systemd cgroup driver.
. "$(dirname "$0")/../lib.sh"
[ "${PODMAN_CGROUP_MANAGER:-cgroupfs}" = cgroupfs ] || _file=podman-$PODMAN_CGROUP_MANAGER

RUNTIME=${PODMAN_RUNTIME:-$HARDRUN}
PM_DIR=$TEST_TMP/podman
# The host's hard limits are below podman's default rlimits (nofile 1048576),
# which no runtime can raise, and podman itself lowers its nproc limit to
# 32768 before starting conmon: ask for limits within both.
lim() { local h; h=$(ulimit -H "$1"); [ "$h" = unlimited ] || [ "$h" -gt 4096 ] && h=4096; echo "$h"; }
NOFILE=$(lim -n)
NPROC=$(lim -u)

pm() {
	timeout -k 5 60 podman --runtime "$RUNTIME" --cgroup-manager "${PODMAN_CGROUP_MANAGER:-cgroupfs}" --events-backend none \
		--root "$PM_DIR/root" --runroot "$PM_DIR/run" --tmpdir "$PM_DIR/tmp" "$@"
}
# podman run options every test uses. No pids limit: podman then still sends
# linux.resources.pids.limit 0 (unlimited), which needs no pids controller.
RUN_OPTS=(--network none --pids-limit -1 --ulimit "nofile=$NOFILE:$NOFILE" --ulimit "nproc=$NPROC:$NPROC")

# A fresh store for every run of this file.
if command -v podman >/dev/null && [ -d "$PM_DIR" ]; then
	pm rm -af >/dev/null 2>&1
	rm -rf "$PM_DIR"
fi

setup_podman() {
	command -v podman >/dev/null || skip "podman not installed"
	command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || skip "conmon not installed"
	mkdir -p "$PM_DIR/root" "$PM_DIR/run" "$PM_DIR/tmp"
}

test_run_output_and_exit_code() {
	setup_podman
	local out rc
	out=$(pm run --rm "${RUN_OPTS[@]}" --rootfs "$(rootfs_template)" /bin/sh -c 'echo "hello $$ $(id -u)"; echo err >&2; exit 7' 2>"$TEST_TMP/pm.err")
	rc=$?
	assert_eq "$out" "hello 1 0" || return 1
	assert_eq "$rc" 7 "exit code" || return 1
	assert_eq "$(cat "$TEST_TMP/pm.err")" err "stderr"
}

test_run_error_reaches_podman() {
	setup_podman
	local out
	if out=$(pm run --rm "${RUN_OPTS[@]}" --rootfs "$(rootfs_template)" /no-such-binary-pm 2>&1); then
		fail "running a missing binary succeeded"
	fi
	assert_contains "$out" "no-such-binary-pm"
}

# podman --read-only and --tmpfs send tmpfs mounts with "tmpcopyup"
test_read_only_and_tmpfs() {
	setup_podman
	local out
	out=$(pm run --rm "${RUN_OPTS[@]}" --read-only --tmpfs /data:rw,size=1m --rootfs "$(rootfs_template)" \
		/bin/sh -c 'touch /bin/x 2>/dev/null && echo root-writable; echo ok >/tmp/t && cat /tmp/t; echo d >/data/d && cat /data/d' 2>&1)
	assert_eq "$out" "$(printf 'ok\nd')"
}

test_detached_exec_stop_rm() {
	setup_podman
	local name=pm-$(unique_id) out rc
	pm run -d --name "$name" "${RUN_OPTS[@]}" --rootfs "$(rootfs_template)" \
		/bin/sh -c 'trap "exit 0" TERM; echo up; while :; do sleep 0.1; done' >/dev/null ||
		{ pm rm -f "$name" >/dev/null 2>&1; fail "run -d failed"; return 1; }
	out=$(pm exec "$name" /bin/sh -c 'echo "exec $(cat /proc/1/cmdline | tr "\0" " ")"; exit 5')
	rc=$?
	case $out in "exec /bin/sh -c trap"*) ;; *) pm rm -f "$name" >/dev/null 2>&1; fail "exec stdout: $out"; return 1 ;; esac
	assert_eq "$rc" 5 "exec exit code" || { pm rm -f "$name" >/dev/null 2>&1; return 1; }
	out=$(pm exec --user 65534 "$name" id -u)
	assert_eq "$out" 65534 "exec --user" || { pm rm -f "$name" >/dev/null 2>&1; return 1; }
	pm stop -t 5 "$name" >/dev/null || { pm rm -f "$name" >/dev/null 2>&1; fail "stop failed"; return 1; }
	assert_eq "$(pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$name")" "exited 0" || return 1
	pm rm "$name" >/dev/null || fail "rm failed" || return 1
	[ -z "$(pm ps -aq)" ] || fail "containers left: $(pm ps -a)"
}

# The sleep: podman 4.3's attach can drop the last output of a -it container
# that exits at once (conmon's log has it all: a podman race, not ours).
test_interactive_tty() {
	setup_podman
	local out rc cmd
	printf -v cmd '%q ' podman --runtime "$RUNTIME" --cgroup-manager cgroupfs --events-backend none \
		--root "$PM_DIR/root" --runroot "$PM_DIR/run" --tmpdir "$PM_DIR/tmp" \
		run --rm -it "${RUN_OPTS[@]}" --rootfs "$(rootfs_template)" /bin/sh -c 'tty; [ -t 0 ] && echo stdin-tty; sleep 0.5; exit 4'
	out=$(SHELL=/bin/bash timeout -k 5 60 script -qec "$cmd" /dev/null </dev/null | tr -d '\r')
	rc=${PIPESTATUS[0]}
	echo "$out"
	assert_eq "$rc" 4 "exit code" || return 1
	assert_contains "$out" /dev/pts/ || return 1
	assert_contains "$out" stdin-tty
}

# podman --uidmap: the bundle (podman's userdata) and the rootfs sit under
# podman's 0700 root-only storage; the container runs as mapped root.
test_uidmap() {
	setup_podman
	chmod 0700 "$PM_DIR" "$PM_DIR/root" "$PM_DIR/run"
	local out rootfs=$TEST_TMP/podman-uidmap-rootfs
	# owned by the mapped root, so podman can make its mount points in it
	rm -rf "$rootfs"; cp -a "$(rootfs_template)" "$rootfs"; chown -R 200000:200000 "$rootfs"
	out=$(pm run --rm "${RUN_OPTS[@]}" --uidmap 0:200000:65536 --gidmap 0:200000:65536 \
		--rootfs "$rootfs" /bin/sh -c 'id -u; cat /proc/self/uid_map' 2>&1)
	assert_eq "$(echo "$out" | tr -s ' ' | sed 's/^ //')" "$(printf '0\n0 200000 65536')"
}

# podman healthchecks are `podman exec` every few seconds: each must work.
test_healthcheck_runs_repeatedly() {
	setup_podman
	local name=pm-$(unique_id) i out
	pm run -d --name "$name" "${RUN_OPTS[@]}" --health-cmd 'test -e /proc/1/status' \
		--rootfs "$(rootfs_template)" /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' >/dev/null ||
		{ pm rm -f "$name" >/dev/null 2>&1; fail "run -d failed"; return 1; }
	for i in $(seq 1 20); do
		out=$(pm healthcheck run "$name" 2>&1) ||
			{ pm rm -f "$name" >/dev/null 2>&1; fail "healthcheck $i failed: $out"; return 1; }
	done
	assert_eq "$(pm inspect -f '{{.State.Health.Status}}' "$name")" healthy ||
		{ pm rm -f "$name" >/dev/null 2>&1; return 1; }
	pm rm -f -t 0 "$name" >/dev/null || fail "rm failed"
}

# Runs last (names sort): every container's cgroup is gone. podman's own
# libpod_parent/conmon cgroup is removed here too, as the tests made it.
test_zz_no_leftovers() {
	setup_podman
	local left
	left=$(pm ps -aq)
	[ -z "$left" ] || { pm rm -af >/dev/null 2>&1; fail "containers left: $left"; return 1; }
	left=$(find /sys/fs/cgroup/libpod_parent -mindepth 1 -type d -name 'libpod-*' 2>/dev/null)
	rmdir /sys/fs/cgroup/libpod_parent/conmon /sys/fs/cgroup/libpod_parent 2>/dev/null
	[ -z "$left" ] || fail "container cgroups left: $left"
}

run_tests
