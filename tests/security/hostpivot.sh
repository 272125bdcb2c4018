#!/bin/bash
# A config without a new mount namespace: the container shares the caller's
# mounts, so the runtime must not pivot_root, detach the old root or mount
# anything there. It enters the rootfs with chroot, and refuses at create
# what would need a mount. Every runtime call here runs in a throwaway
# mount namespace of its own (unshare --propagation private): even a
# vulnerable runtime only breaks that namespace, and its mount table is
# compared before and after.
. "$(dirname "$0")/../lib.sh"

# no_mntns_bundle DIR ARGS...: a bundle whose config needs no mount at all.
no_mntns_bundle() {
	local b=$1; shift
	make_bundle "$b" "$@" >/dev/null || return 1
	cfg "$b" '.linux.namespaces |= map(select(.type != "mount"))
		| .mounts = [] | .root.readonly = false | .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| del(.linux.rootfsPropagation) | del(.linux.sysctl) | del(.linux.devices)'
}

# in_own_mount_ns FUNC: runs the exported function FUNC in a new private
# mount namespace and fails (exit 9x) when that namespace's mount table is
# different afterwards, or unreadable (its root was taken away).
in_own_mount_ns() {
	unshare --mount --propagation private bash -c '
		before=$(cat /proc/self/mountinfo) || exit 90
		"$0"; rc=$?
		after=$(cat /proc/self/mountinfo 2>&1) || { echo "mount table unreadable after the runtime ran: $after"; exit 91; }
		if [ "$before" != "$after" ]; then
			echo "MOUNT TABLE OF THE CALLER CHANGED:"; diff <(echo "$before") <(echo "$after") | head -20
			exit 92
		fi
		exit $rc' "$1"
}

# Lifecycle of container $ID from bundle $B (exported), inside in_own_mount_ns.
# create's output (and so the workload's) goes to $B/create.log: a container
# left behind by a failed run must not hold the test's pipe open.
# With JOIN_OWN set, the config joins the caller's own mount namespace by
# path (as sharing as having none).
join_own_mntns() {
	[ -n "${JOIN_OWN:-}" ] || return 0
	jq --arg p "/proc/$$/ns/mnt" '.linux.namespaces += [{"type": "mount", "path": $p}]' "$B/config.json" >"$B/c.new" &&
		mv "$B/c.new" "$B/config.json"
}

lifecycle() {
	join_own_mntns || return 1
	"$HARDRUN" --root "$STATE_ROOT" create --bundle "$B" "$ID" </dev/null >"$B/create.log" 2>&1 || return 1
	"$HARDRUN" --root "$STATE_ROOT" start "$ID" || return 1
	for _ in $(seq 400); do [ -e "$B/rootfs/seen-root" ] && break; sleep 0.05; done
	for _ in $(seq 400); do
		"$HARDRUN" --root "$STATE_ROOT" state "$ID" | grep -q '"stopped"' && break
		sleep 0.05
	done
	"$HARDRUN" --root "$STATE_ROOT" delete "$ID"
}

# exec into a running container sharing the caller's mount namespace.
exec_in() {
	join_own_mntns || return 1
	"$HARDRUN" --root "$STATE_ROOT" create --bundle "$B" "$ID" </dev/null >"$B/create.log" 2>&1 || return 1
	"$HARDRUN" --root "$STATE_ROOT" start "$ID" || return 1
	"$HARDRUN" --root "$STATE_ROOT" exec "$ID" sh -c "ls / | grep marker >/exec-seen; echo escaped >$SCRATCH/escaped" \
		</dev/null >"$B/exec.log" 2>&1
	"$HARDRUN" --root "$STATE_ROOT" delete -f "$ID"
}

create_only() {
	"$HARDRUN" --root "$STATE_ROOT" create --bundle "$B" "$ID" </dev/null >"$B/create.log" 2>&1
}
export JOIN_OWN
export -f lifecycle create_only exec_in join_own_mntns
export HARDRUN STATE_ROOT

