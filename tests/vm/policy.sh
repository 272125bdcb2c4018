#!/bin/bash
# The host policy where the host can enforce everything (the VM: AppArmor,
# cgroup v2 with memory, pids and cpu): the AppArmor profile injected, the
# resource floor applied for real, and an unmodified containerd (the smoke
# suite's configs) under the "restricted" policy, its containers in user
# namespaces of their own with idmapped rootfs.
. "$(dirname "$0")/../lib.sh"

hrp() { local p=$1; shift; "$HARDRUN" --root "$STATE_ROOT" --policy "$p" "$@"; }

need_apparmor() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || skip "AppArmor not enabled"
}

test_apparmor_profile_injected() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	need_apparmor
	"$HARDRUN" apparmor load "$TOP/profiles/apparmor/hardrun-default" >/dev/null || fail "load failed"
	printf '{"version": 1, "apparmor": {"mode": "inject"}}\n' >"$p"
	make_bundle "$b" /bin/cat /proc/self/attr/current || return 1
	cfg "$b" 'del(.process.apparmorProfile)'
	out=$("$HARDRUN" --root "$STATE_ROOT" --log "$b.log" --log-format json --policy "$p" run -b "$b" "$(unique_id)" \
		2>"$b.err") || { cat "$b.err"; rm -rf "$b" "$b.err"; fail "run failed"; }
	# the audit line: --log (stderr only when it is a terminal)
	assert_contains "$(cat "$b.log")" '"rule":"apparmor","action":"inject"'
	cfg "$b" '.process.apparmorProfile = "unconfined"'
	local refused
	refused=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1) && refused="ran: $refused"
	rm -rf "$b" "$b.err"
	assert_eq "$out" "hardrun-default (enforce)"
	assert_contains "$refused" 'apparmor: process.apparmorProfile is "unconfined"'
}

test_resource_floor_applied_and_update_ceiling() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json id out upd
	id=$(unique_id)
	grep -qw memory /sys/fs/cgroup/cgroup.controllers || skip "no memory controller"
	printf '%s\n' '{"version": 1, "resources": {"mode": "inject", "memory": {"default": 268435456, "max": 536870912},
		"pids": {"default": 77, "max": 100}, "cpu": {"default": 500, "max": 2000}}}' >"$p"
	make_bundle "$b" /bin/sleep 60 || return 1
	hrp "$p" run -d -b "$b" "$id" >/dev/null 2>&1 </dev/null || { rm -rf "$b"; fail "run -d failed"; }
	out=$(hr inspect "$id") || out="inspect failed"
	upd=$(hrp "$p" update --memory 1073741824 "$id" 2>&1) && upd="ok: $upd"
	hr delete -f "$id" >/dev/null 2>&1
	rm -rf "$b"
	assert_eq "$(jq -r '.process.cgroup["memory.max"]' <<<"$out")" 268435456
	assert_eq "$(jq -r '.process.cgroup["pids.max"]' <<<"$out")" 77
	assert_eq "$(jq -r '.process.cgroup["cpu.max"]' <<<"$out")" "50000 100000"
	assert_contains "$upd" "linux.resources.memory.limit 1073741824 bytes is above the ceiling 536870912 bytes"
}

