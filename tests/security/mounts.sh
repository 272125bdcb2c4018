#!/bin/bash
# Mount destinations that try to leave the rootfs: a symlink swapped in
# while the runtime mounts (CVE-2021-30465) and ".." climbing.
. "$(dirname "$0")/escape-lib.bash"

# CVE-2021-30465: a racing process keeps exchanging a directory on the
# destination's path with a symlink to a scratch host dir while containers
# with a bind mount there are created. The destination is resolved inside
# the rootfs and the mount made on that fd, so the scratch dir never gets
# the mount (nor the mount point: CVE-2024-45310, runc creating empty
# files and directories on the host through the same race), whichever side
# of the swap a run saw.
test_symlink_exchange_race_on_mount_destination() {
	local scratch sum b spid ok=0 runs=50
	scratch=$(scratch_dir race); sum=$(victim_sum "$scratch")
	b=$(sec_bundle race true) || return 1
	mkdir -p "$b/rootfs/mnt/vol/target" "$b/src" && echo fromsrc >"$b/src/f"
	ln -s "$scratch" "$b/rootfs/mnt/vol/link"
	cfg "$b" ".mounts += [{\"destination\": \"/mnt/vol/target/sub\", \"type\": \"bind\", \"source\": \"$b/src\", \"options\": [\"rbind\"]}]"
	record_container_mounts "$b"
	"$HELPERS/swapper" "$b/rootfs/mnt/vol/target" "$b/rootfs/mnt/vol/link" &
	spid=$!
	for _ in $(seq $runs); do
		run_bundle "$b" >/dev/null && ok=$((ok + 1))
	done
	kill "$spid"; wait "$spid" 2>/dev/null
	# (a run that saw the symlink made its mount point inside the rootfs)
	echo "# $ok of $runs runs succeeded while racing; symlink side seen: $([ -e "$b/rootfs$scratch/sub" ] && echo yes || echo no)" >&2
	[ -s "$b/container-mountinfo" ] || fail "no container mount table recorded"
	assert_not_mounted "$scratch" "$b/container-mountinfo"
	assert_eq "$(victim_sum "$scratch")" "$sum" "scratch dir changed: $(ls -A "$scratch")"
}

# "/../../..<scratch>/x" is cleaned to "<scratch>/x" inside the rootfs.
test_dotdot_mount_destination_stays_in_rootfs() {
	local scratch sum b out
	scratch=$(scratch_dir dotdot); sum=$(victim_sum "$scratch")
	b=$(sec_bundle dotdot stat -f -c %T "$scratch/x") || return 1
	cfg "$b" ".mounts += [{\"destination\": \"/../../../../../../../..$scratch/x\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"
	record_container_mounts "$b"
	out=$(run_bundle "$b") || fail "run failed: $out"
	assert_eq "$out" "tmpfs"
	[ -d "$b/rootfs$scratch/x" ] || fail "mount point not made inside the rootfs"
	assert_eq "$(victim_sum "$scratch")" "$sum" "scratch dir changed: $(ls -A "$scratch")"
	assert_not_mounted "$scratch" "$b/container-mountinfo"
}

# A relative destination climbing with ".." is refused by name (when the
# config is read).
test_relative_dotdot_mount_destination_refused() {
	local scratch sum b out
	scratch=$(scratch_dir dotdot-rel); sum=$(victim_sum "$scratch")
	b=$(sec_bundle dotdotrel true) || return 1
	cfg "$b" ".mounts += [{\"destination\": \"a/../../../../../../../..$scratch/x\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"
	out=$(expect_create_refused "$b") || return 1
	assert_contains "$out" "mounts[7].destination: must be an absolute path"
	assert_eq "$(victim_sum "$scratch")" "$sum" "scratch dir changed"
	assert_not_mounted "$scratch"
}

run_tests
