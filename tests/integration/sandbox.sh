#!/bin/bash
# `hardrun sandbox` (issue 13): one command runs a program from a rootfs
# directory (or the host's own root, read-only) with `hardrun spec`'s
# hardening, no config.json to write, the container removed when it exits
# (and after SIGTERM to hardrun), its exit status the program's.
. "$(dirname "$0")/../lib.sh"

sb() { "$HARDRUN" --root "$STATE_ROOT" sandbox "$@"; }

# sb_rootfs DIR: a scratch copy of the busybox rootfs, owned by host root
# (as unpacked; never chowned for the container).
sb_rootfs() { rm -rf "$1"; cp -a "$(rootfs_template)" "$1"; }

status_field() { awk -v k="$1:" '$1 == k {print $2}' <<<"$2"; }

# leftovers PID: state dirs or cgroups of the sandboxes hardrun PID made.
leftovers() {
	{
		ls -d "$STATE_ROOT"/sandbox-"$1"-* 2>/dev/null
		find /sys/fs/cgroup -maxdepth 6 -type d -name "sandbox-$1-*" 2>/dev/null
	} | head -5
}

test_exit_status_is_the_programs() {
	local r=$TEST_TMP/$FUNCNAME rc
	sb_rootfs "$r"
	sb --rootfs "$r" -- sh -c 'exit 7' </dev/null >/dev/null 2>&1 && rc=0 || rc=$?
	assert_eq "$rc" 7
	sb --rootfs "$r" -- /bin/true </dev/null >/dev/null 2>&1 || fail "true failed"
	# a child killed by a signal: the shell's status 128+9 (the container's
	# init itself ignores signals, even SIGKILL from inside)
	sb --rootfs "$r" -- sh -c 'sh -c "kill -9 \$\$"; exit $?' </dev/null >/dev/null 2>&1 && rc=0 || rc=$?
	rm -rf "$r"
	assert_eq "$rc" 137
}

# Hardened as `hardrun spec`, seen from inside; the rootfs is used in place
# and its files are container root's without a chown.
test_hardened_and_rootfs_owned_by_container_root() {
	local r=$TEST_TMP/$FUNCNAME out
	sb_rootfs "$r"
	out=$(sb --rootfs "$r" -- sh -c 'echo uid_map: $(cat /proc/self/uid_map); cat /proc/self/status;
		echo owner $(stat -c %u:%g /bin/busybox /etc/passwd); touch /x 2>/dev/null && echo wrote; hostname' 2>&1 </dev/null) ||
		{ rm -rf "$r"; fail "sandbox failed: $out"; }
	[ "$(stat -c %u:%g "$r/bin/busybox")" = 0:0 ] || { rm -rf "$r"; fail "the rootfs was chowned"; }
	[ ! -e "$r/x" ] || { rm -rf "$r"; fail "wrote into the rootfs"; }
	rm -rf "$r"
	case $out in *"uid_map: 0 0 "*) fail "container root is host root: $out";; esac
	assert_contains "$out" "uid_map: 0 "
	assert_contains "$out" "owner 0:0 0:0"
	assert_eq "$(status_field CapEff "$out")" 0000000000000000
	assert_eq "$(status_field NoNewPrivs "$out")" 1
	assert_eq "$(status_field Seccomp "$out")" 2
	assert_not_contains "$out" wrote
	assert_contains "$out" sandbox
}

