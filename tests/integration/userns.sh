#!/bin/bash
# User-namespace remapping, as root and rootless.
. "$(dirname "$0")/../lib.sh"

with_userns() { # BUNDLE: maps 0-999 -> 200000, 1000-1999 -> 300000
	cfg "$1" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 1000}, {containerID: 1000, hostID: 300000, size: 1000}]
		| .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 1000}, {containerID: 1000, hostID: 300000, size: 1000}]'
	chown -R 200000:200000 "$1/rootfs"
}

test_maps_with_several_ranges() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	with_userns "$b"
	out=$(cd "$b" && hr run "$(unique_id)" 2>&1) || fail "run: $out"
	assert_eq "$(echo "$out" | tr -s ' ' | sed 's/^ //')" "$(printf '0 200000 1000\n1000 300000 1000\n0 200000 1000\n1000 300000 1000\n0')"
}

test_files_owned_by_mapped_host_ids() {
	local b=$TEST_TMP/$FUNCNAME out
	make_bundle "$b" sh -c 'touch /tmp/by-root && touch /tmp/x && chown 1005:1007 /tmp/x'
	with_userns "$b"
	cfg "$b" '.root.readonly = false | .process.capabilities = {bounding: ["CAP_CHOWN"], effective: ["CAP_CHOWN"], permitted: ["CAP_CHOWN"]}'
	(cd "$b" && hr run "$(unique_id)") || fail "run"
	assert_eq "$(stat -c %u:%g "$b/rootfs/tmp/by-root")" 200000:200000
	assert_eq "$(stat -c %u:%g "$b/rootfs/tmp/x")" 300005:300007
}

test_root_in_container_is_not_root_on_host() {
	local b=$TEST_TMP/$FUNCNAME id pid; id=$(unique_id)
	make_bundle "$b" sleep 30
	with_userns "$b"
	hr run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	pid=$(hr state "$id" | jq .pid)
	local uids; uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' /proc/"$pid"/status)
	hr delete -f "$id"
	assert_eq "$uids" "200000 200000 200000 200000"
}

test_overlapping_ranges_refused_with_clear_error() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" true
	cfg "$b" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 1000}, {containerID: 500, hostID: 400000, size: 1000}]
		| .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 1000}]'
	out=$(hr create --bundle "$b" "$id" 2>&1 </dev/null) && fail "create succeeded"
	assert_contains "$out" "uid_map"
	assert_contains "$out" "overlapping"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state dir left behind"
}

test_rootless_as_unprivileged_user() {
	local b=$TEST_TMP/$FUNCNAME out
	rm -rf "$b"; mkdir -p "$b"; chmod 755 "$b"
	cp -a "$(rootfs_template)" "$b/rootfs"
	chown -R 65534:65534 "$b"
	out=$(cd "$b" && setpriv --reuid 65534 --regid 65534 --clear-groups "$HARDRUN" spec --rootless 2>&1) || fail "spec --rootless: $out"
	assert_eq "$(jq -c '.linux.uidMappings' "$b/config.json")" '[{"containerID":0,"hostID":65534,"size":1}]'
	jq '.process.terminal = false | .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map"]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	out=$(cd "$b" && setpriv --reuid 65534 --regid 65534 --clear-groups env -u XDG_RUNTIME_DIR \
		"$HARDRUN" run "$(unique_id)" 2>&1) || fail "rootless run: $out"
	assert_eq "$(echo "$out" | tr -s ' ' | sed 's/^ //')" "$(printf '0\n0 65534 1')"
}

# exec as the same unprivileged user: the runtime may not join the pid
# namespace itself (that needs CAP_SYS_ADMIN in its own user namespace), so
# its process joins every namespace and forks into the pid namespace.
test_rootless_exec_as_unprivileged_user() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	rm -rf "$b"; mkdir -p "$b"; chmod 755 "$b"
	cp -a "$(rootfs_template)" "$b/rootfs"
	chown -R 65534:65534 "$b"
	as_nobody() { (cd "$b" && setpriv --reuid 65534 --regid 65534 --clear-groups env -u XDG_RUNTIME_DIR "$@"); }
	as_nobody "$HARDRUN" spec --rootless >/dev/null 2>&1 || fail "spec --rootless"
	jq '.process.terminal = false | .process.args = ["sleep", "300"]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	as_nobody "$HARDRUN" run -d "$id" </dev/null >/dev/null 2>&1 || fail "rootless run -d"
	out=$(as_nobody "$HARDRUN" exec "$id" sh -c 'id -u; echo $$; cat /proc/1/comm' 2>&1 </dev/null); local rc=$?
	as_nobody "$HARDRUN" delete -f "$id" >/dev/null 2>&1
	assert_eq "$rc" 0 "rootless exec: $out"
	assert_eq "$out" "$(printf '0\n2\nsleep')"
}

# Issue 11: the bundle, the rootfs and bind sources sit under a 0700 root-only
# directory (podman's storage, kubelet's pod dirs): the mapped root cannot
# search it, so everything must be opened on the host side first.
private_parent() { # DIR: a 0700 root-owned directory
	rm -rf "$1"; mkdir -p "$1"; chmod 0700 "$1"
}

test_bundle_under_root_only_dir() {
	local p=$TEST_TMP/$FUNCNAME out
	private_parent "$p"
	make_bundle "$p/b" sh -c 'id -u; cat /proc/self/uid_map'
	with_userns "$p/b"
	out=$(cd "$p/b" && hr run "$(unique_id)" 2>&1) || fail "run: $out"
	assert_eq "$(echo "$out" | head -1)" 0
}

test_bundle_under_root_only_dir_with_bundle_flag() {
	local p=$TEST_TMP/$FUNCNAME out
	private_parent "$p"
	make_bundle "$p/b" sh -c 'cat /etc/hostname-check 2>/dev/null; id -u'
	with_userns "$p/b"
	out=$(hr run --bundle "$p/b" "$(unique_id)" 2>&1 </dev/null) || fail "run: $out"
	assert_eq "$out" 0
}

test_bind_source_under_root_only_dir() {
	local b=$TEST_TMP/$FUNCNAME p=$TEST_TMP/$FUNCNAME-src out
	private_parent "$p"
	mkdir -p "$p/data"; chmod 0755 "$p/data"; echo secret-ok >"$p/data/f"; chmod 0644 "$p/data/f"
	make_bundle "$b" cat /mnt/f
	with_userns "$b"
	cfg "$b" ".mounts += [{destination: \"/mnt\", type: \"bind\", source: \"$p/data\", options: [\"rbind\", \"ro\"]}]"
	out=$(cd "$b" && hr run "$(unique_id)" 2>&1) || fail "run: $out"
	assert_eq "$out" secret-ok
}

run_tests
