#!/bin/bash
# `hardrun features`: the runtime-spec features document (features.md,
# features-linux.md, schema/features-schema.json).
. "$(dirname "$0")/../lib.sh"

SCHEMA_DIR=$TOP/tests/data/oci-schema/schema

features() { "$HARDRUN" features; }
# jqe FILTER: the features JSON satisfies FILTER
jqe() { features | jq -e "$1" >/dev/null || fail "features does not satisfy: $1"; }

test_prints_valid_json_with_required_fields() {
	local out
	out=$(features) || fail "features failed"
	echo "$out" | jq -e . >/dev/null || fail "not JSON: $out"
	# the schema's two required fields
	jqe '.ociVersionMin == "1.0.0" and .ociVersionMax == "1.2.0"'
}

test_validates_against_schema() {
	python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema not installed"
	features >"$TEST_TMP/features.json" || fail "features failed"
	python3 - "$SCHEMA_DIR" "$TEST_TMP/features.json" <<'PY' || fail "schema validation failed"
import json, sys, warnings
import jsonschema
warnings.simplefilter("ignore", DeprecationWarning)
d, f = sys.argv[1], sys.argv[2]
schema = json.load(open(d + "/features-schema.json"))
resolver = jsonschema.RefResolver("file://" + d + "/", schema)
jsonschema.validate(json.load(open(f)), schema, resolver=resolver)
PY
}

# The same constraints by hand, so they hold without python too.
test_enums_match_schema() {
	local want key
	for key in SeccompAction SeccompOperators SeccompArch SeccompFlag NamespaceType; do
		want=$(jq -c ".definitions.$key.enum" "$SCHEMA_DIR/defs-linux.json")
		case $key in
		SeccompAction) jqe ".linux.seccomp.actions - $want == []" ;;
		SeccompOperators) jqe ".linux.seccomp.operators - $want == []" ;;
		SeccompArch) jqe ".linux.seccomp.archs - $want == []" ;;
		SeccompFlag) jqe "(.linux.seccomp.knownFlags + .linux.seccomp.supportedFlags) - $want == []" ;;
		NamespaceType) jqe ".linux.namespaces - $want == []" ;;
		esac || return 1
	done
	jqe '[.linux.capabilities[] | test("^CAP_[A-Z_]+$")] | all'
	jqe '[.hooks[], .mountOptions[] | type == "string"] | all'
	jqe '.annotations | to_entries | map(.value | type == "string") | all'
}

test_hooks_all_six() {
	jqe '.hooks == ["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]'
}

test_namespaces_include_user_and_time() {
	jqe '.linux.namespaces | sort == ["cgroup","ipc","mount","network","pid","time","user","uts"]'
}

test_capabilities_cover_kernel() {
	local last
	last=$(cat /proc/sys/kernel/cap_last_cap)
	jqe '.linux.capabilities | index("CAP_SYS_ADMIN") != null and index("CAP_CHOWN") == 0'
	# libcap-ng may not name the newest caps, but never lists more than the kernel has
	jqe ".linux.capabilities | length <= $last + 1 and length >= 38"
	jqe '.linux.capabilities | length == (unique | length)'
}

test_cgroup_v2_only() {
	jqe '.linux.cgroup == {"v1": false, "v2": true, "systemd": true, "systemdUser": true}'
}

test_seccomp() {
	jqe '.linux.seccomp.enabled == true'
	jqe '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") and index("SCMP_ACT_ERRNO") and index("SCMP_ACT_KILL_PROCESS")'
	jqe '.linux.seccomp.operators | length == 7'
	jqe '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") and index("SCMP_ARCH_X86") and index("SCMP_ARCH_X32")'
	jqe '.linux.seccomp.knownFlags | index("SECCOMP_FILTER_FLAG_LOG")'
	# what the kernel supports is a subset of what we know
	jqe '.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags == []'
}

test_lsm_and_extensions() {
	jqe '.linux.apparmor.enabled == true and .linux.selinux.enabled == false'
	jqe '.linux.intelRdt.enabled == false'
	jqe '.linux.mountExtensions.idmap.enabled == true'
}

test_mount_options() {
	jqe '.mountOptions | index("rbind") and index("rro") and index("nosymfollow") and index("idmap")'
	# the tmpfs copy-up extension runc and crun have, which podman sends
	jqe '.mountOptions | index("tmpcopyup") and index("notmpcopyup")'
}

test_annotations_name_version() {
	local v
	v=$("$HARDRUN" --version | awk '/^hardrun version/ { print $3 }')
	jqe ".annotations[\"org.hardrun.version\"] == \"$v\""
	# the commit the binary was built from, as runc reports its own
	local c; c=$(git -C "$TOP" describe --always --dirty --abbrev=12 2>/dev/null) || skip "not a git checkout"
	jqe ".annotations[\"org.hardrun.commit\"] | startswith(\"${c%-dirty}\")"
}

test_rejects_arguments() {
	local out
	if out=$("$HARDRUN" features extra 2>&1); then fail "features accepted an argument"; fi
	assert_contains "$out" 'unexpected argument "extra"'
}

run_tests