test_read_write_tmpfs_and_binds() {
	local r=$TEST_TMP/$FUNCNAME d=$TEST_TMP/$FUNCNAME-data out
	sb_rootfs "$r"; rm -rf "$d"; mkdir -p "$d/rw" "$d/ro"; echo seen >"$d/ro/f"
	out=$(sb --rootfs "$r" --tmpfs /scratch --bind "$d/rw:/rw" --bind "$d/ro:/ro:ro" -- sh -c '
		touch /scratch/a && echo tmpfs-ok; echo made >/rw/new && echo bind-rw-ok
		cat /ro/f; touch /ro/g 2>/dev/null && echo ro-written; touch /x 2>/dev/null && echo root-written' 2>&1 </dev/null)
	assert_contains "$out" tmpfs-ok
	assert_contains "$out" bind-rw-ok
	assert_contains "$out" seen
	assert_not_contains "$out" ro-written
	assert_not_contains "$out" root-written
	[ "$(cat "$d/rw/new" 2>/dev/null)" = made ] || fail "the rw bind's write is not on the host"
	[ ! -e "$d/ro/g" ] || fail "the ro bind was written"
	out=$(sb --rootfs "$r" --read-write -- sh -c 'touch /x && echo root-written' 2>&1 </dev/null)
	assert_contains "$out" root-written
	[ -e "$r/x" ] || fail "--read-write: the write is not in the rootfs"
	rm -rf "$r" "$d"
}

test_options_reach_the_process() {
	local r=$TEST_TMP/$FUNCNAME out
	sb_rootfs "$r"
	out=$(sb --rootfs "$r" --user 1000:1001 --env A=b --workdir /tmp --hostname box --cap-add NET_RAW -- \
		sh -c 'id -u; id -g; echo A=$A; pwd; hostname; grep CapEff /proc/self/status' 2>&1 </dev/null)
	rm -rf "$r"
	assert_eq "$(echo "$out" | sed -n 1p)" 1000
	assert_eq "$(echo "$out" | sed -n 2p)" 1001
	assert_contains "$out" "A=b"
	assert_contains "$out" "/tmp"
	assert_contains "$out" "box"
	# a non-root process keeps no capability: CAP_NET_RAW is in its bounding set only
	assert_eq "$(status_field CapEff "$out")" 0000000000000000
}

# --seccomp FILE (relative to the caller's cwd) replaces the default profile.
test_seccomp_profile_file() {
	local r=$TEST_TMP/$FUNCNAME out
	sb_rootfs "$r"
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"],
		"action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}\n' >"$r.json"
	out=$(cd "$TEST_TMP" && sb --rootfs "$r" --tmpfs /scratch --seccomp "${r##*/}.json" -- \
		sh -c 'mkdir /scratch/d 2>/dev/null || echo mkdir-denied; unshare -U true 2>/dev/null && echo unshare-allowed; true' 2>&1 </dev/null)
	rm -rf "$r" "$r.json"
	assert_contains "$out" mkdir-denied
	# the file replaced the default profile, which denies unshare
	assert_contains "$out" unshare-allowed
}

# --learn records what CMD uses and writes a deny-by-default profile CMD
# then runs under, enforced; what it did not use stays denied; --check runs
# a command under a profile in complain mode and exits 1 for what it would
# deny (issue 14: "run a bundle or the sandbox command").
test_learn_and_check_a_sandbox_command() {
	local r=$TEST_TMP/$FUNCNAME p=$TEST_TMP/$FUNCNAME.json out rc
	sb_rootfs "$r"
	sb --rootfs "$r" --tmpfs /scratch --learn "$p" -- sh -c 'mkdir /scratch/d && cat /proc/self/uid_map && unshare --help 2>/dev/null; echo learned' \
		</dev/null >"$p.out" 2>&1 || fail "learn failed: $(cat "$p.out")"
	assert_contains "$(cat "$p.out")" learned
	# a range of its own from the pool, as a sandbox gets, not a fixed one
	[ "$(awk '$1 == 0 { print $2 }' "$p.out")" -gt 100000 ] || fail "uid_map under learn: $(grep -v learned "$p.out")"
	assert_eq "$(jq -r .defaultAction "$p")" SCMP_ACT_ERRNO
	jq -e '[.syscalls[].names[]] | index("mkdir") or index("mkdirat")' "$p" >/dev/null ||
		fail "mkdir is not in the learned profile"
	out=$(sb --rootfs "$r" --tmpfs /scratch --seccomp "$p" -- sh -c 'mkdir /scratch/d && echo enforced-ok' 2>&1 </dev/null)
	assert_contains "$out" enforced-ok
	# unshare(CLONE_NEWUSER) was never used (only the applet's --help ran):
	# denied under the learned profile
	out=$(sb --rootfs "$r" --seccomp "$p" -- sh -c 'unshare -U true 2>/dev/null && echo unshare-allowed; echo done' 2>&1 </dev/null)
	assert_contains "$out" done
	assert_not_contains "$out" unshare-allowed
	sb --rootfs "$r" --check "$p" -- sh -c 'unshare -U true; true' </dev/null >"$p.out" 2>&1 && rc=0 || rc=$?
	assert_eq "$rc" 1
	assert_contains "$(cat "$p.out")" "would have denied"
	assert_contains "$(cat "$p.out")" unshare
	sb --rootfs "$r" --learn "$p" --check "$p" -- true </dev/null >"$p.out" 2>&1 && rc=0 || rc=$?
	assert_eq "$rc" 125
	assert_contains "$(cat "$p.out")" "separate runs"
	# nothing left: learn and check delete their containers and give their
	# id ranges back (they took them as sandboxes do)
	assert_eq "$(ls "$STATE_ROOT" | grep -c -e '^profile-' -e '^sandbox-')" 0
	assert_eq "$(cat "$STATE_ROOT/@userns-pool" 2>/dev/null | grep -c sandbox-)" 0 "ranges left in the pool"
	rm -rf "$r" "$p" "$p.out"
}

test_dry_run_prints_a_valid_config_and_runs_nothing() {
	local r=$TEST_TMP/$FUNCNAME out b=$TEST_TMP/$FUNCNAME-bundle pid
	sb_rootfs "$r"
	"$HARDRUN" --root "$STATE_ROOT" sandbox --rootfs "$r" --dry-run --tmpfs /scratch --cap-add SYS_PTRACE -- \
		/bin/echo hi >"$r.json" 2>/dev/null </dev/null &
	pid=$!
	wait "$pid" || { rm -rf "$r" "$r.json"; fail "--dry-run failed"; }
	out=$(cat "$r.json"); rm -f "$r.json"
	[ -z "$(leftovers "$pid")" ] || { rm -rf "$r"; fail "--dry-run left a state dir"; }
	jq -e --arg r "$r" '.root.path == $r and .root.readonly == true
		and .process.args == ["/bin/echo", "hi"] and .process.noNewPrivileges == true
		and (.process.capabilities.effective == ["CAP_SYS_PTRACE"])
		and (.linux.namespaces | map(.type) | index("user") and index("network"))
		and (.mounts | map(.destination) | index("/scratch"))
		and .linux.seccomp.defaultAction == "SCMP_ACT_ERRNO"' <<<"$out" >/dev/null ||
		{ rm -rf "$r"; fail "dry-run config: $(echo "$out" | head -c 400)"; }
	# the printed config is one hardrun itself accepts: run it as a bundle
	rm -rf "$b"; mkdir -p "$b"
	jq '.process.args = ["/bin/true"]' <<<"$out" >"$b/config.json"
	hr run -b "$b" "$(unique_id)" </dev/null >/dev/null 2>&1 || { rm -rf "$r" "$b"; fail "the printed config does not run"; }
	rm -rf "$r" "$b"
}

test_nothing_left_after_exit_or_sigterm() {
	local r=$TEST_TMP/$FUNCNAME pid i left
	sb_rootfs "$r"
	# hardrun itself in the background (not a subshell), so $! is its pid
	"$HARDRUN" --root "$STATE_ROOT" sandbox --rootfs "$r" -- /bin/true </dev/null >/dev/null 2>&1 &
	pid=$!; wait "$pid" || { rm -rf "$r"; fail "sandbox failed"; }
	left=$(leftovers "$pid"); [ -z "$left" ] || { rm -rf "$r"; fail "left after exit: $left"; }
	# a program that ignores SIGTERM (the container's init): killed after the grace
	"$HARDRUN" --root "$STATE_ROOT" sandbox --rootfs "$r" -- sleep 60 </dev/null >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 100); do [ -n "$(leftovers "$pid")" ] && break; sleep 0.05; done
	[ -n "$(leftovers "$pid")" ] || { kill -9 "$pid"; rm -rf "$r"; fail "the sandbox never started"; }
	# READY: its init has exec'd the program
	for i in $(seq 100); do ls "$STATE_ROOT"/sandbox-"$pid"-*/exec.fifo >/dev/null 2>&1 || break; sleep 0.05; done
	kill -TERM "$pid"
	wait "$pid"; i=$?
	left=$(leftovers "$pid")
	rm -rf "$r"
	[ -z "$left" ] || fail "left after SIGTERM: $left"
	[ "$i" -ge 128 ] || fail "exit status $i after SIGTERM"
}