# A runtime for containerd that is hardrun under the restricted policy, and
# notes for each created container: its uid_map, the owner of its
# /bin/busybox as the host sees it through the container's root (the range's
# first host id when the rootfs is idmapped), and whether its --log says the
# rootfs could not be idmapped (the policy's idmapFallback).
restricted_runtime() {
	local w=$1 pol=$2 maps=$3
	cat >"$w" <<EOF
#!/bin/bash
"$HARDRUN" --policy "$pol" "\$@"
rc=\$?
root=/run/hardrun log=/dev/null
for ((i = 1; i <= \$#; i++)); do
	j=\$((i + 1))
	[ "\${!i}" = --root ] && root=\${!j}
	[ "\${!i}" = --log ] && log=\${!j}
	[ "\${!i}" = create ] && created=1
done
if [ "\$rc" = 0 ] && [ -n "\${created:-}" ]; then
	pid=\$("$HARDRUN" --root "\$root" state "\${!#}" | jq -r .pid)
	fallback=0
	grep -q 'is not idmapped' "\$log" 2>/dev/null && fallback=1
	echo "\${!#} \$(cat /proc/\$pid/uid_map) \$(stat -c %u /proc/\$pid/root/bin/busybox) \$fallback" >>"$maps"
fi
exit \$rc
EOF
	chmod +x "$w"
}

test_containerd_under_restricted_policy() {
	local w=$TEST_TMP/hardrun-restricted pol=$TEST_TMP/restricted.json maps=$TEST_TMP/uidmaps out
	command -v containerd >/dev/null || skip "no containerd"
	"$HARDRUN" policy init >"$pol" || fail "policy init failed"
	# the AppArmor profile the policy injects must be loaded
	"$HARDRUN" apparmor status >/dev/null 2>&1 &&
		{ "$HARDRUN" apparmor load "$TOP/profiles/apparmor/hardrun-default" >/dev/null || fail "load failed"; }
	rm -f "$maps"
	restricted_runtime "$w" "$pol" "$maps"
	# security: checks ctr's default capability set, which the policy lowers
	out=$(CTRD_DIR=/tmp/hardrun-ctrd-policy CTRD_NS=hardrun-policy CTRD_SKIP="security" CTRD_TIMEOUT=60 \
		timeout -k 10 900 bash "$TOP/tests/e2e/containerd-smoke.sh" "$w" 2>&1)
	echo "$out" | grep -E '^(not ok|ok .*SKIP)' | sed 's/^/# /'
	grep -q '^not ok' <<<"$out" && fail "containerd checks failed under the restricted policy: $(grep '^not ok' <<<"$out" | head -3)"
	[ -s "$maps" ] || fail "no container was created"
	# every container: in a user namespace (ID 0 HOSTID SIZE), root not host
	# root; its rootfs idmapped (busybox, host root's on disk, seen from the
	# host through the container's mount as HOSTID's), or the fallback logged
	awk 'NF != 6 || $2 != 0 || $3 == 0 || ($5 != $3 && $6 == 0) { bad = bad " [" $0 "]" }
		END { if (bad) { print bad; exit 1 } }' "$maps" >"$maps.bad" ||
		fail "a container ran without its own user namespace, or without an idmapped rootfs unlogged:$(cat "$maps.bad")"
	echo "# idmapped rootfs: $(awk '$5 == $3' "$maps" | wc -l), idmapFallback (logged): $(awk '$5 != $3' "$maps" | wc -l)"
	echo "# $(wc -l <"$maps") containers checked"
}

# Without idmapFallback, a rootfs whose filesystem cannot be idmapped (tmpfs
# before Linux 6.3) is refused by name; where it can, files keep their owners.
test_rootfs_idmap_refused_by_name_or_done() {
	local b=$TEST_TMP/$(unique_id) p=$TEST_TMP/pol-$$.json out
	printf '{"version": 1, "userNamespace": {"mode": "inject", "pool": {"start": 1879048192, "size": 262144}}}\n' >"$p"
	make_bundle "$b" /bin/stat -c %u /bin/busybox || return 1
	if out=$(hrp "$p" run -b "$b" "$(unique_id)" 2>&1); then
		rm -rf "$b"
		assert_eq "$(tail -n1 <<<"$out")" 0
	else
		rm -rf "$b"
		assert_contains "$out" "idmapped mounts are not supported by the filesystem of"
		echo "# refused by name on $(stat -f -c %T "$TEST_TMP"), Linux $(uname -r)"
	fi
}

# podman under the restricted policy (`--runtime-flag` hands hardrun its
# --policy). podman's own default seccomp profile lets ptrace, keyctl and
# unshare(CLONE_NEWUSER) through, which seccomp.mustDeny refuses by name, in
# one plain line conmon can pass on; with hardrun's default profile the
# container runs in its own user namespace from the pool, root not host
# root, no_new_privs injected.
pm_policy() {
	local pm_dir=$1; shift
	timeout -k 5 300 podman --storage-driver vfs --runtime "$HARDRUN" --runtime-flag "policy=$POL" \
		--cgroup-manager cgroupfs --events-backend none --root "$pm_dir/root" --runroot "$pm_dir/run" \
		--tmpdir "$pm_dir/tmp" "$@"
}

test_podman_under_restricted_policy() {
	local pm_dir=$TEST_TMP/pm-policy out rc rootfs=$TEST_TMP/pm-policy-rootfs map
	POL=$TEST_TMP/restricted-pm.json
	command -v podman >/dev/null || skip "no podman"
	"$HARDRUN" policy init >"$POL" || fail "policy init failed"
	"$HARDRUN" apparmor status >/dev/null 2>&1 &&
		{ "$HARDRUN" apparmor load "$TOP/profiles/apparmor/hardrun-default" >/dev/null || fail "load failed"; }
	rm -rf "$rootfs" && cp -a "$(rootfs_template)" "$rootfs" && mkdir -p "$pm_dir" "$rootfs/run"
	# the files podman binds over, present as in any image: where the rootfs
	# cannot be idmapped (tmpfs before Linux 6.3: idmapFallback) the mapped
	# root cannot create them in a directory host root owns
	touch "$rootfs/etc/hosts" "$rootfs/etc/hostname" "$rootfs/etc/resolv.conf" "$rootfs/run/.containerenv"
	out=$(pm_policy "$pm_dir" run --rm --network none --rootfs "$rootfs" /bin/true 2>&1) && out="ran: $out"
	assert_contains "$out" "refused by policy $POL: seccomp: the filter lets" || return 1
	out=$(pm_policy "$pm_dir" run --rm --network none --security-opt "seccomp=$TOP/profiles/seccomp/default.json" \
		--rootfs "$rootfs" /bin/sh -c 'cat /proc/self/uid_map; grep NoNewPrivs /proc/self/status' 2>&1)
	rc=$?
	pm_policy "$pm_dir" rm -af >/dev/null 2>&1
	[ "$rc" -eq 0 ] || fail "podman run under the restricted policy failed: $out"
	echo "$out" | sed 's/^/# /'
	map=$(grep -E '^ *0 +[0-9]+ +[0-9]+' <<<"$out" | head -1 | tr -s ' ' | sed 's/^ //')
	[ -n "$map" ] || fail "no uid_map line: $out"
	[ "$(cut -d' ' -f2 <<<"$map")" != 0 ] || fail "container root is host root: $map"
	assert_contains "$out" "$(printf 'NoNewPrivs:\t1')"
}

run_tests
