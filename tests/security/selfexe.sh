#!/bin/bash
# CVE-2019-5736: a container makes the kernel run hardrun's own binary
# (an entrypoint "#!/proc/self/exe", or `exec ID /proc/self/exe`) with a
# planted dynamic loader that keeps a handle on /proc/self/exe and reopens it
# for writing once the runtime has exited. The runtime under test is a
# scratch copy of hardrun, so a vulnerable build only overwrites that copy.
. "$(dirname "$0")/../lib.sh"

[ "$(uname -m)" = x86_64 ] || { printf '1..1\nok - selfexe: all # SKIP fake loader is x86_64 only\n'; exit 0; }

SCRATCH=$TEST_TMP/selfexe.$$
mkdir -p "$SCRATCH"
trap 'rm -rf "$SCRATCH"' EXIT

build_fake_ld() {
	[ -x "$SCRATCH/fake-ld" ] || cc -D_GNU_SOURCE -static -nostdlib -fno-pie -no-pie -fno-stack-protector -O1 \
		-o "$SCRATCH/fake-ld" "$TOP/tests/security/fake-ld.c" || fail "build fake loader"
}

# hostile_bundle DIR ARGS_JSON: busybox rootfs with the fake loader and a
# "#!/proc/self/exe" script at /bin/evil; writable root so the result lands
# in rootfs/tmp where the host can read it.
hostile_bundle() {
	make_bundle "$1" || fail "bundle"
	build_fake_ld
	mkdir -p "$1/rootfs/lib64"
	cp "$SCRATCH/fake-ld" "$1/rootfs/lib64/ld-linux-x86-64.so.2" || fail "plant loader"
	printf '#!/proc/self/exe\n' >"$1/rootfs/bin/evil"
	chmod 755 "$1/rootfs/bin/evil"
	cfg "$1" ".root.readonly = false | .process.args = $2"
}

runtime_copy() {
	cp "$HARDRUN" "$1" && chmod 755 "$1"
}

wait_result() { # wait_result FILE: up to 30 s for the attacker's verdict
	local i
	for i in $(seq 300); do
		[ -s "$1" ] && { cat "$1"; return 0; }
		sleep 0.1
	done
	echo "no result"
}

assert_not_overwritten() { # assert_not_overwritten COPY HASH RESULT
	assert_eq "$(sha256sum <"$1")" "$2" "runtime binary changed (attacker: $3)"
	assert_not_contains "$3" "wrote"
	assert_not_contains "$3" "no result"
}

# attack NAME ARGS_JSON [JQ]: runs the hostile bundle with a scratch copy
# of the runtime (with `exec -d ID /proc/self/exe` when ARGS is a sleeper)
# and checks the copy was not overwritten, and that the attack either ran
# and failed or was refused when the kernel was to execute /proc/self/exe.
attack() {
	local b=$SCRATCH/$1 rt=$SCRATCH/hardrun-$1 id before res; id=$(unique_id)
	hostile_bundle "$b" "$2"
	[ -n "${3:-}" ] && cfg "$b" "$3"
	runtime_copy "$rt"; before=$(sha256sum <"$rt")
	"$rt" --root "$STATE_ROOT" run -d --bundle "$b" "$id" </dev/null >"$b/out" 2>&1; echo "run rc=$?" >>"$b/out"
	case $2 in *sleep*) "$rt" --root "$STATE_ROOT" exec -d "$id" /proc/self/exe </dev/null >>"$b/out" 2>&1 ;; esac
	# in place, /proc/self/exe is an empty sealed memfd: the attack cannot
	# even start the binary (a re-executed hardrun's copy starts, and the
	# planted loader reports what it could do)
	if grep -q 'Exec format error' "$b/out"; then
		res="refused at execve: $(grep 'Exec format error' "$b/out")"
	else
		res=$(wait_result "$b/rootfs/tmp/cve-2019-5736.result")
	fi
	"$HARDRUN" --root "$STATE_ROOT" delete -f "$id"
	assert_not_overwritten "$rt" "$before" "$res"
}

test_entrypoint_shebang_proc_self_exe_cannot_overwrite_runtime() {
	attack entry '["/bin/evil"]'
}

test_exec_proc_self_exe_cannot_overwrite_runtime() {
	attack exec '["sleep", "300"]'
}

test_userns_entrypoint_cannot_overwrite_runtime() {
	attack userns '["/bin/evil"]' '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 0, size: 1}]
		| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 1}]'
}


# The same attack through exec into a container whose user namespace maps
# host root: the finish would be readable and so traceable there, so exec
# copies hardrun's image as for a container without a user namespace.
test_userns_exec_mapping_host_root_copies_and_cannot_overwrite_runtime() {
	attack userns_exec '["sleep", "300"]' '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 0, size: 1}]
		| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 1}]'
}