# uid_map_range FILE: "START SIZE" of the host range container id 0 maps to
uid_map_range() { awk '$1 == 0 { print $2, $3 }' "$1"; }

# Two sandboxes at once get disjoint host id ranges from the id pool (the
# policy's, else the default one `policy init` writes), and give them back
# when they end: the pool is empty after (it was a fixed 100000:65536 for all).
test_concurrent_sandboxes_get_disjoint_ranges() {
	local r=$TEST_TMP/$FUNCNAME d=$TEST_TMP/$FUNCNAME-out root=$TEST_TMP/$FUNCNAME.root p1 p2 i a b pool
	sb_rootfs "$r"; rm -rf "$d" "$root"; mkdir -p "$d"
	for n in 1 2; do
		"$HARDRUN" --root "$root" sandbox --rootfs "$r" --bind "$d:/out" -- sh -c "cat /proc/self/uid_map >/out/map$n.tmp &&
			mv /out/map$n.tmp /out/map$n; while [ ! -e /out/go ]; do sleep 0.05; done" </dev/null >"$d.log$n" 2>&1 &
		eval "p$n=\$!"
	done
	# both running at once: each has written its map and waits for go
	for i in $(seq 200); do [ -e "$d/map1" ] && [ -e "$d/map2" ] && break; sleep 0.05; done
	pool=$(cat "$root/@userns-pool" 2>/dev/null)
	: >"$d/go"
	wait "$p1"; wait "$p2"
	a=$(uid_map_range "$d/map1" 2>/dev/null); b=$(uid_map_range "$d/map2" 2>/dev/null)
	local left; left=$(ls -A "$root" 2>/dev/null)
	rm -rf "$r"
	[ -n "$a" ] && [ -n "$b" ] || { rm -rf "$d" "$d".log* "$root"; fail "no uid_map from both: [$a] [$b]"; }
	rm -rf "$d" "$d".log* "$root"
	set -- $a $b
	[ "$1" -ne 0 ] && [ "$3" -ne 0 ] || fail "container root is host root: [$a] [$b]"
	[ $(($1 + $2)) -le "$3" ] || [ $(($3 + $4)) -le "$1" ] || fail "the two sandboxes share host ids: [$a] and [$b]"
	assert_eq "$(echo "$pool" | grep -c sandbox-)" 2 "both ranges in the pool while they ran"
	assert_eq "$left" "" "the state root after both ended (pool file included)"
}