test_no_mount_ns_chroots_and_leaves_caller_mounts_alone() {
	local out rc
	export B=$TEST_TMP/hostpivot-$(unique_id) ID; ID=$(unique_id)
	no_mntns_bundle "$B" sh -c 'test -f /hr-rootfs-marker && ls / >/seen.tmp && mv /seen.tmp /seen-root' || return 1
	touch "$B/rootfs/hr-rootfs-marker"
	out=$(in_own_mount_ns lifecycle 2>&1); rc=$?
	hr delete -f "$ID" >/dev/null 2>&1
	[ $rc -eq 0 ] || fail "lifecycle failed (exit $rc): $out $(cat "$B/create.log")"
	[ -s "$B/rootfs/seen-root" ] || fail "the workload did not see the rootfs as / (no /seen-root written)"
	grep -qx bin "$B/rootfs/seen-root" || fail "workload's / is not the rootfs: $(cat "$B/rootfs/seen-root")"
	grep -qx hr-rootfs-marker "$B/rootfs/seen-root" || fail "marker missing from the workload's /"
	[ ! -e "$STATE_ROOT/$ID" ] || fail "state dir left behind"
}

# Each of these needs a mount: refused before anything is created, and the
# caller's mount table stays as it was.
test_no_mount_ns_refuses_what_needs_mounts() {
	local filter want out rc
	while IFS='|' read -r want filter; do
		export B=$TEST_TMP/hostpivot-$(unique_id) ID; ID=$(unique_id)
		no_mntns_bundle "$B" true || return 1
		cfg "$B" "$filter"
		out=$(in_own_mount_ns create_only 2>&1); rc=$?
		hr delete -f "$ID" >/dev/null 2>&1
		[ $rc -ne 92 ] && [ $rc -ne 91 ] || fail "[$filter] changed the caller's mounts: $out"
		[ $rc -ne 0 ] || fail "[$filter] was accepted without a mount namespace"
		assert_contains "$(cat "$B/create.log")" "$want needs a new mount namespace and linux.namespaces creates none"
		[ ! -e "$STATE_ROOT/$ID" ] || fail "[$filter] state dir left behind"
	done <<'EOF'
mounts|.mounts = [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs"}]
root.readonly|.root.readonly = true
linux.maskedPaths|.linux.maskedPaths = ["/etc"]
linux.readonlyPaths|.linux.readonlyPaths = ["/etc"]
linux.rootfsPropagation|.linux.rootfsPropagation = "rprivate"
linux.devices|.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]
EOF
}

# setns alone would leave an exec'd process at the caller's root, outside
# the container's chroot: it must enter the container's root, so a write to
# a scratch host path misses and the rootfs is its /.
test_no_mount_ns_exec_enters_the_chroot() {
	local out rc
	export B=$TEST_TMP/hostpivot-$(unique_id) ID SCRATCH; ID=$(unique_id)
	SCRATCH=$TEST_TMP/victim-exec-$(unique_id); mkdir -p "$SCRATCH"
	no_mntns_bundle "$B" sleep 60 || return 1
	touch "$B/rootfs/hr-rootfs-marker"
	out=$(in_own_mount_ns exec_in 2>&1); rc=$?
	hr delete -f "$ID" >/dev/null 2>&1
	[ $rc -eq 0 ] || fail "exit $rc: $out $(cat "$B/create.log" "$B/exec.log" 2>/dev/null)"
	[ ! -e "$SCRATCH/escaped" ] || fail "exec ran outside the container's root"
	assert_eq "$(cat "$B/rootfs/exec-seen" 2>/dev/null)" "hr-rootfs-marker" "exec's / is not the rootfs"
}

# The same with the caller's own mount namespace joined by path: its mounts
# are the caller's, so the same chroot and the same untouched mount table.
test_joined_own_mount_ns_chroots_and_leaves_caller_mounts_alone() {
	JOIN_OWN=1 test_no_mount_ns_chroots_and_leaves_caller_mounts_alone
}

test_joined_own_mount_ns_exec_enters_the_chroot() {
	JOIN_OWN=1 test_no_mount_ns_exec_enters_the_chroot
}

run_tests
