#!/bin/bash
# `hardrun spec` (issue 13): the default config is hardened without editing
# (user namespace, no capabilities, no_new_privs, read-only root, seccomp,
# AppArmor where enabled, limits for the controllers this host has, its own
# network) and runs on this host as written; --minimal is runc's.
. "$(dirname "$0")/../lib.sh"

# spec_bundle DIR [spec flags...]: the rootfs template and `hardrun spec` output.
spec_bundle() {
	local dir=$1; shift
	rm -rf "$dir"; mkdir -p "$dir"
	cp -a "$(rootfs_template)" "$dir/rootfs"
	(cd "$dir" && "$HARDRUN" spec "$@" 2>"$dir/notes") || { cat "$dir/notes" >&2; return 1; }
}

status_field() { awk -v k="$1:" '$1 == k {print $2}' <<<"$2"; }

# jqe FILE FILTER: FILTER is true of FILE.
jqe() { jq -e "$2" "$1" >/dev/null || fail "not true of $1: $2 ($(jq -c . "$1" | cut -c1-300))"; }

test_default_spec_is_hardened() {
	local b=$TEST_TMP/$FUNCNAME
	spec_bundle "$b" || fail "spec failed"
	local c=$b/config.json
	jqe "$c" '.linux.namespaces | map(.type) | index("user") and index("network") and index("pid") and index("mount")'
	jqe "$c" '.linux.uidMappings == [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	jqe "$c" '.linux.gidMappings == [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	jqe "$c" '.process.capabilities | [.bounding, .effective, .inheritable, .permitted, .ambient] | all(. == [])'
	jqe "$c" '.process.noNewPrivileges == true and .root.readonly == true'
	jqe "$c" '.linux.seccomp.defaultAction == "SCMP_ACT_ERRNO" and (.linux.seccomp.syscalls | length > 10)'
	jqe "$c" '.annotations["run.hardrun.rootfs.idmap"] == "auto"'
	jqe "$c" '.ociVersion == "1.1.0"'
	jqe "$c" '.linux.maskedPaths | index("/sys/devices/virtual/powercap")'
	grep -q 'chown -R 100000:100000 rootfs' "$b/notes" || fail "no rootfs ownership instruction: $(cat "$b/notes")"
	rm -rf "$b"
}

# Limits exactly for the controllers this host's cgroup v2 offers, a note
# for each one left out; AppArmor exactly where it is enabled.
test_default_spec_limits_follow_the_host() {
	local b=$TEST_TMP/$FUNCNAME ctl="" c
	spec_bundle "$b" || fail "spec failed"
	c=$b/config.json
	ctl=$(cat /sys/fs/cgroup/cgroup.controllers /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null || true)
	for want in memory:memory.limit pids:pids.limit cpu:cpu.quota; do
		if grep -qw "${want%%:*}" <<<"$ctl"; then
			jqe "$c" ".linux.resources.${want#*:} > 0"
		else
			jqe "$c" ".linux.resources.${want#*:} == null"
			grep -q "no ${want%%:*} limit" "$b/notes" || fail "no note on the ${want%%:*} limit: $(cat "$b/notes")"
		fi
	done
	if "$HARDRUN" apparmor status >/dev/null 2>&1; then
		jqe "$c" '.process.apparmorProfile == "hardrun-default"'
	else
		jqe "$c" '.process.apparmorProfile == null'
		grep -q "no AppArmor profile" "$b/notes" || fail "no note on AppArmor: $(cat "$b/notes")"
	fi
	rm -rf "$b"
}

# The config as written (only what to run changed) runs here, and the
# workload sees every hardening from inside; the unmodified rootfs (owned by
# host root) is idmapped: its files are container root's.
test_default_spec_runs_hardened() {
	local b=$TEST_TMP/$FUNCNAME out
	spec_bundle "$b" || fail "spec failed"
	cfg "$b" '.process.terminal = false | .process.args = ["sh", "-c",
		"echo uid_map: $(cat /proc/self/uid_map); grep -E \"^(CapEff|NoNewPrivs|Seccomp):\" /proc/self/status;
		 echo owner $(stat -c %u:%g /bin/busybox); touch /x 2>/dev/null && echo wrote; /bin/true && echo true-ok"]'
	out=$(hr run -b "$b" "$(unique_id)" 2>&1 </dev/null) || { rm -rf "$b"; fail "run failed: $out"; }
	rm -rf "$b"
	case $out in *"uid_map: 0 0 "*) fail "container root is host root: $out";; esac
	assert_contains "$out" "uid_map: 0 100000 65536"
	assert_eq "$(status_field CapEff "$out")" 0000000000000000
	assert_eq "$(status_field NoNewPrivs "$out")" 1
	assert_eq "$(status_field Seccomp "$out")" 2
	assert_contains "$out" "owner 0:0"
	assert_not_contains "$out" wrote
	assert_contains "$out" true-ok
}

# The hardened config already meets the "restricted" host policy: checking
# it injects and refuses nothing (what this host lacks only degrades).
test_default_spec_meets_the_restricted_policy() {
	local b=$TEST_TMP/$FUNCNAME p=$TEST_TMP/$FUNCNAME.json out
	spec_bundle "$b" || fail "spec failed"
	"$HARDRUN" policy init >"$p" || fail "policy init failed"
	chmod 644 "$p"
	out=$("$HARDRUN" --policy "$p" policy check --bundle "$b" 2>&1) || { rm -rf "$b" "$p"; fail "policy check refused: $out"; }
	rm -rf "$b" "$p"
	assert_not_contains "$out" "inject "
	assert_not_contains "$out" "refuse "
}

test_minimal_spec_is_runc_like() {
	local b=$TEST_TMP/$FUNCNAME c
	spec_bundle "$b" --minimal || fail "spec --minimal failed"
	c=$b/config.json
	jqe "$c" '.process.capabilities.bounding == ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]'
	jqe "$c" '(.linux.namespaces | map(.type) | index("user")) == null and .linux.uidMappings == null'
	jqe "$c" '.annotations == null'
	[ ! -s "$b/notes" ] || fail "spec --minimal printed notes: $(cat "$b/notes")"
	rm -rf "$b"
}

run_tests