# A host policy's pool (and rangeSize) is where the range comes from;
# --dry-run shows the pool's first range and takes none.
test_range_from_the_policys_pool() {
	local r=$TEST_TMP/$FUNCNAME root=$TEST_TMP/$FUNCNAME.root p=$TEST_TMP/$FUNCNAME.json out dry
	sb_rootfs "$r"; rm -rf "$root"
	printf '{"version": 1, "userNamespace": {"mode": "inject", "pool": {"start": 300000000, "size": 40000},
		"rangeSize": 20000}}\n' >"$p"
	dry=$("$HARDRUN" --root "$root" --policy "$p" sandbox --rootfs "$r" --dry-run -- /bin/true 2>&1 </dev/null)
	out=$("$HARDRUN" --root "$root" --policy "$p" sandbox --rootfs "$r" -- cat /proc/self/uid_map 2>&1 </dev/null)
	local left; left=$(ls -A "$root" 2>/dev/null)
	rm -rf "$r" "$p"; sandboxes_gone "$root"
	assert_eq "$(jq -c '.linux.uidMappings' <<<"$dry" 2>/dev/null)" '[{"containerID":0,"hostID":300000000,"size":20000}]' "--dry-run: $dry"
	assert_eq "$(echo $out)" "0 300000000 20000" "uid_map from the policy's pool"
	assert_eq "$left" "" "the state root after it ended"
}

