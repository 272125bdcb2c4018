#!/bin/bash
# Root filesystem as the workload sees it: read-only root, masked and
# read-only paths, mounts whose target is a symlink out of the rootfs,
# devices, bind mounts, sysctls, and the same in a user namespace.
. "$(dirname "$0")/../lib.sh"

# run_in BUNDLE: runs the container, prints its output, returns its status.
run_in() { hr run "$(unique_id)" 2>&1 </dev/null; }

bundle() {
	local b=$TEST_TMP/rootfs-$(unique_id)
	make_bundle "$b" "$@" >/dev/null || return 1
	echo "$b"
}

test_write_to_readonly_root_fails_with_erofs() {
	local b out
	b=$(bundle sh -c 'echo x >/newfile') || return 1
	out=$(cd "$b" && run_in) && { fail "write to a read-only root succeeded"; return 1; }
	assert_contains "$out" "Read-only file system" || return 1
	cfg "$b" '.root.readonly = false'
	out=$(cd "$b" && run_in) || fail "write to a writable root failed: $out" || return 1
	[ -f "$b/rootfs/newfile" ] || fail "newfile not in the rootfs" || return 1
}

test_masked_paths_read_empty() {
	local b out
	mkdir -p "$TEST_TMP"
	b=$(bundle sh -c 'cat /secret/file; cat /secretfile; ls -A /secret | wc -l; cat /proc/timer_list 2>/dev/null | wc -c') || return 1
	mkdir -p "$b/rootfs/secret" && echo hidden >"$b/rootfs/secret/file" && echo hidden >"$b/rootfs/secretfile"
	cfg "$b" '.linux.maskedPaths += ["/secret", "/secretfile", "/does/not/exist"]'
	out=$(cd "$b" && run_in)
	assert_not_contains "$out" "hidden" || return 1
	assert_eq "$(echo "$out" | tail -n 2 | tr '\n' ' ')" "0 0 " || return 1
}

test_readonly_paths_give_erofs() {
	local b out
	b=$(bundle sh -c 'echo x >/data/f; echo rc=$?; cat /data/f; echo x >/proc/sys/kernel/domainname; echo rc=$?') || return 1
	mkdir -p "$b/rootfs/data" && echo orig >"$b/rootfs/data/f"
	cfg "$b" '.root.readonly = false | .linux.readonlyPaths += ["/data", "/missing"]'
	out=$(cd "$b" && run_in)
	assert_contains "$out" "Read-only file system" || return 1
	assert_contains "$out" "orig" || return 1
	assert_not_contains "$out" "rc=0" || return 1
}

# A mount whose destination goes through a symlink pointing out of the
# rootfs (absolute or with ../..) lands inside the rootfs; the host path
# stays as it was.
test_mount_through_escaping_symlink_stays_inside() {
	local b out target=$TEST_TMP/host-target-$$
	rm -rf "$target" && mkdir -p "$target" && echo marker >"$target/marker"
	b=$(bundle sh -c "stat -f -c %T /evil/sub /evil2/bind; cat /evil2/bind/marker2; ls $target") || return 1
	ln -s "$target" "$b/rootfs/evil"
	ln -s "../../../../../../../../../..$target" "$b/rootfs/evil2"
	mkdir -p "$b/src" && echo inside >"$b/src/marker2"
	cfg "$b" '.root.readonly = false | .mounts += [
		{"destination": "/evil/sub", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/evil2/bind", "type": "bind", "source": "src", "options": ["bind", "ro"]}]'
	out=$(cd "$b" && run_in) || fail "run failed: $out" || return 1
	assert_contains "$out" "tmpfs" || return 1
	assert_contains "$out" "inside" || return 1
	[ -d "$b/rootfs$target/sub" ] || fail "mount point not created inside the rootfs" || return 1
	[ ! -e "$target/sub" ] && [ ! -e "$target/bind" ] || fail "mount point created on the host: $(ls "$target")" || return 1
	assert_eq "$(cat "$target/marker")" "marker" || return 1
	assert_eq "$(ls "$target")" "marker" || return 1
}

test_default_devices_and_links() {
	local b out
	# (make_bundle splits arguments on newlines: keep the script on one line)
	b=$(bundle sh -c 'ls -l /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/fuse; echo x >/dev/null && echo null-ok; readlink /dev/ptmx; readlink /dev/fd; readlink /dev/stdin; head -c 4 /dev/zero | od -An -tx1') || return 1
	cfg "$b" '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 432}]'
	out=$(cd "$b" && run_in) || fail "run failed: $out" || return 1
	assert_contains "$out" "1,   3" || return 1
	assert_contains "$out" "5,   0" || return 1
	assert_contains "$out" "crw-rw----" || return 1
	assert_contains "$out" "10, 229" || return 1
	assert_contains "$out" "null-ok" || return 1
	assert_contains "$out" "pts/ptmx" || return 1
	assert_contains "$out" "/proc/self/fd/0" || return 1
	assert_contains "$out" "00 00 00 00" || return 1
}

test_bind_mount_read_only() {
	local b out
	b=$(bundle sh -c 'cat /mnt/data/f; echo y >/mnt/data/f; echo y >/mnt/rw/f && echo rw-ok') || return 1
	mkdir -p "$b/hostdata" "$b/hostrw" && echo hostdata >"$b/hostdata/f"
	cfg "$b" '.mounts += [
		{"destination": "/mnt/data", "type": "bind", "source": "hostdata", "options": ["rbind", "ro"]},
		{"destination": "/mnt/rw", "type": "bind", "source": "hostrw", "options": ["rbind", "rw"]}]'
	out=$(cd "$b" && run_in)
	assert_contains "$out" "hostdata" || return 1
	assert_contains "$out" "Read-only file system" || return 1
	assert_contains "$out" "rw-ok" || return 1
	assert_eq "$(cat "$b/hostdata/f")" "hostdata" || return 1
	assert_eq "$(cat "$b/hostrw/f")" "y" || return 1
}

