#!/bin/bash
# CVE-2023-25809: a container in a user namespace without a cgroup
# namespace cannot mount a cgroup2 of its own, so the runtime shows it the
# host's hierarchy through a bind; runc made that bind writable, and the
# container could write into the cgroups of the user around it. hardrun's
# bind is read-only, but a container with CAP_SYS_ADMIN in its user
# namespace (and no seccomp) can remount it read-write: so what it shows
# must be the container's own cgroup, never the hierarchy above it. The
# attack remounts and creates a cgroup at the top of what it sees; the host
# checks its cgroup root (tests/run.sh --host mounts a private cgroup2
# there) for it. Runs where this host cannot make the bind (no cgroup2 at
# /sys/fs/cgroup) are skipped.
. "$(dirname "$0")/../lib.sh"

test_userns_without_cgroupns_cannot_reach_cgroups_above_its_own() {
	local b=$TEST_TMP/$(unique_id) id=$(unique_id) out caps='["CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"]' name
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "no cgroup2 at /sys/fs/cgroup"
	name=hr-escape-$id
	make_bundle "$b" sh -c "mount -o remount,bind,rw /sys/fs/cgroup; mkdir /sys/fs/cgroup/$name && echo created; cat /sys/fs/cgroup/cgroup.procs" ||
		fail "bundle"
	cfg "$b" "del(.linux.seccomp) | .linux.namespaces |= map(select(.type != \"cgroup\"))
		| .linux.namespaces += [{type: \"user\"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 0, size: 1}]
		| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 1}]
		| .process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps}"
	jq -e '.mounts[] | select(.destination == "/sys/fs/cgroup") | .options | index("ro")' "$b/config.json" >/dev/null ||
		fail "the config's /sys/fs/cgroup mount is not read-only (test is void)"
	out=$(hr run -b "$b" "$id" </dev/null 2>&1)
	if [ -d "/sys/fs/cgroup/$name" ]; then
		rmdir "/sys/fs/cgroup/$name"
		fail "the container created /sys/fs/cgroup/$name at the host's cgroup root"
	fi
	# what it saw was its own cgroup: its own processes (pid 1, cat)
	assert_contains "$out" "created"
	assert_eq "$(echo "$out" | grep -v created | sort -n | head -n1)" 1 "the first pid in the cgroup the container sees"
	rm -rf "$b"
}

run_tests