# sandboxes_gone ROOT: delete (by id) what a failed test left in ROOT
sandboxes_gone() {
	local c
	for c in "$1"/sandbox-*; do [ -d "$c" ] && "$HARDRUN" --root "$1" delete -f "${c##*/}"; done
	rm -rf "$1"
}

# Refused, failed or stopped by a signal, a sandbox gives its range back.
test_range_released_after_failure_and_sigterm() {
	local r=$TEST_TMP/$FUNCNAME root=$TEST_TMP/$FUNCNAME.root p=$TEST_TMP/$FUNCNAME.json pid i
	sb_rootfs "$r"; rm -rf "$root"
	# refused before create: no such seccomp file
	"$HARDRUN" --root "$root" sandbox --rootfs "$r" --seccomp /nonexistent -- /bin/true </dev/null >/dev/null 2>&1 &&
		{ rm -rf "$r" "$root"; fail "a sandbox with a missing seccomp file ran"; }
	[ ! -e "$root/@userns-pool" ] || { rm -rf "$r" "$root"; fail "a sandbox refused before create left a range"; }
	# refused by create (its policy checkpoint)
	printf '{"version": 1, "capabilities": {"mode": "refuse", "allowed": []}}\n' >"$p"
	"$HARDRUN" --root "$root" --policy "$p" sandbox --rootfs "$r" --cap-add SYS_ADMIN -- /bin/true </dev/null >/dev/null 2>&1 &&
		{ rm -rf "$r" "$root" "$p"; fail "the policy did not refuse"; }
	rm -f "$p"
	[ ! -e "$root/@userns-pool" ] || { rm -rf "$r" "$root"; fail "a sandbox refused by create left a range"; }
	"$HARDRUN" --root "$root" sandbox --rootfs "$r" -- sh -c 'exit 3' </dev/null >/dev/null 2>&1
	[ ! -e "$root/@userns-pool" ] || { rm -rf "$r" "$root"; fail "a sandbox whose program failed left a range"; }
	"$HARDRUN" --root "$root" sandbox --rootfs "$r" -- sleep 60 </dev/null >/dev/null 2>&1 &
	pid=$!
	# running: its state saved and its init past exec.fifo
	for i in $(seq 200); do ls "$root"/sandbox-"$pid"-*/state.json >/dev/null 2>&1 &&
		! ls "$root"/sandbox-"$pid"-*/exec.fifo >/dev/null 2>&1 && break; sleep 0.05; done
	grep -q "sandbox-$pid-" "$root/@userns-pool" 2>/dev/null ||
		{ kill -9 "$pid"; wait "$pid"; sandboxes_gone "$root"; rm -rf "$r"; fail "no range in the pool while it ran"; }
	kill -TERM "$pid"; wait "$pid"
	local left; left=$(ls -A "$root" 2>/dev/null)
	sandboxes_gone "$root"; rm -rf "$r"
	assert_eq "$left" "" "the state root after SIGTERM (pool file included)"
}

