# podman as hardrun's user (podman -> conmon -> hardrun), with a private
# podman store and a busybox --rootfs, no network (nothing of the host's
# network config is touched). Sourced after lib.sh by
# tests/integration/podman.sh (this host: no pids/memory controller, so
# --pids-limit -1) and tests/vm/podman.sh (the VM: podman's defaults, limits
# enforced). The including file sets PM_EXTRA_OPTS (podman run options of its
# own) and may set PM_GLOBAL_OPTS (podman's global options) before it
# sources this file; the checks both files run are the
# pm_check_* functions below. PODMAN_RUNTIME=/usr/sbin/runc runs them
# against runc.

RUNTIME=${PODMAN_RUNTIME:-$HARDRUN}
PM_TIMEOUT=${PM_TIMEOUT:-60} # seconds per podman call
PM_DIR=$TEST_TMP/podman
# The host's hard limits are below podman's default rlimits (nofile 1048576),
# which no runtime can raise, and podman itself lowers its nproc limit to
# 32768 before starting conmon: ask for limits within both.
lim() { local h; h=$(ulimit -H "$1"); [ "$h" = unlimited ] || [ "$h" -gt 4096 ] && h=4096; echo "$h"; }
NOFILE=$(lim -n)
NPROC=$(lim -u)

pm() {
	timeout -k 5 "$PM_TIMEOUT" podman ${PM_GLOBAL_OPTS[@]+"${PM_GLOBAL_OPTS[@]}"} --runtime "$RUNTIME" --cgroup-manager "${PODMAN_CGROUP_MANAGER:-cgroupfs}" --events-backend none \
		--root "$PM_DIR/root" --runroot "$PM_DIR/run" --tmpdir "$PM_DIR/tmp" "$@"
}
# podman run options every check uses.
RUN_OPTS=(--network none ${PM_EXTRA_OPTS[@]+"${PM_EXTRA_OPTS[@]}"} --ulimit "nofile=$NOFILE:$NOFILE" --ulimit "nproc=$NPROC:$NPROC")

# A fresh store for every run of a file.
if command -v podman >/dev/null && [ -d "$PM_DIR" ]; then
	pm rm -af >/dev/null 2>&1
	rm -rf "$PM_DIR"
fi

setup_podman() {
	command -v podman >/dev/null || skip "podman not installed"
	command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || skip "conmon not installed"
	mkdir -p "$PM_DIR/root" "$PM_DIR/run" "$PM_DIR/tmp"
}

# pm_detached NAME [RUN OPTIONS...]: a container that runs until SIGTERM;
# on failure it is removed and the test fails.
pm_detached() {
	local name=$1
	shift
	pm run -d --name "$name" "${RUN_OPTS[@]}" "$@" --rootfs "$(rootfs_template)" \
		/bin/sh -c 'trap "exit 0" TERM; echo up; while :; do sleep 0.1; done' >/dev/null ||
		pm_fail "$name" "run -d failed"
}
# pm_fail NAME MESSAGE: removes the container and fails the test.
pm_fail() { pm rm -f -t 0 "$1" >/dev/null 2>&1; fail "$2"; }

pm_check_run_output_and_exit_code() {
	setup_podman
	local out rc
	out=$(pm run --rm "${RUN_OPTS[@]}" --rootfs "$(rootfs_template)" /bin/sh -c 'echo "hello $$ $(id -u)"; echo err >&2; exit 7' 2>"$TEST_TMP/pm.err")
	rc=$?
	assert_eq "$out" "hello 1 0" || return 1
	assert_eq "$rc" 7 "exit code" || return 1
	assert_eq "$(cat "$TEST_TMP/pm.err")" err "stderr"
}

pm_check_run_error_reaches_podman() {
	setup_podman
	local out
	if out=$(pm run --rm "${RUN_OPTS[@]}" --rootfs "$(rootfs_template)" /no-such-binary-pm 2>&1); then
		fail "running a missing binary succeeded"
	fi
	assert_contains "$out" "no-such-binary-pm"
}

# podman --read-only and --tmpfs send tmpfs mounts with "tmpcopyup"
pm_check_read_only_and_tmpfs() {
	setup_podman
	local out
	out=$(pm run --rm "${RUN_OPTS[@]}" --read-only --tmpfs /data:rw,size=1m --rootfs "$(rootfs_template)" \
		/bin/sh -c 'touch /bin/x 2>/dev/null && echo root-writable; echo ok >/tmp/t && cat /tmp/t; echo d >/data/d && cat /data/d' 2>&1)
	assert_eq "$out" "$(printf 'ok\nd')"
}

# A script for `podman run` or `podman exec`: a server and its client on
# 127.0.0.1 in the container's own network namespace (--network none: lo
# only). Prints served-on-lo.
LOOPBACK_SH='mkdir -p /tmp/www && echo served-on-lo >/tmp/www/index.html
	httpd -p 127.0.0.1:8080 -h /tmp/www || exit 9
	for i in $(seq 1 50); do wget -q -O - http://127.0.0.1:8080/ 2>/dev/null && exit 0; sleep 0.1; done
	wget -O - http://127.0.0.1:8080/; exit 8'