test_sysctl_set_and_refused() {
	local b out
	b=$(bundle cat /proc/sys/kernel/shmmni) || return 1
	cfg "$b" '.linux.sysctl = {"kernel.shmmni": "1234"}'
	out=$(cd "$b" && run_in) || fail "run failed: $out" || return 1
	assert_eq "$out" "1234" || return 1
	cfg "$b" '.linux.sysctl = {"vm.swappiness": "10"}'
	out=$(cd "$b" && run_in) && { fail "a host sysctl was accepted"; return 1; }
	assert_contains "$out" 'sysctl "vm.swappiness" is not namespaced and cannot be set in a container' || return 1
}

# In a user namespace mknod is refused: devices are the host's, bind-mounted.
test_userns_devices_and_readonly_root() {
	local b out
	b=$(bundle sh -c 'echo x >/dev/null && echo null-ok; ls -l /dev/zero; cat /proc/self/uid_map; echo x >/newfile') || return 1
	cfg "$b" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
	out=$(cd "$b" && run_in)
	assert_contains "$out" "null-ok" || return 1
	assert_contains "$out" "1,   5" || return 1
	assert_contains "$out" "65536" || return 1
	assert_contains "$out" "Read-only file system" || return 1
}

# tmpcopyup (podman --read-only, --tmpfs): the image's files under the
# tmpfs stay visible and become writable; symlinks are copied, not followed.
test_tmpfs_tmpcopyup_copies_the_covered_directory() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" sh -c 'cat /data/f /data/sub/g; readlink /data/link; stat -c "%a %u" /data /data/sub; echo new >/data/new && cat /data/new; mount | grep -c " /data type tmpfs"'
	mkdir -p "$b/rootfs/data/sub"
	echo one >"$b/rootfs/data/f"; echo two >"$b/rootfs/data/sub/g"
	ln -s /etc/passwd "$b/rootfs/data/link"
	chmod 1777 "$b/rootfs/data"; chmod 750 "$b/rootfs/data/sub"; chown 7 "$b/rootfs/data/sub"
	cfg "$b" '.root.readonly = true | .mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["nosuid", "tmpcopyup"]}]'
	out=$(hr run --bundle "$b" "$id" 2>&1 </dev/null)
	hr delete -f "$id" >/dev/null 2>&1
	assert_eq "$out" "$(printf 'one\ntwo\n/etc/passwd\n1777 0\n750 7\nnew\n1')"
	[ ! -e "$b/rootfs/data/new" ] || fail "the write went to the image, not the tmpfs"
}

# Without mode=, a tmpfs takes the mode of the directory it covers (runc).
test_tmpfs_takes_the_covered_directory_mode() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" stat -c %a /scratch /explicit
	mkdir -p "$b/rootfs/scratch" "$b/rootfs/explicit"
	# tmpfs's own default is 1777: cover a 0751 directory to tell them apart
	chmod 751 "$b/rootfs/scratch"; chmod 1777 "$b/rootfs/explicit"
	cfg "$b" '.mounts += [{destination: "/scratch", type: "tmpfs", source: "tmpfs"},
		{destination: "/explicit", type: "tmpfs", source: "tmpfs", options: ["mode=700"]}]'
	out=$(hr run --bundle "$b" "$id" 2>&1 </dev/null)
	hr delete -f "$id" >/dev/null 2>&1
	assert_eq "$out" "$(printf '751\n700')"
}

# A read-only /dev with mounts below it (/dev/pts, /dev/shm): the mount
# points are made before /dev turns read-only, as with runc.
test_read_only_dev_with_mounts_below() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" sh -c 'touch /dev/x 2>&1; touch /dev/shm/y && echo shm-writable; test -c /dev/null && echo null; mount | grep -c " /dev/pts "'
	cfg "$b" '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
	out=$(hr run --bundle "$b" "$id" 2>&1 </dev/null)
	hr delete -f "$id" >/dev/null 2>&1
	assert_contains "$out" "Read-only file system"
	assert_contains "$out" "shm-writable"
	assert_contains "$out" "$(printf 'null\n1')"
}

test_rootfs_propagation_unbindable() {
	local b=$TEST_TMP/$FUNCNAME id out; id=$(unique_id)
	make_bundle "$b" sh -c 'awk "\$5 == \"/\" { print \$0 }" /proc/self/mountinfo'
	cfg "$b" '.linux.rootfsPropagation = "unbindable"'
	out=$(hr run --bundle "$b" "$id" 2>&1 </dev/null); local rc=$?
	hr delete -f "$id" >/dev/null 2>&1
	assert_eq "$rc" 0 "run with rootfsPropagation unbindable: $out"
	assert_contains "$out" "unbindable"
}

run_tests