test_host_mode() {
	local d=$TEST_TMP/$FUNCNAME out mark=/tmp/hardrun-sandbox-mark-$$
	rm -rf "$d"; mkdir -p "$d"; echo here >"$d/f"; : >"$mark"
	out=$(cd "$d" && sb --host --bind-cwd -- /bin/sh -c '
		head -1 /etc/passwd; touch /etc/x 2>/dev/null && echo etc-written
		[ -e '"$mark"' ] && echo host-tmp-seen; touch /tmp/inside && echo tmp-ok
		pwd; cat f; echo out >g && echo cwd-written' 2>&1 </dev/null)
	rm -f "$mark"
	[ -e /tmp/inside ] && { rm -f /tmp/inside; fail "the sandbox's /tmp is the host's"; }
	[ "$(cat "$d/g" 2>/dev/null)" = out ] || { rm -rf "$d"; fail "--bind-cwd: no write through: $out"; }
	rm -rf "$d"
	assert_contains "$out" "$(head -1 /etc/passwd)"
	assert_not_contains "$out" etc-written
	assert_not_contains "$out" host-tmp-seen
	assert_contains "$out" tmp-ok
	assert_contains "$out" "$d"
	assert_contains "$out" here
}

# A limit the host cannot enforce is refused, never dropped.
test_limit_without_controller_fails_closed() {
	local r=$TEST_TMP/$FUNCNAME out rc pid
	grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null && skip "this host has the memory controller"
	sb_rootfs "$r"
	"$HARDRUN" --root "$STATE_ROOT" sandbox --rootfs "$r" --memory 256M -- /bin/echo ran >"$r.out" 2>&1 </dev/null &
	pid=$!
	wait "$pid" && rc=0 || rc=$?
	out=$(cat "$r.out"); rm -rf "$r" "$r.out"
	[ "$rc" -ne 0 ] || fail "ran without the memory limit: $out"
	assert_not_contains "$out" ran
	assert_contains "$out" 'memory limit requested but the "memory" controller is not available'
	[ -z "$(leftovers "$pid")" ] || fail "a refused sandbox left a state dir or cgroup"
}

# The host policy applies to sandbox as to create.
test_policy_applies() {
	local r=$TEST_TMP/$FUNCNAME p=$TEST_TMP/$FUNCNAME.json out
	sb_rootfs "$r"
	printf '{"version": 1, "capabilities": {"mode": "refuse", "allowed": []}}\n' >"$p"
	out=$("$HARDRUN" --root "$STATE_ROOT" --policy "$p" sandbox --rootfs "$r" --cap-add SYS_ADMIN -- /bin/echo ran 2>&1 </dev/null) &&
		{ rm -rf "$r" "$p"; fail "the policy did not refuse: $out"; }
	"$HARDRUN" --root "$STATE_ROOT" --policy "$p" sandbox --rootfs "$r" -- /bin/true </dev/null >/dev/null 2>&1 ||
		{ rm -rf "$r" "$p"; fail "a config within the policy was refused"; }
	rm -rf "$r" "$p"
	assert_not_contains "$out" ran
	assert_contains "$out" CAP_SYS_ADMIN
}

test_rootless() {
	local d=$TEST_TMP/$FUNCNAME out
	rm -rf "$d"; mkdir -p "$d"; chmod 755 "$d"
	cp -a "$(rootfs_template)" "$d/rootfs"
	chown -R 65534:65534 "$d"
	out=$(cd "$d" && setpriv --reuid 65534 --regid 65534 --clear-groups env -u XDG_RUNTIME_DIR \
		"$HARDRUN" --root "$d/state" sandbox --rootfs rootfs -- sh -c 'id -u; cat /proc/self/uid_map;
		grep -E "^(CapEff|NoNewPrivs):" /proc/self/status; touch /x 2>/dev/null && echo wrote; true' 2>&1 </dev/null) ||
		{ rm -rf "$d"; fail "rootless sandbox: $out"; }
	local left
	left=$(ls "$d/state" 2>/dev/null)
	rm -rf "$d"
	assert_eq "$(echo "$out" | head -1)" 0
	assert_contains "$(echo "$out" | tr -s ' ')" " 0 65534 1"
	assert_eq "$(status_field CapEff "$out")" 0000000000000000
	assert_not_contains "$out" wrote
	[ -z "$left" ] || fail "left in the state root: $left"
}

run_tests