# pm_exec_checks NAME LOOPS: exec sees the container (pid 1 is its init),
# passes the exit code, honours --user; then LOOPS plain execs, each must
# work (the exec protocol race showed in 1 of 20).
pm_exec_checks() {
	local name=$1 loops=$2 out rc i
	out=$(pm exec "$name" /bin/sh -c 'echo "exec $(cat /proc/1/cmdline | tr "\0" " ")"; exit 5')
	rc=$?
	case $out in "exec /bin/sh -c trap"*) ;; *) pm_fail "$name" "exec stdout: $out" ;; esac
	[ "$rc" = 5 ] || pm_fail "$name" "exec exit code: got $rc, want 5"
	out=$(pm exec --user 65534 "$name" id -u)
	[ "$out" = 65534 ] || pm_fail "$name" "exec --user: got [$out]"
	for i in $(seq 1 "$loops"); do
		out=$(pm exec "$name" /bin/echo "x$i" 2>&1)
		[ "$out" = "x$i" ] || pm_fail "$name" "exec $i of $loops: [$out]"
	done
}

# pm_healthchecks NAME N: N `podman healthcheck run`s (each an exec), all
# passing, and podman calls the container healthy.
pm_healthchecks() {
	local name=$1 i out
	for i in $(seq 1 "$2"); do
		out=$(pm healthcheck run "$name" 2>&1) || pm_fail "$name" "healthcheck $i of $2 failed: $out"
	done
	out=$(pm inspect -f '{{.State.Health.Status}}' "$name")
	[ "$out" = healthy ] || pm_fail "$name" "health: $out"
}

# pm_stop_rm NAME: the init gets SIGTERM and exits 0; rm leaves nothing.
pm_stop_rm() {
	local out
	pm stop -t 5 "$1" >/dev/null || pm_fail "$1" "stop failed"
	out=$(pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$1")
	[ "$out" = "exited 0" ] || pm_fail "$1" "after stop: [$out], want [exited 0]"
	pm rm "$1" >/dev/null || fail "rm failed"
	[ -z "$(pm ps -aq)" ] || fail "containers left: $(pm ps -a)"
}

pm_check_detached_exec_stop_rm() {
	setup_podman
	local name=pm-$(unique_id)
	pm_detached "$name"
	pm_exec_checks "$name" "$1"
	pm_stop_rm "$name"
}

# The sleep: podman 4.3's attach can drop the last output of a -it container
# that exits at once (conmon's log has it all: a podman race, not ours).
pm_check_interactive_tty() {
	setup_podman
	local out rc cmd
	printf -v cmd '%q ' podman ${PM_GLOBAL_OPTS[@]+"${PM_GLOBAL_OPTS[@]}"} --runtime "$RUNTIME" --cgroup-manager "${PODMAN_CGROUP_MANAGER:-cgroupfs}" --events-backend none \
		--root "$PM_DIR/root" --runroot "$PM_DIR/run" --tmpdir "$PM_DIR/tmp" \
		run --rm -it "${RUN_OPTS[@]}" --rootfs "$(rootfs_template)" /bin/sh -c 'tty; [ -t 0 ] && echo stdin-tty; sleep 0.5; exit 4'
	out=$(SHELL=/bin/bash timeout -k 5 60 script -qec "$cmd" /dev/null </dev/null | tr -d '\r')
	rc=${PIPESTATUS[0]}
	echo "$out"
	assert_eq "$rc" 4 "exit code" || return 1
	assert_contains "$out" /dev/pts/ || return 1
	assert_contains "$out" stdin-tty
}

# podman --uidmap 0:100000:65536: the bundle (podman's userdata) and the
# rootfs sit under podman's 0700 root-only storage; the container runs as
# mapped root.
pm_check_uidmap() {
	setup_podman
	chmod 0700 "$PM_DIR" "$PM_DIR/root" "$PM_DIR/run"
	local out rootfs=$TEST_TMP/podman-uidmap-rootfs
	# owned by the mapped root, so podman can make its mount points in it
	rm -rf "$rootfs"; cp -a "$(rootfs_template)" "$rootfs"; chown -R 100000:100000 "$rootfs"
	out=$(pm run --rm "${RUN_OPTS[@]}" --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
		--rootfs "$rootfs" /bin/sh -c 'id -u; cat /proc/self/uid_map' 2>&1)
	assert_eq "$(echo "$out" | tr -s ' ' | sed 's/^ //')" "$(printf '0\n0 100000 65536')"
}

pm_check_loopback() {
	setup_podman
	local out
	out=$(pm run --rm "${RUN_OPTS[@]}" --rootfs "$(rootfs_template)" /bin/sh -c "$LOOPBACK_SH" 2>&1)
	assert_eq "$out" served-on-lo
}

pm_check_healthcheck_runs_repeatedly() {
	setup_podman
	local name=pm-$(unique_id)
	pm_detached "$name" --health-cmd 'test -e /proc/1/status'
	pm_healthchecks "$name" "$1"
	pm rm -f -t 0 "$name" >/dev/null || fail "rm failed"
}

# Run last (names sort): every container's cgroup is gone. podman's own
# libpod_parent/conmon cgroup is removed here too, as the tests made it.
pm_check_no_leftovers() {
	setup_podman
	local left
	left=$(pm ps -aq)
	[ -z "$left" ] || { pm rm -af >/dev/null 2>&1; fail "containers left: $left"; return 1; }
	left=$(find /sys/fs/cgroup/libpod_parent -mindepth 1 -type d -name 'libpod-*' 2>/dev/null)
	rmdir /sys/fs/cgroup/libpod_parent/conmon /sys/fs/cgroup/libpod_parent 2>/dev/null
	[ -z "$left" ] || fail "container cgroups left: $left"
}
