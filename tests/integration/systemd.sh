#!/bin/bash
# --systemd-cgroup on a host where systemd is not PID 1 (the development
# VM, CI): refused with an error that names systemd, and nothing is left
# behind. The driver itself is tested in the systemd VM (tests/vm-systemd).
. "$(dirname "$0")/../lib.sh"

no_systemd_here() {
	[ ! -d /run/systemd/system ] || skip "systemd runs here; see tests/vm-systemd"
}

test_systemd_cgroup_without_systemd_is_named() {
	local id b out
	no_systemd_here
	id=$(unique_id); b=$TEST_TMP/$id
	make_bundle "$b" true
	cfg "$b" '.linux.resources.memory = {"limit": 33554432}'
	out=$(hr --systemd-cgroup create -b "$b" "$id" 2>&1) && fail "create succeeded without systemd"
	assert_contains "$out" "systemd cgroup driver: systemd is not the init system"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state left behind: $(ls -a "$STATE_ROOT/$id")"
	out=$(hr --systemd-cgroup run -b "$b" "$id" 2>&1) && fail "run succeeded without systemd"
	assert_contains "$out" "systemd is not the init system"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state left behind by run"
}

test_systemd_cgroup_bad_cgroups_path() {
	local id b out
	no_systemd_here
	id=$(unique_id); b=$TEST_TMP/$id
	make_bundle "$b" true
	cfg "$b" '.linux.cgroupsPath = "/kubepods/pod1/c1"'
	out=$(hr --systemd-cgroup create -b "$b" "$id" 2>&1) && fail "create succeeded"
	assert_contains "$out" 'is not "slice:prefix:name"'
	[ ! -e "$STATE_ROOT/$id" ] || fail "state left behind"
}


# libsystemd is loaded only by the systemd driver (issue 16: loading it and
# its six libraries cost ~0.65 ms per process start, twice per exec).
test_libsystemd_not_loaded_without_the_systemd_driver() {
	local id b pid maps exe
	id=$(unique_id); b=$TEST_TMP/$id
	make_bundle "$b" true
	hr create -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "create"
	pid=$(hr state "$id" | jq -r .pid)
	# the container process is hardrun's image until start (its exe is
	# hardrun's sealed memfd, its own image anonymous memory)
	maps=$(cat "/proc/$pid/maps"); exe=$(readlink "/proc/$pid/exe")
	hr delete -f "$id"
	assert_contains "$exe" "memfd:hardrun"
	assert_contains "$maps" "libc.so"
	assert_not_contains "$maps" "libsystemd"
	assert_not_contains "$maps" "libgcrypt"
}

test_systemd_driver_names_libsystemd_when_it_cannot_load() {
	local id b out lib
	id=$(unique_id); b=$TEST_TMP/$id; lib=$TEST_TMP/$id.lib
	make_bundle "$b" true
	mkdir -p "$lib" && : >"$lib/libsystemd.so.0"   # not an ELF file: dlopen fails
	out=$(LD_LIBRARY_PATH=$lib hr --systemd-cgroup create -b "$b" "$id" 2>&1) && fail "create succeeded"
	assert_contains "$out" "systemd cgroup driver: cannot load libsystemd.so.0"
	[ ! -e "$STATE_ROOT/$id" ] || fail "state left behind"
}

run_tests
