#!/bin/bash
# /dev in the container: the null device used for masking, /dev/console with
# a terminal, and symlinks where kernel filesystems get mounted
# (/dev, /dev/pts, /dev/shm, /dev/mqueue, /sys).
. "$(dirname "$0")/escape-lib.bash"

# CVE-2025-31133: /dev/null is replaced after the runtime made it and before
# masking (a hook stands in for the racing process). The runtime must refuse
# to bind it over masked files and never touch what it points at.
# replace_dev_null KIND MAKE WANT: MAKE creates the replacement at "@" (it
# may use "VICTIM", a scratch file outside the rootfs).
replace_dev_null() {
	local kind=$1 make=$2 want=$3 victim sum b out
	victim=$(scratch_file devnull-$kind); sum=$(victim_sum "$victim")
	b=$(sec_bundle devnull-$kind true) || return 1
	echo secret >"$b/rootfs/secretfile"
	cfg "$b" '.linux.maskedPaths += ["/secretfile"]'
	make=${make//@/$b/rootfs/dev/null}
	add_hook "$b" "rm -f $b/rootfs/dev/null && ${make//VICTIM/$victim}"
	out=$(expect_create_refused "$b") || return 1
	assert_contains "$out" "$want"
	assert_eq "$(victim_sum "$victim")" "$sum" "victim changed"
	assert_not_mounted "$victim"
	assert_eq "$(cat "$b/rootfs/secretfile")" "secret"
}

test_dev_null_symlink_to_host_file_not_used_for_masking() {
	replace_dev_null link "ln -s VICTIM @" '/dev/null in the container is a symlink, not the null device'
}

test_dev_null_regular_file_not_used_for_masking() {
	replace_dev_null file "echo fake >@" \
		'/dev/null in the container is a regular file, not the null device (1:3): refusing to mask with it'
}

test_dev_null_directory_not_used_for_masking() {
	replace_dev_null dir "mkdir @" \
		'/dev/null in the container is a directory, not the null device (1:3): refusing to mask with it'
}

# CVE-2025-52565: with a terminal, /dev/console a symlink (to a scratch file
# in the rootfs). hardrun does not bind the pty onto /dev/console at all:
# the link must stay a link, its target untouched and not a mount point.
test_console_symlink_not_followed() {
	local b id out sum rpid
	b=$(sec_bundle console sh -c 'tty; readlink /dev/console; cat /victim-console; grep -c " /victim-console " /proc/self/mountinfo') || return 1
	cfg "$b" '.process.terminal = true | .root.readonly = false'
	echo "console victim" >"$b/rootfs/victim-console"; sum=$(victim_sum "$b/rootfs/victim-console")
	add_hook "$b" "ln -sf /victim-console $b/rootfs/dev/console"
	id=$(unique_id)
	"$HELPERS/recvtty" "$b/tty.sock" >"$b/tty.out" &
	rpid=$!
	for _ in $(seq 100); do [ -S "$b/tty.sock" ] && break; sleep 0.05; done
	hr create --bundle "$b" --console-socket "$b/tty.sock" "$id" </dev/null >"$b/create.log" 2>&1 ||
		{ kill $rpid; fail "create: $(cat "$b/create.log")"; }
	hr start "$id" || fail "start"
	wait $rpid
	hr delete -f "$id"
	out=$(tr -d '\r' <"$b/tty.out")
	assert_contains "$out" "/dev/pts/0"
	assert_contains "$out" "/victim-console"
	assert_contains "$out" "console victim"
	assert_eq "$(echo "$out" | tail -n 1)" "0" "/victim-console became a mount point"
	assert_eq "$(victim_sum "$b/rootfs/victim-console")" "$sum" "console victim changed"
}

# kernel_dir_symlink PATH [JQ]: PATH in the rootfs is a symlink to a scratch
# host dir; JQ edits the config (e.g. no /dev tmpfs, so the image's /dev is
# used). Refused by name; nothing created or mounted in the scratch dir, nor
# at its path inside the rootfs.
kernel_dir_symlink() {
	local path=$1 filter=${2:-.} scratch sum b out
	scratch=$(scratch_dir kdir); sum=$(victim_sum "$scratch")
	b=$(sec_bundle kdir true) || return 1
	cfg "$b" "$filter"
	record_container_mounts "$b"
	rm -rf "${b:?}/rootfs$path" && ln -s "$scratch" "$b/rootfs$path"
	out=$(expect_create_refused "$b") || return 1
	assert_contains "$out" "\"$path\" in the rootfs is a symlink: refusing to mount through it"
	assert_eq "$(victim_sum "$scratch")" "$sum" "scratch dir changed"
	assert_not_mounted "$scratch" "$b/container-mountinfo"
	[ ! -e "$b/rootfs$scratch" ] || fail "the symlink was followed inside the rootfs: $b/rootfs$scratch"
}

NO_DEV_TMPFS='.mounts |= map(select(.destination != "/dev"))'

test_dev_symlink_refused() { kernel_dir_symlink /dev; }
test_dev_pts_symlink_refused() { kernel_dir_symlink /dev/pts "$NO_DEV_TMPFS"; }
test_dev_shm_symlink_refused() { kernel_dir_symlink /dev/shm "$NO_DEV_TMPFS"; }
test_dev_mqueue_symlink_refused() { kernel_dir_symlink /dev/mqueue "$NO_DEV_TMPFS"; }
test_sys_symlink_refused() { kernel_dir_symlink /sys; }

run_tests
