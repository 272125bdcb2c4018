#!/bin/bash
# docs/images.md: an OCI image built locally with umoci (no registry),
# copied with skopeo, unpacked with umoci into a bundle, and run by hardrun
# with umoci's config, with the hardened `hardrun spec` config, and with
# `hardrun sandbox`.
. "$(dirname "$0")/../lib.sh"

need_tools() {
	local t missing=""
	for t in umoci skopeo; do command -v "$t" >/dev/null 2>&1 || missing="$missing $t"; done
	[ -z "$missing" ] || skip "not installed:$missing (sh scripts/install-deps.sh all)"
}

# build_image DIR: DIR/copy:v1, the busybox rootfs as one layer, its command
# `echo hello-from-image` and GREETING=hi; copied from DIR/img by skopeo.
build_image() {
	local d=$1
	rm -rf "$d"; mkdir -p "$d"
	(cd "$d" && umoci init --layout img && umoci new --image img:base &&
		umoci insert --image img:base "$(rootfs_template)" / &&
		umoci config --image img:base --config.cmd /bin/sh --config.cmd -c \
			--config.cmd 'echo hello-from-image $GREETING $(id -u)' --config.env GREETING=hi &&
		skopeo copy -q oci:img:base oci:copy:v1) >"$d.log" 2>&1 || { cat "$d.log" >&2; return 1; }
}

unpack() { (cd "$1" && umoci unpack --image copy:v1 bundle) >"$1.log" 2>&1 || { cat "$1.log" >&2; return 1; }; }

test_umoci_bundle_runs_as_unpacked() {
	need_tools
	local d=$TEST_TMP/$FUNCNAME out
	build_image "$d" && unpack "$d" || { rm -rf "$d" "$d.log"; fail "building or unpacking the image failed"; }
	cfg "$d/bundle" '.process.terminal = false'
	out=$(hr run -b "$d/bundle" "$(unique_id)" 2>&1 </dev/null) || { rm -rf "$d" "$d.log"; fail "run: $out"; }
	rm -rf "$d" "$d.log"
	assert_contains "$out" "hello-from-image hi 0"
}

# docs/images.md way 2: the image's command in the hardened config.
test_image_command_in_the_hardened_spec() {
	need_tools
	local d=$TEST_TMP/$FUNCNAME out b
	build_image "$d" && unpack "$d" || { rm -rf "$d" "$d.log"; fail "building or unpacking the image failed"; }
	b=$d/bundle
	mv "$b/config.json" "$b/image.json"
	(cd "$b" && "$HARDRUN" spec 2>/dev/null) || { rm -rf "$d" "$d.log"; fail "spec failed"; }
	jq --slurpfile i "$b/image.json" '.process.terminal = false
		| .process.args = $i[0].process.args | .process.env = $i[0].process.env
		| .process.cwd = $i[0].process.cwd' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	out=$(hr run -b "$b" "$(unique_id)" 2>&1 </dev/null) || { rm -rf "$d" "$d.log"; fail "run: $out"; }
	rm -rf "$d" "$d.log"
	assert_contains "$out" "hello-from-image hi 0"
}

test_image_rootfs_in_sandbox() {
	need_tools
	local d=$TEST_TMP/$FUNCNAME out
	build_image "$d" && unpack "$d" || { rm -rf "$d" "$d.log"; fail "building or unpacking the image failed"; }
	out=$("$HARDRUN" --root "$STATE_ROOT" sandbox --rootfs "$d/bundle/rootfs" --env GREETING=sb -- \
		sh -c 'echo hello-from-sandbox $GREETING $(stat -c %u /bin/busybox)' 2>&1 </dev/null) ||
		{ rm -rf "$d" "$d.log"; fail "sandbox: $out"; }
	rm -rf "$d" "$d.log"
	assert_contains "$out" "hello-from-sandbox sb 0"
}

run_tests