# Issue 16: exec into a container with a user namespace of its own that
# maps neither hardrun's uid nor its gid ends through the sealed
# hardrun-exec-finish and hardrun never copies its image. The worst case
# for that: the runtime's file belongs to the container's root, who could
# overwrite it through any handle on it. What the container makes the
# kernel execute as /proc/self/exe is the program: started so, it exits at
# once; the planted loader never runs. (An exec that ran the workload from
# hardrun's own process would hand the loader the runtime copy: seen with
# that change made on purpose.)
test_userns_exec_reaches_only_the_finish() {
	local b=$SCRATCH/finish rt=$SCRATCH/hardrun-finish id before out prog pid i res
	id=$(unique_id)
	hostile_bundle "$b" '["sleep", "300"]'
	cfg "$b" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	chown -R 100000:100000 "$b/rootfs"
	runtime_copy "$rt"; chown 100000:100000 "$rt"; before=$(sha256sum <"$rt")
	"$rt" --root "$STATE_ROOT" run -d --bundle "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d"
	for prog in /proc/self/exe /bin/evil; do
		rm -f "$b/pid"
		out=$("$rt" --root "$STATE_ROOT" --debug exec -d --pid-file "$b/pid" "$id" "$prog" 2>&1 </dev/null) ||
			fail "exec -d $prog: $out"
		assert_contains "$out" "exec: ends through hardrun-exec-finish"
		assert_not_contains "$out" "selfexe:"
		pid=$(cat "$b/pid")
		for i in $(seq 300); do process_alive "$pid" || break; sleep 0.1; done
	done
	res=$(cat "$b/rootfs/tmp/cve-2019-5736.result" 2>/dev/null || true)
	"$HARDRUN" --root "$STATE_ROOT" delete -f "$id"
	assert_eq "$res" "" "the planted loader ran (its result)"
	assert_eq "$(sha256sum <"$rt")" "$before" "runtime binary changed"
}

# Issue 16: as root hardrun replaces the mappings of its own file by
# anonymous copies and makes a sealed, empty memfd /proc/self/exe, instead
# of starting a second time from a sealed copy. What a container could
# reach of the process that enters it: its exe and its mappings. Neither
# may be the runtime's file, the exe is sealed, and no mapping is a file
# shared with hardrun's host-side process (a memfd copy was: its page cache
# is what a Dirty Pipe-style kernel bug would write to).
test_container_process_references_only_the_sealed_copy() {
	local b=$SCRATCH/inplace rt=$SCRATCH/hardrun-inplace id pid ino exe log maps shared seals w size loads
	id=$(unique_id)
	make_bundle "$b" true || fail "bundle"
	runtime_copy "$rt"; ino=$(stat -c %i "$rt")
	# (the created process keeps create's stdio: the log goes to a file)
	"$rt" --root "$STATE_ROOT" --debug --log "$b/log" create -b "$b" "$id" </dev/null >/dev/null 2>&1 ||
		fail "create: $(cat "$b/log")"
	log=$(cat "$b/log")
	pid=$("$HARDRUN" --root "$STATE_ROOT" state "$id" | jq -r .pid)
	# the container process is hardrun's image until start
	exe=$(readlink "/proc/$pid/exe"); maps=$(awk -v ino="$ino" '$5 == ino' "/proc/$pid/maps")
	shared=$(grep -F 'memfd:' "/proc/$pid/maps" || true)
	seals=$(python3 -c 'import fcntl, os, sys; print(fcntl.fcntl(os.open(sys.argv[1], os.O_RDONLY), 1034))' "/proc/$pid/exe")
	( : >>"/proc/$pid/exe" ) 2>/dev/null && w=writable || w=refused
	size=$(stat -L -c %s "/proc/$pid/exe"); loads=$(readelf -lW "/proc/$pid/exe" 2>&1 | grep -c ' LOAD ')
	"$HARDRUN" --root "$STATE_ROOT" delete -f "$id"
	assert_contains "$exe" "memfd:hardrun"
	assert_eq "$maps" "" "mappings of the runtime's file (inode $ino) in the container process"
	assert_eq "$(( seals & 15 ))" 15 "seals of /proc/$pid/exe (SEAL|SHRINK|GROW|WRITE)"
	assert_eq "$w" refused "open /proc/$pid/exe for writing"
	# an AddressSanitizer build (make check SANITIZE=1) always re-executes
	# from a copy of what the program headers cover (no debug information)
	if ldd "$rt" 2>/dev/null | grep -q libasan; then
		assert_contains "$log" "selfexe: re-executing from the sealed copy"
		assert_eq "$loads" "$(readelf -lW "$rt" | grep -c ' LOAD ')" "PT_LOAD segments of the copy"
		[ "$size" -le "$(stat -c %s "$rt")" ] || fail "copy ($size bytes) larger than the binary"
	else
		assert_contains "$log" "selfexe: running from anonymous copies (remapped in place)"
		assert_eq "$size" 0 "size of /proc/$pid/exe (the image is anonymous memory)"
		assert_eq "$shared" "" "file mappings of a memfd in the container process"
	fi
}

# Without CAP_SYS_ADMIN and CAP_CHECKPOINT_RESTORE the exe cannot be
# replaced in place: hardrun re-executes from the sealed copy, as before.
test_without_checkpoint_caps_hardrun_reexecutes_from_the_copy() {
	local out
	command -v setpriv >/dev/null || skip "no setpriv"
	out=$(setpriv --bounding-set -sys_admin,-checkpoint_restore -- \
		"$HARDRUN" --root "$STATE_ROOT" --debug create -b "$SCRATCH/no-such-bundle" no-such-container 2>&1) &&
		fail "create succeeded"
	assert_contains "$out" "selfexe: re-executing from the sealed copy"
	assert_not_contains "$out" "remapped in place"
	assert_contains "$out" "no-such-bundle"
}

run_tests
